// `leakgate rules check`: does each rule compile (and in which engine mode), do its example
// templates produce a finding, and do its look-alikes not? Rules are tested data.
//
// `--pedantic` adds the conventions that keep a rule file honest (rules/builtin.toml follows them),
// each named in its failures:
//   examples-count    at least 2 examples and 2 look-alikes: one of each shows little
//   keyword-in-match  every match of the regex in any expanded template contains one of the
//                     rule's keywords: the keyword gate is what lets the engine skip the rule, so
//                     the rule's own text should carry it
//   keyword-used      every keyword occurs in some example's finding: else it is untested
//   template-secret   no example's secret holds `{{`: it was found in literal template text,
//                     not in a generated value
//   raw-file          the rule file as written matches no rule's regex: leakgate scans the
//                     repository that holds it (values are written as templates, or with a
//                     \uXXXX escape)
//   unique-id         no id defined twice in one file (the later definition silently wins)
//   id-format         ids are lowercase words joined by '-'
//   description       every rule says what it finds
//   keywords          every regex rule has keywords (without, it runs on every block)
// A generic rule (Rule::generic) is checked as scans run it: an example a specific rule also finds
// on the same bytes is not this rule's finding, and its failure names the rule that took it.
// What RE2 or the loader already refuse (lookarounds, backreferences, repeat counts over 1000,
// an out-of-range secretGroup, …) fails the plain check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/ruleset/compiled_ruleset.h"

namespace leakgate {

struct RuleCheckResult {
  std::string id;
  std::optional<EngineMode> mode;  // nullopt: the rule does not compile (`note` says why)
  std::string note;      // why not exact; the compile error; empty if all is well
  bool generic = false;  // Rule::generic: its findings yield to a specific rule's on the same bytes
  size_t examples = 0, examples_ok = 0;
  size_t negatives = 0, negatives_ok = 0;
  // "rule 'ID': WHAT": a failing template (as written, never expanded: that would print a
  // key-shaped string) or, with --pedantic, the convention broken, named.
  std::vector<std::string> failures;
  bool ok() const { return mode && examples_ok == examples && negatives_ok == negatives && failures.empty(); }
  // The engine mode's name, or "error" for a rule that does not compile.
  const char* mode_name() const { return mode ? engine_mode_name(*mode) : "error"; }
};

struct RuleCheckOptions {
  uint64_t seed = 1;   // for the example templates
  int rounds = 5;      // expansions of each template
  bool pedantic = false;
  std::string_view raw_text;  // the rule file as written, for the pedantic raw-file check
};

// Checks every rule of `config`. Pedantic checks run only once every rule compiles.
std::vector<RuleCheckResult> check_rules(const RuleConfig& config, const RuleCheckOptions& options);
inline std::vector<RuleCheckResult> check_rules(const RuleConfig& config, uint64_t seed = 1, int rounds = 5) {
  RuleCheckOptions options;
  options.seed = seed;
  options.rounds = rounds;
  return check_rules(config, options);
}

}  // namespace leakgate
