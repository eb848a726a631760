// The driver's queue of items. The producer appends (a history in plan order, as it is walked);
// a listing's entries go to the front, so a directory walk goes depth-first and stays small, the
// way ripgrep's walker feeds its searchers. Readers take a fair share at a time. The queue is
// drained when the producer has closed it and no item is in hand: an item in hand may still add
// entries. stop() ends it early for everyone (a worker failed), so no thread waits for work that
// will never come.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "scanner/source/item.h"

namespace leakgate {

class WorkQueue {
 public:
  explicit WorkQueue(unsigned readers) : readers_(std::max(1u, readers)) {}

  // Throws ScanStopped once stop() was called.
  void append(std::vector<Item>& items) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopped_) throw ScanStopped{};
      for (auto& it : items) items_.push_back(std::move(it));
      appended_ += items.size();
    }
    cv_.notify_all();
  }

  // A listing's entries, taken next and in their order. Called by a reader holding the listing.
  void prepend(std::vector<Item>& items) {
    if (items.empty()) return;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (auto it = items.rbegin(); it != items.rend(); ++it) items_.push_front(std::move(*it));
    }
    cv_.notify_all();
  }

  void close() {
    {
      std::lock_guard<std::mutex> l(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  void stop() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stopped_ = true;
      items_.clear();
    }
    cv_.notify_all();
  }

  // Up to `max` items into `out` (a fair share: a few items are spread over all readers); marks
  // them in hand until finished(). False once the queue is drained or stopped.
  bool take(std::vector<Item>& out, size_t max) {
    out.clear();
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return stopped_ || !items_.empty() || (closed_ && in_hand_ == 0); });
    if (stopped_ || items_.empty()) return false;
    const size_t n = std::clamp<size_t>(items_.size() / readers_, 1, max);
    for (size_t i = 0; i < n; ++i) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
    }
    in_hand_ += n;
    return true;
  }

  // The items of one take() are done (their entries, if any, prepended already).
  void finished(size_t n) {
    std::lock_guard<std::mutex> l(mu_);
    in_hand_ -= n;
    if (in_hand_ == 0 && closed_ && items_.empty()) cv_.notify_all();
  }

  void set_readers(unsigned n) {
    std::lock_guard<std::mutex> l(mu_);
    readers_ = std::max(1u, n);
  }

  uint64_t appended() const {
    std::lock_guard<std::mutex> l(mu_);
    return appended_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> items_;
  size_t in_hand_ = 0;
  unsigned readers_;
  uint64_t appended_ = 0;
  bool closed_ = false;
  bool stopped_ = false;
};

}  // namespace leakgate
