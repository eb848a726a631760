#include "scanner/ruleset/rule_check.h"

#include <algorithm>

#include "scanner/match/content_scanner.h"
#include "scanner/ruleset/templates.h"
#include "scanner/util/error.h"

namespace leakgate {

std::vector<RuleCheckResult> check_rules(const RuleConfig& config, uint64_t seed, int rounds) {
  std::vector<RuleCheckResult> results;
  std::shared_ptr<const CompiledRuleset> set;
  try {
    set = CompiledRuleset::compile(config);
  } catch (const Error&) {
    // Name every broken rule, not just the first: compile them one at a time.
    for (const Rule& r : config.rules) {
      RuleCheckResult res;
      res.id = r.id;
      try {
        RuleConfig one;
        one.rules.push_back(r);
        auto s = CompiledRuleset::compile(one);
        res.mode = engine_mode_name(s->rules()[0].mode);
        res.note = s->rules()[0].mode_note;
      } catch (const Error& e) {
        res.mode = "error";
        res.note = e.what();
      }
      results.push_back(std::move(res));
    }
    return results;
  }

  ContentScanner scanner(set);
  TemplateExpander expand(seed);
  for (const CompiledRule& cr : set->rules()) {
    RuleCheckResult res;
    res.id = cr.rule.id;
    res.mode = engine_mode_name(cr.mode);
    res.note = cr.mode_note;
    auto finds = [&](const std::string& text) {
      std::vector<Finding> out;
      scanner.scan_buffer(text, ScanTarget{"rule-example.txt", {}}, out);
      return std::any_of(out.begin(), out.end(), [&](const Finding& f) { return f.rule_id == cr.rule.id; });
    };
    for (const std::string& t : cr.rule.examples) {
      ++res.examples;
      bool all = true;
      for (int i = 0; i < rounds && all; ++i) all = finds(expand.expand(t));
      if (all) ++res.examples_ok;
      else res.failures.push_back("example not found: " + t);
    }
    for (const std::string& t : cr.rule.negatives) {
      ++res.negatives;
      bool none = true;
      for (int i = 0; i < rounds && none; ++i) none = !finds(expand.expand(t));
      if (none) ++res.negatives_ok;
      else res.failures.push_back("look-alike reported: " + t);
    }
    results.push_back(std::move(res));
  }
  return results;
}

}  // namespace leakgate
