// `leakgate dir`: files and directories on disk as items. Directories are listing items: a reader
// lists one and its entries are scanned next (depth-first keeps the queue small). Never descends
// into .git; hidden files are scanned; symlinks are not followed (except a path given on the
// command line); FIFOs, sockets and devices are skipped without being opened for reading, so the
// walk can never block on them.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "scanner/source/item.h"

namespace leakgate {

// A root as given on the command line, and how its paths are shown in reports.
struct DirRoot {
  std::string path;     // as given
  std::string display;  // prefix for reported paths ("" for a single directory root)
};

class DirSource : public Source {
 public:
  // Throws Error if a root does not exist or is neither a regular file nor a directory.
  explicit DirSource(std::vector<DirRoot> roots);
  SourceTraits traits() const override { return {}; }
  SourceSummary produce(ItemFeed& feed, ScanProgress* progress) override;
  std::unique_ptr<SourceReader> reader() override;
  std::string name() const override { return "directory walk"; }

 private:
  std::vector<Item> roots_;
  // Directory descriptors kept open for their entries, across readers (dir_source.cc).
  std::atomic<int> kept_dirs_{0};
  const int dir_budget_;
};

}  // namespace leakgate
