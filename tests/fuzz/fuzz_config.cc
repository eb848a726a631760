// Fuzz target: the rule/config parser (gitleaks TOML) on arbitrary bytes. Any input must give a
// RuleConfig or a leakgate::Error — never a crash, a hang or another exception. Small configs are
// also compiled (RE2 validation, Hyperscan mode detection) without the on-disk cache.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scanner/ruleset/compiled_ruleset.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    leakgate::RuleConfig cfg = leakgate::parse_config(text, "fuzz.toml");
    if (size < 2048 && cfg.rules.size() <= 4 && text.find("useDefault") == std::string_view::npos) {
      leakgate::CompileOptions o;
      o.use_cache = false;
      leakgate::CompiledRuleset::compile(std::move(cfg), o);
    }
  } catch (const leakgate::Error&) {
  }
  return 0;
}
