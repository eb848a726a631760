#include "scanner/source/stream_source.h"

#include "scanner/util/fd_reader.h"

namespace leakgate {
namespace {

class StreamContent : public Content {
 public:
  StreamContent(int fd, const std::string& what) : fd_(fd), what_(what) {}
  size_t read(char* buf, size_t n) override {
    try {
      return read_fd(fd_, buf, n);
    } catch (const ReadError& e) {
      throw ReadError("reading " + what_ + ": " + e.what());
    }
  }

 private:
  int fd_;
  const std::string& what_;
};

class StreamReader : public SourceReader {
 public:
  StreamReader(int fd, const std::string& what) : fd_(fd), what_(what) {}
  Opened open(const Item&, uint64_t) override {
    return {ItemStatus::kRead, {}, std::make_unique<StreamContent>(fd_, what_)};
  }

 private:
  int fd_;
  const std::string& what_;
};

}  // namespace

SourceSummary StreamSource::produce(ItemFeed& feed, ScanProgress*) {
  std::vector<Item> items(1);
  items[0].path = path_;
  feed.push(items);
  return {};
}

std::unique_ptr<SourceReader> StreamSource::reader() { return std::make_unique<StreamReader>(fd_, what_); }

}  // namespace leakgate
