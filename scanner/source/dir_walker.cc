#include "scanner/source/dir_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "scanner/util/fd_reader.h"
#include "scanner/util/error.h"
#include "scanner/util/start_threads.h"

namespace leakgate {
namespace {

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

// A listed directory whose entries are (or were) on the stack. Its children are opened relative to
// it with openat(2): a full path would make the kernel walk every component again for every file,
// which was a tenth of a directory scan's CPU. A kept descriptor lives until the directory's last
// entry is done, so at most half of the process's descriptor limit are kept (a deep tree keeps one
// per pending level); past that, a directory is closed once listed and its children are opened by
// full path.
struct OpenDir {
  std::string path;              // full path, for the fallback and for messages
  DIR* dir = nullptr;            // the descriptor children are opened relative to; null: use `path`
  std::atomic<int>* kept;        // the walk's count of kept descriptors, released here
  OpenDir(std::string p, DIR* d, std::atomic<int>* k) : path(std::move(p)), dir(d), kept(k) {}
  OpenDir(const OpenDir&) = delete;
  OpenDir& operator=(const OpenDir&) = delete;
  ~OpenDir() {
    if (dir) {
      ::closedir(dir);
      kept->fetch_sub(1, std::memory_order_relaxed);
    }
  }
};

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Descriptors the walk may keep open for listed directories: half the soft limit, less a margin
// for the files being scanned, standard streams and the rule cache.
int directory_budget() {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 512;
  return static_cast<int>(std::min<rlim_t>(rl.rlim_cur / 2, 1u << 20)) - 8;
}

struct Work {
  std::shared_ptr<const OpenDir> parent;  // null: a root, opened by `root_path`
  std::string rel;                        // to report
  size_t name_at = 0;                     // where the entry's own name starts in `rel`
  bool dir = false;
  std::string root_path;                  // a root only: the path to open
};

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
    start_threads(pool, threads, [this, &partial](unsigned t) { worker(partial[t]); });
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
    r.stats.own_db_scans += scanner.stats().own_scans;
    r.stats.confirm_ranges += scanner.stats().ranges_confirmed;
    r.stats.matches += scanner.stats().matches;
  }

  // Opens the entry `w` names: relative to its parent directory's descriptor when there is one.
  static int open_entry(const Work& w, int flags) {
    // A root named on the command line is followed if it is a symlink: the user asked for it.
    if (!w.parent) return ::open(w.root_path.c_str(), flags & ~O_NOFOLLOW);
    const char* name = w.rel.c_str() + w.name_at;
    if (w.parent->dir) return ::openat(::dirfd(w.parent->dir), name, flags);
    return ::open(join(w.parent->path, name).c_str(), flags);
  }

  static std::string full_path(const Work& w) {
    return w.parent ? join(w.parent->path, w.rel.c_str() + w.name_at) : w.root_path;
  }

  void list_dir(const Work& w, ScanResult& r) {
    const std::string& shown = w.rel.empty() ? w.root_path : w.rel;
    // O_NOFOLLOW: a directory swapped for a symlink since it was listed is not followed.
    const int fd = open_entry(w, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
      if (errno == ELOOP) ++r.stats.skipped_symlinks;
      else error(r, shown, std::strerror(errno));
      return;
    }
    std::unique_ptr<DIR, DirCloser> d(::fdopendir(fd));
    if (!d) {
      const int err = errno;
      ::close(fd);
      error(r, shown, std::strerror(err));
      return;
    }
    std::vector<Work> found;
    int read_error = 0;
    for (;;) {
      errno = 0;  // readdir reports an error only through errno, so nothing else may leave it set
      const dirent* e = ::readdir(d.get());
      if (!e) {
        read_error = errno;
        break;
      }
      const char* name = e->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      if (std::strcmp(name, ".git") == 0) continue;  // the repository itself, file or directory
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st;
        if (::fstatat(::dirfd(d.get()), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
          error(r, join(w.rel, name), std::strerror(errno));
          continue;
        }
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
      }
      if (type == DT_DIR || type == DT_REG) {
        std::string rel = join(w.rel, name);
        const size_t name_at = rel.size() - std::strlen(name);
        found.push_back({nullptr, std::move(rel), name_at, type == DT_DIR, {}});
      } else if (type == DT_LNK) {
        ++r.stats.skipped_symlinks;
      } else {
        ++r.stats.skipped_special;
      }
    }
    if (read_error != 0) error(r, shown, std::string("reading directory: ") + std::strerror(read_error));
    if (found.empty()) return;
    // Keep the descriptor for the entries if the budget allows; else they are opened by full path.
    if (kept_dirs_.fetch_add(1, std::memory_order_relaxed) >= dir_budget_) {
      kept_dirs_.fetch_sub(1, std::memory_order_relaxed);
      d.reset();
    }
    auto self = std::make_shared<const OpenDir>(full_path(w), d.get(), &kept_dirs_);
    d.release();  // owned by `self` now (if kept)
    for (auto& f : found) f.parent = self;
    std::lock_guard<std::mutex> lock(mu_);
    pending_ += found.size();
    // Reverse so the stack pops entries in directory order; wakes every sleeper for the new work.
    for (auto it = found.rbegin(); it != found.rend(); ++it) stack_.push_back(std::move(*it));
    cv_.notify_all();
  }

  void scan_file(ContentScanner& scanner, const Work& w, ScanResult& r) {
    if (scanner.path_exempt(w.rel)) {
      ++r.stats.skipped_exempt;
      return;
    }
    // O_NONBLOCK: if the entry was swapped for a FIFO since it was listed, open must not wait for a
    // writer; O_NOFOLLOW: nor was it swapped for a symlink.
    UniqueFd fd(open_entry(w, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK));
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
      // A short read that reaches the size fstat reported is the end of the file, so the read(2)
      // that would only return 0 is not made: one system call fewer per file. Short of that size
      // it is not: after an I/O error part-way, read(2) returns what it got and only the next
      // call fails, and that failure must be reported, not taken for the end.
      const uint64_t size = static_cast<uint64_t>(st.st_size);
      uint64_t total = 0;
      bool ended = false;
      auto read = [&](char* buf, size_t n) -> size_t {
        if (ended) return 0;
        const size_t got = read_fd(fd.get(), buf, n);
        total += got;
        ended = got < n && got > 0 && total >= size;
        return got;
      };
      r.stats.bytes += scanner.scan_stream(read, target, r.findings, size);
      ++r.stats.files;
    } catch (const ReadError& e) {
      error(r, w.rel, e.what());
    }
  }

  std::shared_ptr<const CompiledRuleset> rules_;
  const DirScanOptions& options_;
  std::atomic<int> kept_dirs_{0};
  const int dir_budget_ = directory_budget();
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
      walk.push({nullptr, root.display, 0, true, root.path});
    } else if (S_ISREG(st.st_mode)) {
      walk.push({nullptr, root.display.empty() ? root.path : root.display, 0, false, root.path});
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
