#include "scanner/match/filters.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace leakgate {

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0.0;
  std::array<uint32_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  double h = 0.0;
  const double n = static_cast<double>(s.size());
  for (uint32_t c : counts) {
    if (c == 0) continue;
    const double p = c / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// The part of a secret after a vendor prefix such as `sk-ant-api03-` or `ghp_`: the placeholder
// checks look at the random part only.
std::string_view body_of(std::string_view secret) {
  if (secret.rfind("sk-ant-", 0) == 0) {
    size_t dash = secret.find('-', 7);
    if (dash != std::string_view::npos) return secret.substr(dash + 1);
  }
  const size_t limit = std::min<size_t>(secret.size(), 12);
  for (size_t i = limit; i > 0; --i)
    if (secret[i - 1] == '_' && i < secret.size()) return secret.substr(i);
  return secret;
}

}  // namespace

bool looks_like_placeholder(std::string_view secret) {
  const std::string_view body = body_of(secret);
  if (body.size() >= 8) {
    std::array<uint32_t, 256> counts{};
    for (unsigned char c : body) ++counts[c];
    const uint32_t top = *std::max_element(counts.begin(), counts.end());
    if (top * 2 >= body.size()) return true;  // `xxxx…xAA`, `0000…`
  }
  if (secret.find("***") != std::string_view::npos || secret.find("...") != std::string_view::npos ||
      secret.find("\xE2\x80\xA6") != std::string_view::npos)  // …
    return true;
  std::string lower(secret);
  for (char& c : lower) c = ascii_lower(c);
  static constexpr std::string_view kWords[] = {"example", "placeholder", "xxxxxxxx", "your-api-key",
                                                "your_api_key", "yourapikey", "your-key-here",
                                                "your_key_here", "redacted", "insert-key"};
  for (auto w : kWords)
    if (lower.find(w) != std::string::npos) return true;
  return false;
}

bool allowlist_allows(const CompiledAllowlist& a, const AllowContext& c) {
  // Each present criterion votes; OR needs one yes, AND needs every present one to say yes.
  int present = 0, yes = 0;
  if (!a.commits.empty()) {
    ++present;
    if (!c.commit.empty() &&
        std::any_of(a.commits.begin(), a.commits.end(), [&](const std::string& k) { return k == c.commit; }))
      ++yes;
  }
  if (!a.paths.empty()) {
    ++present;
    const re2::StringPiece path(c.path.data(), c.path.size());
    if (std::any_of(a.paths.begin(), a.paths.end(), [&](const auto& re) { return RE2::PartialMatch(path, re->get()); }))
      ++yes;
  }
  if (!a.regexes.empty()) {
    ++present;
    const std::string_view target = a.target == RegexTarget::kSecret ? c.secret
                                    : a.target == RegexTarget::kMatch ? c.match
                                                                      : c.line;
    const re2::StringPiece t(target.data(), target.size());
    if (std::any_of(a.regexes.begin(), a.regexes.end(), [&](const auto& re) { return RE2::PartialMatch(t, re->get()); }))
      ++yes;
  }
  if (!a.stopwords.empty()) {
    ++present;
    if (std::any_of(a.stopwords.begin(), a.stopwords.end(),
                    [&](const std::string& w) { return c.secret_lower.find(w) != std::string_view::npos; }))
      ++yes;
  }
  if (present == 0) return false;
  return a.condition == AllowCondition::kOr ? yes > 0 : yes == present;
}

bool has_inline_allow(std::string_view line) {
  return line.find("leakgate:allow") != std::string_view::npos || line.find("gitleaks:allow") != std::string_view::npos;
}

bool contains_inline_allow(std::string_view text) {
  return text.find(":allow") != std::string_view::npos;
}

}  // namespace leakgate
