// Reads rule configuration in gitleaks' TOML format, meaning what it means to gitleaks 8.29+:
// [[rules]], [allowlist] or [[allowlists]] (with targetRules), [[rules.allowlists]],
// [[rules.required]], skipReport, and [extend] useDefault / path / disabledRules, where a rule that
// names a base rule's id refines it. Keys match case-insensitively, as gitleaks' reader does.
// leakgate adds per-rule `examples` / `negatives` and `generic` (Rule::generic: true or false;
// absent, the rule is generic when its id starts with "generic", as gitleaks' generic-api-key
// does), and a `[hooks]` table. Keys it does not apply (betterleaks' filter, validate, …) are
// named once in RuleConfig::notices. A broken file is an Error naming the file, the rule and the
// key.
//
// Where the files come from is the caller's choice (ConfigFiles): the disk for a developer's own
// tree, or a commit for a pull request's base side, so content under judgement never configures
// its own scan.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "scanner/ruleset/rule.h"

namespace leakgate {

// A place config files are read from.
struct ConfigFiles {
  // The text of `path` (as written in an [extend] path, or a root-relative name like
  // ".leakgate.toml"), nullopt when there is no such file. Throws Error when it cannot be read.
  std::function<std::optional<std::string>(const std::string& path)> read;
  // How `path` is named in messages and in RuleConfig::sources.
  std::function<std::string(const std::string& path)> display;
  // Where a relative [extend] path is looked for, in order, given the file that names it:
  // gitleaks resolves it against the working directory; then the naming file's directory.
  std::function<std::vector<std::string>(const std::string& extend_path, const std::string& from)> candidates;
};

// Files on disk; relative names are taken relative to `root` when given, else the working directory.
// `regular_only` refuses pipes and devices: for files a scanned tree holds (a symlink there to
// /dev/zero is refused, not read).
ConfigFiles disk_config_files(const std::filesystem::path& root = {}, bool regular_only = false);

// The rule set compiled into the binary (rules/builtin.toml). Scans do not need each rule's
// examples and negatives (more than half the file), so by default they are left out before the
// TOML is parsed; `rules check` and the tests ask for them.
RuleConfig load_builtin_config(bool with_examples = false);
// rules/builtin.toml as written, embedded at build time (`rules check --pedantic` reads it raw).
std::string_view embedded_builtin_rules();

// Parses `text` named `origin`; [extend] path is resolved through `files` (default: the disk,
// relative to the working directory, then to origin's directory).
RuleConfig parse_config(std::string_view text, const std::string& origin, const ConfigFiles* files = nullptr);

RuleConfig load_config_file(const std::filesystem::path& file);

// The configuration a scan uses: `explicit_file` if given (it replaces the built-in rules unless it
// extends them); else the built-in rules with `.leakgate.toml` from `local` layered on top when it
// exists (a local config adds to and refines the set in force and may switch named rules off with
// disabledRules, with a notice; it never replaces the set); else the
// built-in rules. `local` null: no in-tree configuration (--no-local-config).
RuleConfig resolve_scan_config(const std::string& explicit_file, const ConfigFiles* local);

// `[hooks] revoke = "off" | "dry-run" | "on"` from `.leakgate.toml` in `local` ("off" when absent
// or `local` is null). Throws Error for another value.
std::string hooks_revoke_mode(const ConfigFiles* local);

}  // namespace leakgate
