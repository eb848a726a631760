// A finding: the value that flows from the match stage to the reports. It holds the full secret in
// memory only; every writer redacts it unless the user asked for --no-redact.
#pragma once

#include <cstdint>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate {

struct GitProvenance {
  std::string commit;
  std::string author;
  std::string email;
  std::string date;     // ISO 8601
  std::string message;  // first line
  std::string blob;
  // Position of the commit in the walk (parents first). Every shard of one history walks the same
  // commits in the same order, so `leakgate merge` keeps the earliest introduction exactly.
  int64_t order = -1;
};

// The statuses a finding's verification and revocation carry. Their spelled names (the *_name
// functions) are part of the CLI contract (docs/cli.md): every report format and message prints
// them, and `merge`, `--baseline` and `revoke --report` read them back from json reports with the
// parse functions, which know no other spelling (nullopt: the caller names the field as an error).
enum class VerificationStatus {
  kLive,     // live: GET /v1/models answered 200
  kDead,     // dead: 401, or 404 for a disabled key
  kUnknown,  // unknown: anything else (402, 403, 429, 5xx, network); never called dead
};
inline constexpr std::array kVerificationStatuses{VerificationStatus::kLive, VerificationStatus::kDead,
                                                  VerificationStatus::kUnknown};
const char* verification_status_name(VerificationStatus s);
std::optional<VerificationStatus> parse_verification_status(std::string_view name);

enum class RevocationStatus {
  kDeactivated,      // deactivated: set inactive, and read back so
  kWouldDeactivate,  // would-deactivate: --dry-run
  kAlreadyInactive,  // already-inactive
  kNotFound,         // not-found: no key of the organization has the hint
  kAmbiguous,        // ambiguous: two or more keys have it (see candidates); nothing changed
  kNotOurs,          // not-ours: live, another organization's
  kNotLive,          // not-live: a found key that does not authenticate; candidates: the active keys
                     // it imitates, left alone
  kDeclined,         // declined: not confirmed
  kError,            // error: an API failure, or a found key that could not be verified (then
                     // nothing was changed)
};
inline constexpr std::array kRevocationStatuses{
    RevocationStatus::kDeactivated, RevocationStatus::kWouldDeactivate, RevocationStatus::kAlreadyInactive,
    RevocationStatus::kNotFound,    RevocationStatus::kAmbiguous,       RevocationStatus::kNotOurs,
    RevocationStatus::kNotLive,     RevocationStatus::kDeclined,        RevocationStatus::kError};
const char* revocation_status_name(RevocationStatus s);
std::optional<RevocationStatus> parse_revocation_status(std::string_view name);

struct Verification {
  VerificationStatus status = VerificationStatus::kUnknown;
  int http_status = 0;
  std::string detail;
};

struct Revocation {
  RevocationStatus status = RevocationStatus::kError;
  std::string key_id;
  std::string message;
  std::vector<std::string> candidates;
};

struct Finding {
  std::string rule_id;
  std::string description;
  std::string file;         // raw bytes: relative to the scan root or repo; "-" for stdin
  uint64_t line = 0;        // 1-based; 0 for path-only rules
  uint64_t column = 0;      // 1-based byte column of the secret's first byte
  uint64_t end_line = 0;
  uint64_t end_column = 0;  // 1-based, inclusive, of the secret's last byte
  uint64_t offset = 0;      // byte offset of the secret in the file or blob
  std::string secret;       // FULL secret: never print without redaction unless asked
  double entropy = 0.0;
  std::string secret_sha256;
  std::string fingerprint;
  std::optional<GitProvenance> git;
  std::optional<Verification> verification;
  std::optional<Revocation> revocation;
};

// Fills secret_sha256 and fingerprint. The fingerprint is rule, path and secret — not the line —
// so it survives lines moving, and it does not depend on the commit, so a baseline taken from a
// history scan also applies to a later range or staged scan.
void finalize_identity(Finding& f);

// Total order used before printing: file, line, column, rule, then commit.
bool finding_less(const Finding& a, const Finding& b);

}  // namespace leakgate
