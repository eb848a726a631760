#include "scanner/pipeline/scan_driver.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <thread>

#include "scanner/pipeline/item_scanner.h"
#include "scanner/pipeline/work_queue.h"
#include "scanner/util/error.h"
#include "scanner/util/start_threads.h"

namespace leakgate {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Readers take this many items at most per visit to the queue: few enough that a small scan
// spreads over all of them, enough that a history of a million blobs does not queue on the lock.
constexpr size_t kTakeMax = 16;

// The producer's stack: address space reserved, committed only as deep recursion touches it.
constexpr size_t kProducerStack = size_t{64} << 20;

// One run of the passes over one source.
class Driver {
 public:
  Driver(Source& source, std::shared_ptr<const CompiledRuleset> rules, const ScanDriverOptions& options)
      : source_(source), traits_(source.traits()), rules_(std::move(rules)), options_(options),
        threads_(std::max<unsigned>(1, options.threads ? options.threads : std::thread::hardware_concurrency())),
        queue_(threads_), outputs_(threads_) {}

  ScanResult run() {
    const auto t0 = Clock::now();
    SourceSummary summary = produce_and_read();
    ScanResult result = merge(std::move(summary));
    const auto t_dedupe = Clock::now();
    dedupe(result);
    result.passes.push_back({"dedupe", since(t_dedupe)});
    const auto t_sort = Clock::now();
    sort(result);
    result.passes.push_back({"sort", since(t_sort)});
    result.stats.seconds = since(t0);
    return result;
  }

 private:
  // The producer on this thread, the readers beside it. While it plans, one core is the
  // producer's: one reader fewer starts, and the last once producing is done. (Oversubscribed,
  // a history walk and the readers slowed each other down more than the overlap gained: 3.6 s
  // against 3.0 s on the synthetic history, 2 cores.) A source planned whole first gets a pool
  // sized to its work: a pre-commit with one staged file needs one reader, not one repository
  // opened per core.
  SourceSummary produce_and_read() {
    const auto t0 = Clock::now();
    if (!traits_.planned_whole) start_readers(threads_ > 1 ? threads_ - 1 : 1);
    SourceSummary summary;
    try {
      Feed feed(*this);
      // A producer may recurse as deep as its input nests (a git tree 4,096 levels deep).
      run_with_stack(kProducerStack, [&] { summary = source_.produce(feed, options_.progress); });
    } catch (const ScanStopped&) {
      // A reader failed: its error is rethrown below, once every thread has stopped.
    } catch (...) {
      queue_.stop();
      join_readers();
      throw;
    }
    queue_.close();
    if (options_.progress) options_.progress->planning = false;
    planned_ = queue_.appended();
    plan_seconds_ = since(t0);
    if (traits_.planned_whole)
      start_readers(std::min<unsigned>(threads_, static_cast<unsigned>(std::max<uint64_t>(1, planned_ / 8))));
    else
      start_readers(threads_);
    for (const InputError& e : summary.errors) report(e);
    std::thread sizer = start_sizer();
    join_readers();
    if (sizer.joinable()) sizer.join();
    read_seconds_ = since(t0);
    if (failure_) std::rethrow_exception(failure_);
    return summary;
  }

  class Feed : public ItemFeed {
   public:
    explicit Feed(Driver& d) : d_(d) {}
    void push(std::vector<Item>& items) override { d_.append(items); }

   private:
    Driver& d_;
  };

  bool in_shard(const Item& item) const {
    if (options_.shard_count <= 1 || item.listing) return true;
    uint64_t h;
    if (!item.id.is_zero()) {
      std::memcpy(&h, item.id.bytes.data(), sizeof h);
    } else {
      h = std::hash<std::string>{}(item.path);
    }
    return h % options_.shard_count == options_.shard_index;
  }

  void append(std::vector<Item>& items) {
    if (options_.shard_count > 1) std::erase_if(items, [&](const Item& it) { return !in_shard(it); });
    if (options_.progress) options_.progress->planned += items.size();
    queue_.append(items);
  }

  void start_readers(unsigned n) {
    queue_.set_readers(n);
    start_threads(pool_, n, [this](unsigned i) { read(outputs_[i]); });
  }

  void join_readers() {
    for (auto& t : pool_) t.join();
    pool_.clear();
  }

  // A reader's life: its source state, then items until the queue is drained. An error that is
  // not an input's (a matcher failure, bad_alloc) stops the whole scan, never std::terminate.
  void read(ReaderOutput& out) {
    std::vector<Item> batch, entries;
    size_t in_hand = 0;
    try {
      std::unique_ptr<SourceReader> reader;
      try {
        reader = source_.reader();
      } catch (const Error& e) {
        // This thread cannot read (its repository would not reopen): the others still can. If
        // none can, the scan's errors say why and it exits 2.
        record_error(out, InputError{source_.name(), e.what()});
        return;
      }
      ItemScanner scanner(rules_, options_, *reader, [this](const InputError& e) { report(e); }, out);
      while (queue_.take(batch, kTakeMax)) {
        in_hand = batch.size();
        for (const Item& item : batch) {
          entries.clear();
          scanner.scan(item, entries);
          if (options_.shard_count > 1) std::erase_if(entries, [&](const Item& it) { return !in_shard(it); });
          queue_.prepend(entries);
          if (options_.progress) ++options_.progress->done;
        }
        queue_.finished(in_hand);
        in_hand = 0;
      }
    } catch (...) {
      fail(std::current_exception());
      if (in_hand) queue_.finished(in_hand);
    }
  }

