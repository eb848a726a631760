#include "scanner/source/dir_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "scanner/source/fd_reader.h"
#include "scanner/util/error.h"

namespace leakgate {
namespace {

struct Work {
  std::string path;  // to open
  std::string rel;   // to report
  bool dir;
};

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

class Walk {
 public:
  Walk(std::shared_ptr<const CompiledRuleset> rules, const DirScanOptions& options)
      : rules_(std::move(rules)), options_(options) {}

  void push(Work w) {
    std::lock_guard<std::mutex> lock(mu_);
    stack_.push_back(std::move(w));
    ++pending_;
    cv_.notify_one();
  }

  void run(unsigned threads, ScanResult& result) {
    std::vector<ScanResult> partial(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back([this, &partial, t] { worker(partial[t]); });
    for (auto& th : pool) th.join();
    for (auto& p : partial) {
      result.stats.add(p.stats);
      std::move(p.findings.begin(), p.findings.end(), std::back_inserter(result.findings));
      std::move(p.errors.begin(), p.errors.end(), std::back_inserter(result.errors));
    }
  }

 private:
  bool pop(Work& w) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !stack_.empty() || pending_ == 0; });
    if (stack_.empty()) return false;
    w = std::move(stack_.back());
    stack_.pop_back();
    return true;
  }

  void done() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--pending_ == 0) cv_.notify_all();
  }

  void error(ScanResult& r, const std::string& what, const std::string& reason) {
    InputError e{what, reason};
    ++r.stats.unreadable;
    if (options_.on_error) {
      std::lock_guard<std::mutex> lock(error_mu_);
      options_.on_error(e);
    }
    r.errors.push_back(std::move(e));
  }

  void worker(ScanResult& r) {
    ContentScanner scanner(rules_, options_.content);
    Work w;
    while (pop(w)) {
      if (w.dir) list_dir(w, r);
      else scan_file(scanner, w, r);
      done();
    }
    r.stats.hs_hits += scanner.stats().hs_hits;
    r.stats.confirm_ranges += scanner.stats().ranges_confirmed;
    r.stats.matches += scanner.stats().matches;
  }

  void list_dir(const Work& w, ScanResult& r) {
    DIR* d = ::opendir(w.path.c_str());
    if (!d) {
      error(r, w.rel.empty() ? w.path : w.rel, std::strerror(errno));
      return;
    }
    std::vector<Work> found;
    errno = 0;
    while (dirent* e = ::readdir(d)) {
      const char* name = e->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      if (std::strcmp(name, ".git") == 0) continue;  // the repository itself, file or directory
      std::string path = join(w.path, name);
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st;
        if (::lstat(path.c_str(), &st) != 0) {
          error(r, join(w.rel, name), std::strerror(errno));
          continue;
        }
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
      }
      if (type == DT_DIR) found.push_back({std::move(path), join(w.rel, name), true});
      else if (type == DT_REG) found.push_back({std::move(path), join(w.rel, name), false});
      else if (type == DT_LNK) ++r.stats.skipped_symlinks;
      else ++r.stats.skipped_special;
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) error(r, w.rel.empty() ? w.path : w.rel, std::string("reading directory: ") + std::strerror(err));
    std::lock_guard<std::mutex> lock(mu_);
    pending_ += found.size();
    // Reverse so the stack pops entries in directory order; wakes every sleeper for the new work.
    for (auto it = found.rbegin(); it != found.rend(); ++it) stack_.push_back(std::move(*it));
    if (!found.empty()) cv_.notify_all();
  }

  void scan_file(ContentScanner& scanner, const Work& w, ScanResult& r) {
    if (scanner.path_exempt(w.rel)) {
      ++r.stats.skipped_exempt;
      return;
    }
    // O_NONBLOCK: if the entry was swapped for a FIFO since it was listed, open must not wait for a
    // writer; O_NOFOLLOW: nor was it swapped for a symlink.
    UniqueFd fd(::open(w.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) {
      if (errno == ELOOP) ++r.stats.skipped_symlinks;
      else error(r, w.rel, std::strerror(errno));
      return;
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) {
      error(r, w.rel, std::strerror(errno));
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      ++r.stats.skipped_special;
      return;
    }
    try {
      const ScanTarget target{w.rel, {}};
      r.stats.bytes += scanner.scan_stream([&](char* buf, size_t n) { return read_fd(fd.get(), buf, n); }, target,
                                           r.findings, static_cast<uint64_t>(st.st_size));
      ++r.stats.files;
    } catch (const ReadError& e) {
      error(r, w.rel, e.what());
    }
  }

  std::shared_ptr<const CompiledRuleset> rules_;
  const DirScanOptions& options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Work> stack_;
  size_t pending_ = 0;
  std::mutex error_mu_;
};

}  // namespace

ScanResult scan_directories(const std::vector<DirRoot>& roots, std::shared_ptr<const CompiledRuleset> rules,
                            const DirScanOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  Walk walk(rules, options);
  for (const auto& root : roots) {
    struct stat st;
    // A root named on the command line is followed if it is a symlink: the user asked for it.
    if (::stat(root.path.c_str(), &st) != 0)
      throw Error("cannot scan '" + root.path + "': " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) {
      walk.push({root.path, root.display, true});
    } else if (S_ISREG(st.st_mode)) {
      walk.push({root.path, root.display.empty() ? root.path : root.display, false});
    } else {
      throw Error("cannot scan '" + root.path + "': not a regular file or directory");
    }
  }
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  ScanResult result;
  walk.run(threads, result);
  std::sort(result.findings.begin(), result.findings.end(), finding_less);
  std::sort(result.errors.begin(), result.errors.end(),
            [](const InputError& a, const InputError& b) { return a.what < b.what; });
  result.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace leakgate
