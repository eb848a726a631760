#include "scanner/ruleset/templates.h"

#include <array>
#include <utility>

#include "scanner/util/error.h"

namespace leakgate {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kClasses{{
    {"lower", "abcdefghijklmnopqrstuvwxyz"},
    {"upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    {"digit", "0123456789"},
    {"alpha", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
    {"alnum", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"},
    {"lalnum", "abcdefghijklmnopqrstuvwxyz0123456789"},
    {"ualnum", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"},
    {"hex", "0123456789abcdef"},
    {"HEX", "0123456789ABCDEF"},
    {"b64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"},
    {"b64url", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"},
}};

std::string_view alphabet(std::string_view cls) {
  for (const auto& [name, chars] : kClasses)
    if (name == cls) return chars;
  return {};
}

std::string unknown_class(std::string_view cls, std::string_view placeholder) {
  std::string known;
  for (const auto& c : kClasses) known += (known.empty() ? "" : ", ") + std::string(c.first);
  return "unknown template class '" + std::string(cls) + "' in " + std::string(placeholder) + " (known: " + known + ")";
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The length of the class name at the start of `s` when a `:` follows it, else 0 (not a placeholder).
size_t placeholder_name(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_name_char(s[n])) ++n;
  return n < s.size() && s[n] == ':' ? n : 0;
}

// N of `{{CLASS:N}}`: decimal digits only, 1 to kMaxCount.
size_t parse_count(std::string_view count, std::string_view placeholder) {
  size_t n = 0;
  bool ok = !count.empty() && count.size() <= 8;
  for (char c : count) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) n = n * 10 + static_cast<size_t>(c - '0');
  }
  if (!ok || n == 0 || n > TemplateExpander::kMaxCount)
    throw Error("bad count '" + std::string(count) + "' in " + std::string(placeholder) + " (a number from 1 to " +
                std::to_string(TemplateExpander::kMaxCount) + ")");
  return n;
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
  for (size_t open; (open = t.find("{{", pos)) != std::string_view::npos;) {
    const size_t name_len = placeholder_name(t.substr(open + 2));
    if (name_len == 0) {  // literal braces, e.g. `{{ .Values.token }}`
      out.append(t.substr(pos, open + 2 - pos));
      pos = open + 2;
      continue;
    }
    const size_t close = t.find("}}", open);
    if (close == std::string_view::npos)
      throw Error("template placeholder '" + std::string(t.substr(open, 40)) + "' has no closing '}}'");
    const std::string_view placeholder = t.substr(open, close + 2 - open);
    const std::string_view cls = t.substr(open + 2, name_len);
    if (alphabet(cls).empty()) throw Error(unknown_class(cls, placeholder));
    const size_t n = parse_count(t.substr(open + 3 + name_len, close - open - 3 - name_len), placeholder);
    out.append(t.substr(pos, open - pos));
    out += random(cls, n);
    pos = close + 2;
  }
  out.append(t.substr(pos));
  return out;
}

}  // namespace leakgate
