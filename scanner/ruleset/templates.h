// Rule example templates: `{{CLASS:N}}` stands for N random characters of CLASS, drawn from a
// seeded generator. Rules carry templates rather than literal keys so the repository never holds a
// key-shaped string (it must scan clean under its own rules) while tests still see fresh keys.
// Classes: lower upper digit alpha alnum lalnum ualnum hex HEX b64 b64url.
//
// `{{` followed by a name of letters and digits and a `:` is always a placeholder, so a typo in the
// class (`{{alnmu:20}}`) or the count is an error instead of literal text that tests nothing. Any
// other `{{` is text: a template may hold `{{ .Values.token }}`.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace leakgate {

class TemplateExpander {
 public:
  // The largest N: far beyond any token (a JWT example uses 1200), small enough to expand quickly.
  static constexpr size_t kMaxCount = 1 << 20;

  explicit TemplateExpander(uint64_t seed) : rng_(seed) {}
  // Throws Error naming the placeholder for an unknown class, a count that is not a number from 1
  // to kMaxCount, or a placeholder without its closing `}}`.
  std::string expand(std::string_view tmpl);
  // N random characters of a class, e.g. random("b64url", 93).
  std::string random(std::string_view cls, size_t n);

 private:
  std::mt19937_64 rng_;
};

}  // namespace leakgate
