#include "scanner/source/item.h"

#include <algorithm>

#include "scanner/util/error.h"

namespace leakgate {

bool ObjectId::is_zero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b == 0; });
}

std::string ObjectId::hex() const {
  static const char digits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  return out;
}

std::string Item::label() const { return id.is_zero() ? path : id.hex() + " (" + path + ")"; }

void SourceReader::list(const Item& item, std::vector<Item>&, std::vector<Unlisted>&) {
  // Only a source that produces listing items lists them.
  throw Error("internal error: '" + item.path + "' is not a listing");
}

}  // namespace leakgate
