// Reads rule configuration in gitleaks' TOML format ([[rules]], [allowlist] / [[allowlists]],
// [[rules.allowlists]], [extend] useDefault / path / disabledRules) with toml++, and leakgate's
// per-rule `examples` / `negatives` extension. A broken file is an Error naming the file, the rule
// and the problem.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "scanner/ruleset/rule.h"

namespace leakgate {

// The rule set compiled into the binary (rules/builtin.toml). Scans do not need each rule's
// examples and negatives (more than half the file), so by default they are left out before the
// TOML is parsed; `rules check` and the tests ask for them.
RuleConfig load_builtin_config(bool with_examples = false);

// Parses `text` (from `origin`, used in messages and to resolve [extend] path). `[extend]
// useDefault = true` merges the built-in rules underneath.
RuleConfig parse_config(std::string_view text, const std::string& origin,
                        const std::filesystem::path& base_dir = {}, int depth = 0);

RuleConfig load_config_file(const std::filesystem::path& file);

// The configuration a scan uses: `explicit_file` if given (it replaces the built-in rules unless it
// extends them), else the built-in rules plus `<root>/.leakgate.toml` if present (which always
// extends the built-in rules).
RuleConfig resolve_scan_config(const std::string& explicit_file, const std::filesystem::path& root);

// `[hooks] revoke = "off" | "dry-run" | "on"` from <root>/.leakgate.toml ("off" when absent).
// Throws Error for another value.
std::string hooks_revoke_mode(const std::filesystem::path& root);

}  // namespace leakgate
