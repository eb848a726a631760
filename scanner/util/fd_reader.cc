#include "scanner/util/fd_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace leakgate {

size_t read_fd(int fd, char* buf, size_t n) {
  for (;;) {
    const ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno == EINTR) continue;
    throw ReadError(std::strerror(errno));
  }
}

std::string read_all(int fd, size_t max_bytes) {
  const auto too_large = [&] {
    return ReadError("larger than " + (max_bytes % (size_t{1} << 20) == 0 ? std::to_string(max_bytes >> 20) + " MiB"
                                                                           : std::to_string(max_bytes) + " bytes"));
  };
  size_t capacity = 64 * 1024;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes) throw too_large();
    capacity = static_cast<size_t>(st.st_size) + 1;  // the end shows as a read of 0 into that byte
  }
  std::string data(capacity, '\0');
  size_t got = 0;
  for (;;) {
    if (got == data.size()) data.resize(data.size() * 2);
    const size_t n = read_fd(fd, data.data() + got, data.size() - got);
    if (n == 0) break;
    got += n;
    if (got > max_bytes) throw too_large();
  }
  data.resize(got);
  return data;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

}  // namespace leakgate
