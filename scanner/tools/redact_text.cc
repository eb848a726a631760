// redact_secrets_in(): the last step before an error message that may quote input reaches stderr.
#include "scanner/tools/redact_text.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "scanner/match/content_scanner.h"
#include "scanner/report/redact.h"
#include "scanner/ruleset/compiled_ruleset.h"
#include "scanner/ruleset/config_loader.h"

namespace leakgate {

std::string redact_secrets_in(const std::string& text) {
  std::string out = text;
  try {
    // Compiled once per process, on the first message that needs it (error paths only).
    static std::once_flag once;
    static std::shared_ptr<const CompiledRuleset> rules;
    std::call_once(once, [] { rules = CompiledRuleset::compile(load_builtin_config()); });
    ContentScanner scanner(rules);
    std::vector<Finding> found;
    scanner.scan_buffer(text, ScanTarget{"", {}}, found);
    // Right to left, so earlier offsets stay valid as secrets shrink to their redacted form.
    std::sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) { return a.offset > b.offset; });
    uint64_t limit = out.size();
    for (const auto& f : found) {
      if (f.secret.empty() || f.offset + f.secret.size() > limit) continue;  // overlaps one already redacted
      out.replace(f.offset, f.secret.size(), redact(f.secret));
      limit = f.offset;
    }
  } catch (const std::exception&) {
    // The built-in rules always compile; if even that failed, the Anthropic scrub below still runs.
  }
  return scrub_credentials(out);
}

}  // namespace leakgate
