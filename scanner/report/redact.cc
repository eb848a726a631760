#include "scanner/report/redact.h"

#include <algorithm>
#include <cctype>

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

std::string scrub_credentials(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t at = text.find("sk-ant-", pos);
    if (at == std::string::npos) break;
    size_t end = at + 7;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' || text[end] == '_'))
      ++end;
    out.append(text, pos, at - pos);
    if (text.compare(end, 3, "...") == 0) {  // already a hint (sk-ant-api03-R2D...igAA): keep it
      end += 3;
      out.append(text, at, end - at);
    } else {
      out += redact(std::string_view(text).substr(at, end - at));
    }
    pos = end;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

}  // namespace leakgate