  void fail(std::exception_ptr e) {
    {
      std::lock_guard<std::mutex> l(error_mu_);
      if (!failure_) failure_ = e;
    }
    queue_.stop();
  }

  void report(const InputError& e) {
    if (!options_.on_error) return;
    std::lock_guard<std::mutex> l(error_mu_);
    options_.on_error(e);
  }

  void record_error(ReaderOutput& out, InputError e) {
    report(e);
    out.errors.push_back(std::move(e));
    ++out.stats.unreadable;
  }

  // The total size for the progress line, from the source on the side, only when someone watches.
  std::thread start_sizer() {
    if (!options_.progress) return {};
    try {
      return std::thread([this] {
        try {
          if (auto total = source_.total_bytes(*options_.progress)) options_.progress->total_bytes = *total;
        } catch (...) {
          // No total on the progress line; the scan itself is unaffected.
        }
      });
    } catch (const std::system_error&) {
      return {};  // no thread to spare: the progress line goes without a total
    }
  }

  ScanResult merge(SourceSummary summary) {
    ScanResult result;
    double subtract_seconds = 0;
    for (auto& o : outputs_) {
      result.stats.add(o.stats);
      for (auto& f : o.findings) tagged_.push_back(std::move(f));
      std::move(o.errors.begin(), o.errors.end(), std::back_inserter(result.errors));
      std::move(o.too_large.begin(), o.too_large.end(), std::back_inserter(result.too_large));
      subtract_seconds += o.subtract_seconds;
    }
    for (auto& e : summary.errors) {
      result.errors.push_back(std::move(e));
      ++result.stats.unreadable;
    }
    result.stats.commits = summary.commits;
    result.stats.gitlinks = summary.gitlinks;
    result.stats.planned = planned_;
    result.passes.push_back({"produce", plan_seconds_});
    result.passes.push_back({"read+scan", read_seconds_});
    result.passes.push_back({"subtract", subtract_seconds, true});
    return result;
  }

  // One secret at one place is one finding: where items are versions (a file edited many times in
  // a history), the same fingerprint is reported once, at the earliest commit that introduced it.
  void dedupe(ScanResult& result) {
    if (!traits_.versions) {
      for (auto& [order, f] : tagged_) result.findings.push_back(std::move(f));
      return;
    }
    std::map<std::string, std::pair<uint32_t, Finding>> best;
    for (auto& [order, f] : tagged_) {
      std::string key = f.fingerprint;  // copied before `f` is moved into the map
      auto it = best.find(key);
      if (it == best.end()) best.emplace(std::move(key), std::make_pair(order, std::move(f)));
      else if (order < it->second.first) it->second = {order, std::move(f)};
    }
    for (auto& [fp, v] : best) result.findings.push_back(std::move(v.second));
  }

  static void sort(ScanResult& result) {
    std::sort(result.findings.begin(), result.findings.end(), finding_less);
    std::sort(result.errors.begin(), result.errors.end(),
              [](const InputError& a, const InputError& b) { return a.what < b.what; });
    std::sort(result.too_large.begin(), result.too_large.end());
  }

  Source& source_;
  const SourceTraits traits_;
  std::shared_ptr<const CompiledRuleset> rules_;
  const ScanDriverOptions& options_;
  const unsigned threads_;
  WorkQueue queue_;
  std::vector<ReaderOutput> outputs_;
  std::vector<std::thread> pool_;
  std::vector<std::pair<uint32_t, Finding>> tagged_;
  std::mutex error_mu_;
  std::exception_ptr failure_;
  uint64_t planned_ = 0;
  double plan_seconds_ = 0, read_seconds_ = 0;
};

// What a failed worker threw, as the Error the command line turns into exit 2.
Error worker_error(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::bad_alloc&) {
    return Error("the scan ran out of memory and stopped; nothing was reported (try fewer --threads)");
  } catch (const std::exception& x) {
    return Error(std::string("the scan stopped: ") + x.what());
  } catch (...) {
    return Error("the scan stopped on an unknown error");
  }
}

}  // namespace

ScanResult run_scan(Source& source, std::shared_ptr<const CompiledRuleset> rules, const ScanDriverOptions& options) {
  Driver driver(source, std::move(rules), options);
  try {
    return driver.run();
  } catch (const Error&) {
    throw;
  } catch (...) {
    throw worker_error(std::current_exception());
  }
}

}  // namespace leakgate
