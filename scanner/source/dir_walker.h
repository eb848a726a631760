// `leakgate dir`: a parallel walk and scan. Workers share one stack of pending directories and
// files (depth-first keeps it small) and each scans what it pops with its own ContentScanner, the
// way ripgrep's walker feeds its searchers. Never descends into .git; hidden files are scanned;
// symlinks are not followed (except a path given on the command line); FIFOs, sockets and devices
// are skipped without being opened for reading, so the walk can never block on them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scanner/match/content_scanner.h"
#include "scanner/scan_result.h"

namespace leakgate {

struct DirScanOptions {
  unsigned threads = 0;  // 0: all cores
  ContentScannerOptions content;
  // Called from worker threads (serialized) as soon as an input cannot be read.
  std::function<void(const InputError&)> on_error;
};

// A root as given on the command line, and how its paths are shown in reports.
struct DirRoot {
  std::string path;     // as given
  std::string display;  // prefix for reported paths ("" for a single directory root)
};

// Scans the roots; findings come back sorted. Throws Error if a root does not exist.
ScanResult scan_directories(const std::vector<DirRoot>& roots, std::shared_ptr<const CompiledRuleset> rules,
                            const DirScanOptions& options);

}  // namespace leakgate
