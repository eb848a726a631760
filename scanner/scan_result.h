// What a scan hands to the reports: findings, the inputs it could not read (each named with the
// reason), and counters for the summary line and --stats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/finding.h"

namespace leakgate {

// Why an input was not scanned. A missing object (a partial or shallow clone) is named apart from
// the rest: it says what to fetch rather than what is broken.
enum class InputErrorKind : uint8_t { kUnreadable, kMissing };

struct InputError {
  std::string what;    // path or object id
  std::string reason;
  InputErrorKind kind = InputErrorKind::kUnreadable;
};

// How long one named pass of a scan took (scan_driver.h lists them).
struct PassTime {
  const char* name;
  double seconds;
  bool worker_seconds = false;  // summed over the worker threads, not wall time
};

struct ScanStats {
  uint64_t files = 0;           // files or blobs scanned
  uint64_t bytes = 0;
  uint64_t skipped_special = 0; // FIFOs, sockets, devices
  uint64_t skipped_symlinks = 0;
  uint64_t skipped_exempt = 0;  // paths a global allowlist exempts
  uint64_t unreadable = 0;
  uint64_t hs_hits = 0;          // Hyperscan match events for rules
  uint64_t own_db_scans = 0;     // passes of a rule's own database (compiled_ruleset.h)
  uint64_t confirm_ranges = 0;   // windows RE2 searched
  uint64_t matches = 0;          // RE2-confirmed matches, before filters
  uint64_t commits = 0;          // commits walked (git sources)
  uint64_t planned = 0;          // items the source produced (a git scan: unique blobs)
  uint64_t gitlinks = 0;         // submodule entries, not blobs
  uint64_t too_large = 0;        // skipped over the size cap
  double seconds = 0;
  void add(const ScanStats& o) {
    files += o.files;
    bytes += o.bytes;
    skipped_special += o.skipped_special;
    skipped_symlinks += o.skipped_symlinks;
    skipped_exempt += o.skipped_exempt;
    unreadable += o.unreadable;
    hs_hits += o.hs_hits;
    own_db_scans += o.own_db_scans;
    confirm_ranges += o.confirm_ranges;
    matches += o.matches;
    commits += o.commits;
    planned += o.planned;
    gitlinks += o.gitlinks;
    too_large += o.too_large;
  }
};

struct ScanResult {
  std::vector<Finding> findings;
  std::vector<InputError> errors;
  std::vector<std::string> too_large;  // "ID path" (or the path) of what the size cap skipped
  ScanStats stats;
  std::vector<PassTime> passes;        // in order
};

}  // namespace leakgate
