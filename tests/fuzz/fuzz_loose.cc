// Fuzz target: the checked reader of loose git objects (loose_guard.h). Arbitrary bytes as the
// compressed file must give an object or an error, in bounded time; and any raw "<type> <size>\0body"
// deflated by zlib must read back exactly when the size is right and be refused when it is not.
#include <zlib.h>

#include <cstdlib>
#include <string>

#include "scanner/source/git/loose_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  const auto direct = leakgate::inflate_loose_object(in);
  if (direct.error.empty() == (direct.type == GIT_OBJECT_INVALID)) std::abort();

  // The input as a body, under a header with the true size and one with a wrong size.
  for (size_t claimed : {in.size(), in.size() + 1 + size % 3, in.size() / 2}) {
    std::string raw = "blob " + std::to_string(claimed);
    raw.push_back('\0');
    raw += in;
    uLongf n = compressBound(raw.size());
    std::string z(n, '\0');
    if (compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), raw.size()) != Z_OK)
      std::abort();
    z.resize(n);
    const auto o = leakgate::inflate_loose_object(z);
    if (claimed == in.size() ? (!o.error.empty() || o.body != in || o.type != GIT_OBJECT_BLOB) : o.error.empty())
      std::abort();
  }
  return 0;
}
