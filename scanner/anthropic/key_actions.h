// What leakgate does with the Anthropic keys a scan found: --verify (is each distinct key live?)
// and --revoke (deactivate the leaked key in the admin key's organization).
//
// The Admin API has no lookup by secret: a key is found in the organization's list by its
// partial_key_hint (`sk-ant-api03-R2D...igAA`). That hint is public — the Console shows it to every
// member and leakgate's own redacted reports print it — so anyone can write a key-shaped string
// with a production key's hint and any middle, and put it where a scan will find it. A hint alone
// therefore proves nothing, and what may act on one is explicit in each target's Proof:
//   - kMustVerify, a key a scan (or an unredacted report) found: it must first be live on
//     GET /v1/models and that response must name the admin key's organization. A key that does not
//     authenticate changes nothing (not-live, naming the real key it imitates); one whose
//     verification could not decide changes nothing (error) unless the caller asked to act on the
//     hint alone (act_on_unverified). A live key of another organization is not-ours.
//   - kHintOnly, a hint an administrator named by hand (revoke --hint, a redacted report): the hint
//     is the request; the caller's confirmation callback is asked before each change.
// Either way only the unique active key with the hint is ever deactivated. The found key itself
// is only ever sent to /v1/models, for verification; the Admin API only ever sees its hint.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scanner/anthropic/anthropic_api.h"
#include "scanner/finding.h"
#include "scanner/util/fd_reader.h"

namespace leakgate {

// True for Anthropic API keys (revocable through the Admin API) and admin keys (Console only).
bool is_anthropic_api_key(const std::string& secret);
bool is_anthropic_admin_key(const std::string& secret);

// Checks each distinct Anthropic key among `findings` once (a few at a time) and fills
// `verification`. Returns the checks by the SHA-256 of the key (computed here, not taken from the
// finding: a report's secret_sha256 is only as honest as whoever wrote the report).
std::map<std::string, KeyCheck> verify_findings(AnthropicApi& api, std::vector<Finding>& findings);

struct RevokeOptions {
  bool dry_run = false;
  std::string audit_log;  // JSON lines; empty: no log
  // kMustVerify targets whose verification could not decide (unknown, or live without naming an
  // organization) go through the hint alone. Never the default, and never for a dead key.
  bool act_on_unverified = false;
  // Asked with the unique active match before it is deactivated; false leaves it alone
  // ("declined"). Unset: nothing is asked. The library never prints or reads the terminal.
  std::function<bool(const ApiKey& candidate)> confirm;
};

// What a target must show before its hint may pick a key to deactivate.
enum class Proof {
  kHintOnly,    // an administrator named the hint: the hint is the request
  kMustVerify,  // a found key: live on /v1/models in the admin key's organization, or nothing changes
};

// One key to act on, named by its hint.
struct RevokeTarget {
  std::string hint;
  bool admin_key = false;
  Proof proof = Proof::kMustVerify;
  std::optional<KeyCheck> check;  // kMustVerify: the key's verification; none counts as undecided
  std::string secret_sha256;      // found keys: which findings the outcome belongs to
};

// Runs the revoke flow for each target and returns one outcome per target, in the same order.
// Never throws for an API failure: it becomes an "error" outcome naming the API's error.
std::vector<Revocation> revoke_targets(AnthropicApi& api, const std::string& admin_key,
                                       const std::vector<RevokeTarget>& targets, const RevokeOptions& options);

// kMustVerify targets for the Anthropic keys among findings, one per distinct key, each with its
// check from `checks` (verify_findings) when there is one.
std::vector<RevokeTarget> targets_from_findings(const std::vector<Finding>& findings,
                                                const std::map<std::string, KeyCheck>& checks);

// The admin key from ANTHROPIC_ADMIN_KEY, ANTHROPIC_ADMIN_API_KEY or a file; empty if none.
// Throws Error if the file cannot be read.
std::string load_admin_key(const std::string& key_file);

// Default audit log: $XDG_STATE_HOME/leakgate/audit.jsonl, else ~/.local/state/leakgate/audit.jsonl.
std::string default_audit_log();

// Opens (creating it and its directory, 0600) the audit log for appending, or throws Error: called
// before a change so that no key changes without its record.
UniqueFd open_audit_log(const std::string& path);

// Appends one change to the audit log (0600; never a secret).
void append_audit(const std::string& path, const std::string& action, const std::string& key_id,
                  const std::string& hint, const std::string& old_status, const std::string& new_status,
                  const std::string& request_id);

}  // namespace leakgate
