// What a scan hands to the reports: findings, the inputs it could not read (each named with the
// reason), and counters for the summary line and --stats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/finding.h"

namespace leakgate {

struct InputError {
  std::string what;    // path or object id
  std::string reason;
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
  }

};

struct ScanResult {
  std::vector<Finding> findings;
  std::vector<InputError> errors;
  ScanStats stats;
};

}  // namespace leakgate
