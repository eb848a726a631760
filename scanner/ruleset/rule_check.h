// `leakgate rules check`: does each rule compile (and in which engine mode), do its example
// templates produce a finding, and do its look-alikes not? Rules are tested data.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "scanner/ruleset/compiled_ruleset.h"

namespace leakgate {

struct RuleCheckResult {
  std::string id;
  std::string mode;      // engine mode name, or "error"
  std::string note;      // why not exact; the compile error; empty if all is well
  size_t examples = 0, examples_ok = 0;
  size_t negatives = 0, negatives_ok = 0;
  std::vector<std::string> failures;  // redacted descriptions of failing templates
  bool ok() const { return mode != "error" && examples_ok == examples && negatives_ok == negatives; }
};

// Checks every rule of `config`; each template is expanded `rounds` times from `seed`.
std::vector<RuleCheckResult> check_rules(const RuleConfig& config, uint64_t seed = 1, int rounds = 5);

}  // namespace leakgate
