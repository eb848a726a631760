#include "scanner/report/suppression.h"

#include <algorithm>
#include <sstream>

#include "scanner/report/finding_json.h"
#include "scanner/util/error.h"

namespace leakgate {

void Suppression::load_ignore_text(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    const auto e = line.find_last_not_of(" \t\r");
    fingerprints_.insert(line.substr(b, e - b + 1));
  }
}

void Suppression::load_baseline(const std::string& report) {
  for (const Finding& f : read_json_report(report))
    if (!f.fingerprint.empty()) fingerprints_.insert(f.fingerprint);
}

size_t Suppression::apply(std::vector<Finding>& findings) const {
  if (fingerprints_.empty()) return 0;
  const size_t before = findings.size();
  std::erase_if(findings, [&](const Finding& f) { return fingerprints_.count(f.fingerprint) > 0; });
  return before - findings.size();
}

}  // namespace leakgate
