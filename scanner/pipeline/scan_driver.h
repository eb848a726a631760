// The one scan driver. Every scan — `dir`, `stdin`, `git` (history), `git --range`, `--staged`,
// `--pre-push` — is a Source (scanner/source/item.h) run through the same passes:
//
//   produce      the source enumerates items (a history walk plans blobs; a directory walk
//                hands over its roots), on the calling thread, while readers already work
//   read + scan  a pool of readers takes items and applies one policy to each (item_scanner.h):
//                exemptions and size caps → read → match and confirm → subtract what the
//                item's earlier versions held → record
//   dedupe       one finding per fingerprint at the earliest introduction, where items are
//                versions of the same paths (a git history); files keep every occurrence
//   sort         findings, errors and skipped items in one deterministic order
//
// Each pass is timed into ScanResult::passes. Sharding, progress counters, input errors and the
// failure of a worker are handled here, the same for every source.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "scanner/match/content_scanner.h"
#include "scanner/scan_progress.h"
#include "scanner/scan_result.h"
#include "scanner/source/item.h"

namespace leakgate {

struct ScanDriverOptions {
  unsigned threads = 0;      // 0: all cores
  uint64_t max_size = 0;     // skip (and name) items larger than this; 0: no cap
  // --shard K/N: only the items whose id (else path) falls in share K of N, so N machines
  // scanning the same history split the work without talking to each other.
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  ContentScannerOptions content;
  ScanProgress* progress = nullptr;  // moved forward when set
  // Called as soon as an input cannot be read; calls are serialized.
  std::function<void(const InputError&)> on_error;
};

// Runs `source` through the passes. Throws Error when the source cannot be enumerated, and when a
// worker fails (a matcher error, memory exhausted): the message names what failed, and the scan
// stops rather than report a partial result as complete.
ScanResult run_scan(Source& source, std::shared_ptr<const CompiledRuleset> rules, const ScanDriverOptions& options);

}  // namespace leakgate
