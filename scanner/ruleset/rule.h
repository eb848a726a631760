// The rule model: plain data parsed from gitleaks-format TOML, before anything is compiled.
// Keeping it plain lets `rules check` report on a rule that does not compile, and lets tests build
// rules without files.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace leakgate {

enum class RegexTarget { kSecret, kMatch, kLine };
enum class AllowCondition { kOr, kAnd };

// gitleaks' allowlist: a finding is allowed when any (OR) or all (AND) of the criteria that are
// present match. Regexes are RE2 syntax; stopwords match case-insensitively inside the secret.
struct Allowlist {
  std::string description;
  std::string origin;  // the file that defined it, for messages
  AllowCondition condition = AllowCondition::kOr;
  RegexTarget regex_target = RegexTarget::kSecret;
  std::vector<std::string> regexes;
  std::vector<std::string> paths;
  std::vector<std::string> stopwords;
  std::vector<std::string> commits;
};

struct Rule {
  std::string id;
  std::string description;
  std::string regex;             // empty for path-only rules
  std::string path;              // empty: every path
  int secret_group = 0;          // 0: the first non-empty capture group, else the whole match
  double entropy = 0.0;          // 0: no entropy gate
  std::vector<std::string> keywords;  // lower-cased; the rule fires only when one is present
  std::vector<std::string> tags;
  std::vector<Allowlist> allowlists;
  std::vector<std::string> examples;   // templates that must produce a finding
  std::vector<std::string> negatives;  // look-alike templates that must not
  std::string origin;                  // where the rule came from, for messages
  bool skip_report = false;            // gitleaks: only a [[rules.required]] component, never reported
  size_t required = 0;                 // gitleaks' [[rules.required]] entries (composite rules)
  // A catch-all rule: where a specific (non-generic) rule found the same bytes, this rule's finding
  // is dropped (`API_KEY="sk-ant-…"` is an Anthropic key, not also a generic secret). Decided once,
  // when the config is loaded (config_loader.h): leakgate's rule key `generic = true|false` when the
  // rule writes it, else whether the id starts with "generic" — gitleaks' configs carry no such key,
  // and their catch-all is `generic-api-key`. A refining rule that writes the key replaces the base
  // rule's value; one that does not keeps it. Consumers read this flag (CompiledRuleset::
  // generic_rule), never the id's spelling.
  bool generic = false;
};

struct RuleConfig {
  std::string title;
  std::vector<Rule> rules;
  std::vector<Allowlist> allowlists;  // global
  // Facts carried, not guessed: every file applied, in order ("<built-in rules>" first when the
  // built-in set is part of it), and whether it is.
  std::vector<std::string> sources;
  bool includes_builtin = false;
  // Ids that one file defines more than once: the later definition is used, as in gitleaks, so
  // only this fact lets `rules check --pedantic` tell.
  std::vector<std::string> redefined;
  // What a user should be told once (keys not applied, unknown disabled ids, …); the CLI prints them.
  std::vector<std::string> notices;
};

}  // namespace leakgate
