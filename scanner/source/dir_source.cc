#include "scanner/source/dir_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "scanner/util/error.h"
#include "scanner/util/fd_reader.h"

namespace leakgate {
namespace {

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

// What an entry is opened relative to: a listed directory, or (for a root) the path as given.
// Children are opened relative to a listed directory with openat(2): a full path would make the
// kernel walk every component again for every file, which was a tenth of a directory scan's CPU.
// A kept descriptor lives until the directory's last entry is done, so at most half of the
// process's descriptor limit are kept (a deep tree keeps one per pending level); past that, a
// directory is closed once listed and its children are opened by full path.
struct DirHandle : Container {
  std::string path;              // full path, for the fallback and for messages
  DIR* dir = nullptr;            // the descriptor children are opened relative to; null: use `path`
  std::atomic<int>* kept = nullptr;  // the walk's count of kept descriptors, released here
  bool root = false;             // the item is the root itself, opened by `path`
  DirHandle(std::string p, DIR* d, std::atomic<int>* k, bool r) : path(std::move(p)), dir(d), kept(k), root(r) {}
  DirHandle(const DirHandle&) = delete;
  DirHandle& operator=(const DirHandle&) = delete;
  ~DirHandle() override {
    if (dir) {
      ::closedir(dir);
      kept->fetch_sub(1, std::memory_order_relaxed);
    }
  }
};

const DirHandle& handle(const Item& item) { return static_cast<const DirHandle&>(*item.parent); }

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

// Opens the entry `item` names: relative to its parent directory's descriptor when there is one.
int open_entry(const Item& item, int flags) {
  const DirHandle& h = handle(item);
  // A root named on the command line is followed if it is a symlink: the user asked for it.
  if (h.root) return ::open(h.path.c_str(), flags & ~O_NOFOLLOW);
  const char* name = item.path.c_str() + item.name_at;
  if (h.dir) return ::openat(::dirfd(h.dir), name, flags);
  return ::open(join(h.path, name).c_str(), flags);
}

std::string full_path(const Item& item) {
  const DirHandle& h = handle(item);
  return h.root ? h.path : join(h.path, item.path.c_str() + item.name_at);
}

// A regular file's bytes. A short read that reaches the size fstat reported is the end of the
// file, so the read(2) that would only return 0 is not made: one system call fewer per file.
// Short of that size it is not: after an I/O error part-way, read(2) returns what it got and only
// the next call fails, and that failure must be reported, not taken for the end.
class FileContent : public Content {
 public:
  FileContent(UniqueFd fd, uint64_t size) : fd_(std::move(fd)) { size_hint = size; }
  size_t read(char* buf, size_t n) override {
    if (ended_) return 0;
    const size_t got = read_fd(fd_.get(), buf, n);
    total_ += got;
    ended_ = got < n && got > 0 && total_ >= size_hint;
    return got;
  }

 private:
  UniqueFd fd_;
  uint64_t total_ = 0;
  bool ended_ = false;
};

class DirReader : public SourceReader {
 public:
  DirReader(std::atomic<int>& kept, int budget) : kept_(kept), budget_(budget) {}

  Opened open(const Item& item, uint64_t max_size) override {
    // O_NONBLOCK: if the entry was swapped for a FIFO since it was listed, open must not wait for
    // a writer; O_NOFOLLOW: nor was it swapped for a symlink.
    UniqueFd fd(open_entry(item, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) return failed(errno);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return failed(errno);
    if (!S_ISREG(st.st_mode)) return {ItemStatus::kSpecial, {}, nullptr};
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (max_size && size > max_size) return {ItemStatus::kTooLarge, {}, nullptr};
    return {ItemStatus::kRead, {}, std::make_unique<FileContent>(std::move(fd), size)};
  }

  void list(const Item& item, std::vector<Item>& entries, std::vector<Unlisted>& skipped) override;

 private:
  static Opened failed(int err) {
    if (err == ELOOP) return {ItemStatus::kSymlink, {}, nullptr};
    return {ItemStatus::kUnreadable, std::strerror(err), nullptr};
  }

  std::atomic<int>& kept_;
  const int budget_;
};

void DirReader::list(const Item& item, std::vector<Item>& entries, std::vector<Unlisted>& skipped) {
  const std::string& shown = item.path.empty() ? handle(item).path : item.path;
  // O_NOFOLLOW: a directory swapped for a symlink since it was listed is not followed.
  const int fd = open_entry(item, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    skipped.push_back({shown, err == ELOOP ? ItemStatus::kSymlink : ItemStatus::kUnreadable, std::strerror(err)});
    return;
  }
  std::unique_ptr<DIR, DirCloser> d(::fdopendir(fd));
  if (!d) {
    const int err = errno;
    ::close(fd);
    skipped.push_back({shown, ItemStatus::kUnreadable, std::strerror(err)});
    return;
  }
  const size_t first = entries.size();
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
        skipped.push_back({join(item.path, name), ItemStatus::kUnreadable, std::strerror(errno)});
        continue;
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
    }
    if (type == DT_DIR || type == DT_REG) {
      Item entry;
      entry.path = join(item.path, name);
      entry.name_at = static_cast<uint32_t>(entry.path.size() - std::strlen(name));
      entry.listing = type == DT_DIR;
      entries.push_back(std::move(entry));
    } else {
      skipped.push_back({join(item.path, name), type == DT_LNK ? ItemStatus::kSymlink : ItemStatus::kSpecial, {}});
    }
  }
  if (read_error != 0)
    skipped.push_back({shown, ItemStatus::kUnreadable, std::string("reading directory: ") + std::strerror(read_error)});
  if (entries.size() == first) return;
  // Keep the descriptor for the entries if the budget allows; else they are opened by full path.
  if (kept_.fetch_add(1, std::memory_order_relaxed) >= budget_) {
    kept_.fetch_sub(1, std::memory_order_relaxed);
    d.reset();
  }
  auto self = std::make_shared<const DirHandle>(full_path(item), d.get(), &kept_, false);
  d.release();  // owned by `self` now (if kept)
  for (size_t i = first; i < entries.size(); ++i) entries[i].parent = self;
}

}  // namespace

DirSource::DirSource(std::vector<DirRoot> roots) : dir_budget_(directory_budget()) {
  for (const auto& root : roots) {
    struct stat st;
    // A root named on the command line is followed if it is a symlink: the user asked for it.
    if (::stat(root.path.c_str(), &st) != 0) throw Error("cannot scan '" + root.path + "': " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      throw Error("cannot scan '" + root.path + "': not a regular file or directory");
    Item item;
    item.listing = S_ISDIR(st.st_mode);
    item.path = item.listing || !root.display.empty() ? root.display : root.path;
    item.parent = std::make_shared<const DirHandle>(root.path, nullptr, &kept_dirs_, true);
    roots_.push_back(std::move(item));
  }
}

SourceSummary DirSource::produce(ItemFeed& feed, ScanProgress*) {
  feed.push(roots_);
  return {};
}

std::unique_ptr<SourceReader> DirSource::reader() { return std::make_unique<DirReader>(kept_dirs_, dir_budget_); }

}  // namespace leakgate
