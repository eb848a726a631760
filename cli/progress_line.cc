#include "cli/progress_line.h"

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace leakgate::cli {

ProgressLine::ProgressLine(const ScanProgress& progress, bool enabled)
    : progress_(progress), enabled_(enabled), t0_(std::chrono::steady_clock::now()) {
  if (!enabled_) return;
  try {
    thread_ = std::thread([this] { loop(); });
  } catch (const std::system_error&) {
    enabled_ = false;  // no thread to spare: scan without the progress line
  }
}

ProgressLine::~ProgressLine() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::fputs("\r\x1b[K", stderr);
}

void ProgressLine::loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!cv_.wait_for(l, std::chrono::milliseconds(250), [&] { return stop_; })) draw();
}

void ProgressLine::draw() {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  const uint64_t done = progress_.done.load(), n = progress_.bytes.load(), total = progress_.planned.load();
  const double rate = secs > 0 ? n / secs / 1e6 : 0;
  if (progress_.planning.load()) {  // the total is not known yet: no percentage, no ETA
    std::fprintf(stderr,
                 "\r\x1b[Kleakgate: walking the history: %llu commits, %llu blobs planned, %llu scanned, %.1f MB, "
                 "%.1f MB/s",
                 static_cast<unsigned long long>(progress_.commits.load()), static_cast<unsigned long long>(total),
                 static_cast<unsigned long long>(done), n / 1e6, rate);
    return;
  }
  const double eta = done > 0 ? secs * (static_cast<double>(total) - done) / done : 0;
  const uint64_t tb = progress_.total_bytes.load();
  const double eta_bytes = (tb && n) ? secs * (static_cast<double>(tb) - n) / n : eta;
  char of[32] = "";
  if (tb) std::snprintf(of, sizeof of, " of %.1f", tb / 1e6);
  std::fprintf(stderr, "\r\x1b[Kleakgate: %llu/%llu blobs (%.0f%%), %.1f%s MB, %.1f MB/s, ETA %.0fs",
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
               total ? 100.0 * done / total : 100.0, n / 1e6, of, rate, std::max(0.0, eta_bytes));
}

}  // namespace leakgate::cli
