#include "scanner/ruleset/templates.h"

#include "scanner/util/error.h"

namespace leakgate {
namespace {

std::string_view alphabet(std::string_view cls) {
  if (cls == "lower") return "abcdefghijklmnopqrstuvwxyz";
  if (cls == "upper") return "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  if (cls == "digit") return "0123456789";
  if (cls == "alpha") return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  if (cls == "alnum") return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  if (cls == "lalnum") return "abcdefghijklmnopqrstuvwxyz0123456789";
  if (cls == "ualnum") return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  if (cls == "hex") return "0123456789abcdef";
  if (cls == "HEX") return "0123456789ABCDEF";
  if (cls == "b64") return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (cls == "b64url") return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  return {};
}

}  // namespace

std::string TemplateExpander::random(std::string_view cls, size_t n) {
  const std::string_view chars = alphabet(cls);
  if (chars.empty()) throw Error("unknown template class '" + std::string(cls) + "'");
  std::uniform_int_distribution<size_t> pick(0, chars.size() - 1);
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(chars[pick(rng_)]);
  return out;
}

std::string TemplateExpander::expand(std::string_view t) {
  std::string out;
  size_t pos = 0;
  while (pos < t.size()) {
    const size_t open = t.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = t.find("}}", open);
    const size_t colon = t.find(':', open);
    if (close == std::string_view::npos || colon == std::string_view::npos || colon > close ||
        alphabet(t.substr(open + 2, colon - open - 2)).empty()) {
      // Not a placeholder (a template may contain literal braces, e.g. `{{ .Values.token }}`).
      out.append(t.substr(pos, open + 2 - pos));
      pos = open + 2;
      continue;
    }
    out.append(t.substr(pos, open - pos));
    const std::string count(t.substr(colon + 1, close - colon - 1));
    size_t n = 0;
    try {
      size_t used = 0;
      n = std::stoul(count, &used);
      if (used != count.size() || n > 1 << 20) throw std::invalid_argument(count);
    } catch (const std::exception&) {
      throw Error("bad template placeholder '" + std::string(t.substr(open, close + 2 - open)) + "'");
    }
    out += random(t.substr(open + 2, colon - open - 2), n);
    pos = close + 2;
  }
  out.append(t.substr(pos));
  return out;
}

}  // namespace leakgate
