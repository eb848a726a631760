// A ReadFn over a POSIX file descriptor: retries EINTR, turns other errors into an exception with
// the errno text (the caller adds the path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <stdexcept>

namespace leakgate {

class ReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads up to n bytes; 0 at end of file; throws ReadError.
size_t read_fd(int fd, char* buf, size_t n);

// Reads fd to its end (a regular file of known size in one read, a pipe in growing chunks).
// Throws ReadError on a read error or once there are more than max_bytes.
std::string read_all(int fd, size_t max_bytes = SIZE_MAX);

// Owns a file descriptor.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace leakgate
