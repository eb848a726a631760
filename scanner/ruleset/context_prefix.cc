#include "scanner/ruleset/context_prefix.h"

#include <cctype>
#include <cstdint>

namespace leakgate {
namespace {

// Index just past a character class starting at `i` (at '['), or npos if it does not close.
size_t skip_class(const std::string& s, size_t i) {
  ++i;
  if (i < s.size() && s[i] == '^') ++i;
  if (i < s.size() && s[i] == ']') ++i;  // a leading ']' is a literal
  while (i < s.size() && s[i] != ']') {
    if (s[i] == '\\') ++i;
    else if (s[i] == '[' && i + 1 < s.size() && s[i + 1] == ':') {  // [:alpha:]
      const size_t end = s.find(":]", i + 2);
      if (end == std::string::npos) return std::string::npos;
      i = end + 1;
    }
    ++i;
  }
  return i < s.size() ? i + 1 : std::string::npos;
}

// Counts capture groups and finds `|` at depth 0, skipping escapes and classes. False if the
// syntax is not understood (then nothing is rewritten).
bool scan_groups(const std::string& s, size_t from, ContextSplit& out) {
  int depth = 0;
  for (size_t i = from; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      const size_t end = skip_class(s, i);
      if (end == std::string::npos) return false;
      i = end - 1;
    } else if (c == '(') {
      ++depth;
      const bool named = s.compare(i, 3, "(?P") == 0 || s.compare(i, 3, "(?<") == 0;
      if (i + 1 >= s.size() || s[i + 1] != '?' || named) ++out.capture_groups;
    } else if (c == ')') {
      if (--depth < 0) return false;
    } else if (c == '|' && depth == 0) {
      out.top_level_alternation = true;
    }
  }
  return depth == 0;
}

}  // namespace

std::optional<int> count_capture_groups(const std::string& re) {
  ContextSplit scratch;
  if (!scan_groups(re, 0, scratch)) return std::nullopt;
  return scratch.capture_groups;
}

std::optional<ContextSplit> split_leading_context(const std::string& re) {
  size_t i = 0;
  std::string flags;
  if (re.compare(0, 2, "(?") == 0) {  // a flags group like (?i) or (?is), not (?:…)
    size_t j = 2;
    while (j < re.size() && (std::isalpha(static_cast<unsigned char>(re[j])) || re[j] == '-')) ++j;
    if (j == 2 || j >= re.size() || re[j] != ')') return std::nullopt;
    flags = re.substr(0, j + 1);
    i = j + 1;
  }
  // The repeated atom: a class, a class escape, or '.'.
  size_t atom_end;
  if (i < re.size() && re[i] == '[') {
    atom_end = skip_class(re, i);
    if (atom_end == std::string::npos) return std::nullopt;
  } else if (i + 1 < re.size() && re[i] == '\\' && std::string_view("wWdDsS").find(re[i + 1]) != std::string_view::npos) {
    atom_end = i + 2;
  } else if (i < re.size() && re[i] == '.') {
    atom_end = i + 1;
  } else {
    return std::nullopt;
  }
  // A repetition that allows zero: {0,n}, *, ?
  size_t q = atom_end;
  uint32_t max_repeat = 0;
  if (q < re.size() && (re[q] == '*' || re[q] == '?')) {
    max_repeat = re[q] == '*' ? UINT32_MAX : 1;
    ++q;
  } else if (re.compare(q, 3, "{0,") == 0) {
    size_t k = q + 3;
    while (k < re.size() && std::isdigit(static_cast<unsigned char>(re[k]))) ++k;
    if (k == q + 3 || k >= re.size() || re[k] != '}' || k - (q + 3) > 9) return std::nullopt;
    max_repeat = static_cast<uint32_t>(std::stoul(re.substr(q + 3, k - (q + 3))));
    q = k + 1;
  } else {
    return std::nullopt;
  }
  bool lazy = false;
  if (q < re.size() && re[q] == '?') {
    lazy = true;
    ++q;
  }
  if (q < re.size() && re[q] == '+') return std::nullopt;  // possessive: not RE2 syntax anyway
  if (q >= re.size()) return std::nullopt;
  ContextSplit out;
  out.rest = flags + re.substr(q);
  out.atom = flags + re.substr(i, atom_end - i);
  out.max_repeat = max_repeat;
  // A `U` flag swaps greedy and lazy.
  const size_t dash = flags.find('-');
  const bool ungreedy = flags.substr(0, dash).find('U') != std::string::npos;
  out.lazy = lazy != ungreedy;
  if (!scan_groups(re, q, out)) return std::nullopt;
  return out;
}

}  // namespace leakgate
