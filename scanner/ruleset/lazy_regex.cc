#include "scanner/ruleset/lazy_regex.h"

namespace leakgate {

RE2::Options re2_options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);  // a few gitleaks rules need more than RE2's default 8 MiB DFA budget
  return o;
}

const RE2& LazyRegex::get() const {
  std::call_once(once_, [this] { re_ = std::make_unique<RE2>(pattern_, re2_options()); });
  return *re_;
}

std::string LazyRegex::validate() const {
  const RE2& re = get();
  return re.ok() ? std::string() : re.error();
}

}  // namespace leakgate
