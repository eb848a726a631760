// An RE2 program built the first time it is needed. Most rules never fire in a given scan, and
// building ~100 RE2 programs up front cost more than the scan of a typical work tree; a git hook
// must start in milliseconds. Thread-safe: workers may race to the first use.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <re2/re2.h>

namespace leakgate {

class LazyRegex {
 public:
  explicit LazyRegex(std::string pattern) : pattern_(std::move(pattern)) {}
  LazyRegex(const LazyRegex&) = delete;
  LazyRegex& operator=(const LazyRegex&) = delete;

  // The compiled program. A pattern that fails to compile here was validated earlier (see
  // validate()), so this cannot happen in practice; such a program simply never matches.
  const RE2& get() const;
  // Compiles now; returns RE2's error, or "" if the pattern is valid.
  std::string validate() const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
};

// RE2 options used for every rule and allowlist regex: byte semantics (Latin-1, like Hyperscan
// without HS_FLAG_UTF8), no logging (a log line could echo a pattern that embeds a secret from a
// user's allowlist).
RE2::Options re2_options();

}  // namespace leakgate
