#include "scanner/util/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "scanner/util/fd_reader.h"
#include "scanner/util/error.h"

namespace leakgate {

std::string read_input_file(const std::filesystem::path& path, std::string_view what, InputFileLimits limits) {
  const std::string name = std::string(what) + " '" + path.string() + "'";
  // O_NONBLOCK: opening a FIFO nobody writes to must not hang here; it is cleared before reading.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) throw Error("cannot read " + name + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) throw Error("cannot read " + name + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw Error("cannot read " + name + ": it is a directory");
  if (limits.regular_only && !S_ISREG(st.st_mode)) throw Error("cannot read " + name + ": not a regular file");
  if (!S_ISREG(st.st_mode)) ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  try {
    return read_all(fd.get(), limits.max_bytes);
  } catch (const ReadError& e) {
    throw Error("cannot read " + name + ": " + e.what());
  }
}

}  // namespace leakgate
