// Fuzz target: the match-and-confirm path on arbitrary bytes, with a differential oracle. For the
// built-in rules, the windowed Hyperscan→RE2 path must find exactly what RE2 alone finds over the
// whole input; any difference aborts. The full ContentScanner (filters, lines, columns, small
// blocks so inputs cross block boundaries) must not crash either.
#include <cstdlib>
#include <cstdio>

#include "scanner/match/content_scanner.h"
#include "scanner/ruleset/config_loader.h"
#include "support/match_oracle.h"

namespace {
std::shared_ptr<const leakgate::CompiledRuleset> rules() {
  static auto r = leakgate::CompiledRuleset::compile(leakgate::load_builtin_config());
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static leakgate::BlockMatcher matcher(rules());
  static leakgate::ContentScanner scanner(rules(), leakgate::ContentScannerOptions{1});  // smallest blocks
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<leakgate::RawMatch> raw;
  matcher.scan(text, raw);
  if (leakgate::as_matches(raw) != leakgate::re2_oracle(*rules(), text)) {
    std::fprintf(stderr, "differential mismatch between the Hyperscan path and the RE2 oracle\n");
    std::abort();
  }
  std::vector<leakgate::Finding> out;
  scanner.scan_buffer(text, leakgate::ScanTarget{"fuzz", {}}, out);
  return 0;
}
