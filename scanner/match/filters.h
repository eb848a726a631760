// The checks between "the regex matched" and "this is a finding": entropy, placeholder text,
// allowlists (rule and global, gitleaks semantics) and the inline `leakgate:allow` marker.
#pragma once

#include <string_view>

#include "scanner/ruleset/compiled_ruleset.h"

namespace leakgate {

// Shannon entropy in bits per byte.
double shannon_entropy(std::string_view s);

// Documentation text that has the shape of a secret but is not one: one character repeated over
// most of the body (`xxxx…`, `0000…`), `*` masks, the Console's `abc...wxyz` hint form, and the
// usual placeholder words.
bool looks_like_placeholder(std::string_view secret);

// What an allowlist can look at for one finding.
struct AllowContext {
  std::string_view secret;
  std::string_view secret_lower;  // ASCII-lower-cased, for stopwords (which are stored lower-case)
  std::string_view match;
  std::string_view line;
  std::string_view path;
  std::string_view commit;
};

bool allowlist_allows(const CompiledAllowlist& a, const AllowContext& c);

// True when the line carries an inline allow marker (`leakgate:allow`, or gitleaks' `gitleaks:allow`).
bool has_inline_allow(std::string_view line);

// True when one of `text`'s bytes could start an inline allow marker; lets a block skip per-finding
// line checks when no marker occurs in it at all.
bool contains_inline_allow(std::string_view text);

}  // namespace leakgate
