#include "scanner/finding.h"

#include <tuple>

#include "scanner/util/sha256.h"

namespace leakgate {

const char* verification_status_name(VerificationStatus s) {
  switch (s) {
    case VerificationStatus::kLive: return "live";
    case VerificationStatus::kDead: return "dead";
    case VerificationStatus::kUnknown: return "unknown";
  }
  return "?";
}

std::optional<VerificationStatus> parse_verification_status(std::string_view name) {
  for (VerificationStatus s : kVerificationStatuses)
    if (name == verification_status_name(s)) return s;
  return std::nullopt;
}

const char* revocation_status_name(RevocationStatus s) {
  switch (s) {
    case RevocationStatus::kDeactivated: return "deactivated";
    case RevocationStatus::kWouldDeactivate: return "would-deactivate";
    case RevocationStatus::kAlreadyInactive: return "already-inactive";
    case RevocationStatus::kNotFound: return "not-found";
    case RevocationStatus::kAmbiguous: return "ambiguous";
    case RevocationStatus::kNotOurs: return "not-ours";
    case RevocationStatus::kNotLive: return "not-live";
    case RevocationStatus::kDeclined: return "declined";
    case RevocationStatus::kError: return "error";
  }
  return "?";
}

std::optional<RevocationStatus> parse_revocation_status(std::string_view name) {
  for (RevocationStatus s : kRevocationStatuses)
    if (name == revocation_status_name(s)) return s;
  return std::nullopt;
}

void finalize_identity(Finding& f) {
  f.secret_sha256 = sha256_hex(f.secret);
  std::string material;
  material.reserve(f.rule_id.size() + f.file.size() + f.secret_sha256.size() + 2);
  material.append(f.rule_id).push_back('\0');
  material.append(f.file).push_back('\0');
  material.append(f.secret_sha256);
  f.fingerprint = f.rule_id + ":" + sha256_hex(material).substr(0, 16);
}

bool finding_less(const Finding& a, const Finding& b) {
  static const std::string kNone;
  const std::string& ca = a.git ? a.git->commit : kNone;
  const std::string& cb = b.git ? b.git->commit : kNone;
  return std::tie(a.file, a.line, a.column, a.rule_id, ca, a.offset) <
         std::tie(b.file, b.line, b.column, b.rule_id, cb, b.offset);
}

}  // namespace leakgate
