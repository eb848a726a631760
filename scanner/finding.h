// A finding: the value that flows from the match stage to the reports. It holds the full secret in
// memory only; every writer redacts it unless the user asked for --no-redact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

struct Verification {
  std::string status;  // live | dead | unknown
  int http_status = 0;
  std::string detail;
};

struct Revocation {
  // deactivated | would-deactivate | already-inactive | not-found | ambiguous (see candidates) |
  // not-ours (live, another organization's) | not-live (a found key that does not authenticate;
  // candidates: the active keys it imitates, left alone) | declined (not confirmed) | error
  // (including a found key that could not be verified: nothing was changed)
  std::string status;
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
