// The progress line of a long scan on a terminal: what the scan's counters (ScanProgress) say,
// redrawn four times a second on stderr with the rate and, once the plan is complete, the share
// done and an ETA. The library only counts; drawing is the command line's business.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "scanner/scan_progress.h"

namespace leakgate::cli {

class ProgressLine {
 public:
  // Draws while it lives, when `enabled` (a terminal that asked for it); else does nothing.
  ProgressLine(const ScanProgress& progress, bool enabled);
  ~ProgressLine();  // stops and erases the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  void loop();
  void draw();

  const ScanProgress& progress_;
  bool enabled_;
  std::chrono::steady_clock::time_point t0_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace leakgate::cli
