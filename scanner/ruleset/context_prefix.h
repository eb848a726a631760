// Leading context in a rule regex: gitleaks writes about half its rules as
// `(?i)[\w.-]{0,50}?(?:twitter)…(secret)…`, where `[\w.-]{0,50}?` only lets the match start up to
// 50 identifier bytes before the keyword. That prefix is what makes those rules slow in both
// engines (a counted repeat at the front of an unanchored search), and it never changes what is
// found:
// - Hyperscan reports match *ends*; `X{0,n}Y` and `Y` end at exactly the same offsets, so the
//   database can hold `Y` (greedy or lazy prefix alike).
// - RE2 extracts captures with leftmost-first semantics. With a *lazy* prefix over a character
//   class, no top-level `|`, and the secret in a capture group after it, the leftmost match of
//   `X{0,n}?Y` is the prefix followed by the leftmost match of `Y`, so the groups are the same.
//   The whole match starts where the prefix could first begin: the earliest byte from which every
//   byte up to where the rest matched is in the prefix's class, at most n bytes back (and not
//   before where the search began). The matcher walks back to it, so a `regexTarget = "match"` allowlist
//   and the block boundaries see the match the whole regex would have.
#pragma once

#include <optional>
#include <string>

namespace leakgate {

struct ContextSplit {
  std::string rest;       // the regex without the prefix (leading flags such as `(?i)` kept)
  bool lazy = false;      // the prefix repetition was lazy (and no `U` flag inverts it)
  bool top_level_alternation = false;  // `rest` has a `|` outside any group
  int capture_groups = 0;              // capturing groups in `rest`
  std::string atom;                    // the repeated class with the leading flags: `(?i)[\w.-]`
  uint32_t max_repeat = 0;             // n of `{0,n}`; 1 for `?`; UINT32_MAX for `*`
};

// The regex with its leading optional context removed: an optional flags group, then a character
// class (`[…]`, `\w`-style or `.`) repeated `{0,n}`, `*` or `?`, lazily or not. nullopt when the
// regex does not start that way or nothing would be left.
std::optional<ContextSplit> split_leading_context(const std::string& regex);

// The capturing groups of `regex` (named ones included), read from its syntax without compiling
// it; nullopt when the syntax is not understood. Config validation runs on every start-up, where
// compiling each rule's RE2 program to ask it would cost milliseconds a hook does not have.
std::optional<int> count_capture_groups(const std::string& regex);

}  // namespace leakgate
