// Rule example templates: `{{CLASS:N}}` stands for N random characters of CLASS, drawn from a
// seeded generator. Rules carry templates rather than literal keys so the repository never holds a
// key-shaped string (it must scan clean under its own rules) while tests still see fresh keys.
// Classes: lower upper digit alpha alnum lalnum ualnum hex HEX b64 b64url.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace leakgate {

class TemplateExpander {
 public:
  explicit TemplateExpander(uint64_t seed) : rng_(seed) {}
  // Throws Error on an unknown class or a malformed placeholder.
  std::string expand(std::string_view tmpl);
  // N random characters of a class, e.g. random("b64url", 93).
  std::string random(std::string_view cls, size_t n);

 private:
  std::mt19937_64 rng_;
};

}  // namespace leakgate
