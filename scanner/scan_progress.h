// Counters a scan moves forward as it goes, for whoever shows progress (cli/progress_line.h draws
// them on a terminal). The library only counts: it never decides whether, where or how to print.
#pragma once

#include <atomic>
#include <cstdint>

namespace leakgate {

struct ScanProgress {
  std::atomic<uint64_t> commits{0};      // commits walked so far (history sources)
  std::atomic<uint64_t> planned{0};      // items handed to the readers so far
  std::atomic<uint64_t> done{0};         // items finished (scanned or skipped)
  std::atomic<uint64_t> bytes{0};        // bytes scanned
  std::atomic<uint64_t> total_bytes{0};  // what all planned items hold; 0 until known
  std::atomic<bool> planning{true};      // the source is still producing: `planned` still grows
};

}  // namespace leakgate
