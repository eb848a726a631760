#include "scanner/report/redact.h"

#include <algorithm>

namespace leakgate {

std::string anthropic_hint(std::string_view secret) {
  if (secret.rfind("sk-ant-", 0) != 0) return {};
  const size_t dash = secret.find('-', 7);  // ends the kind: api03, admin01, oat01, ...
  if (dash == std::string_view::npos || dash > 20) return {};
  const size_t prefix = dash + 1;
  if (secret.size() < prefix + 3 + 4 + 4) return {};  // too short for the hint to hide anything
  std::string out(secret.substr(0, prefix + 3));
  out += "...";
  out.append(secret.substr(secret.size() - 4));
  return out;
}

std::string redact(std::string_view secret) {
  if (std::string hint = anthropic_hint(secret); !hint.empty()) return hint;
  const size_t keep = std::min<size_t>(4, secret.size() / 4);
  std::string out(secret.substr(0, keep));
  out += "...";
  return out;
}

}  // namespace leakgate
