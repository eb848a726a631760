// One stream as one item (`leakgate stdin`: standard input, reported as "-").
#pragma once

#include <memory>
#include <string>

#include "scanner/source/item.h"

namespace leakgate {

class StreamSource : public Source {
 public:
  // `fd` stays owned by the caller; `what` names it in read errors ("standard input").
  StreamSource(int fd, std::string path, std::string what) : fd_(fd), path_(std::move(path)), what_(std::move(what)) {}
  SourceTraits traits() const override { return {.planned_whole = true}; }
  SourceSummary produce(ItemFeed& feed, ScanProgress* progress) override;
  std::unique_ptr<SourceReader> reader() override;
  std::string name() const override { return path_; }

 private:
  int fd_;
  std::string path_, what_;
};

}  // namespace leakgate
