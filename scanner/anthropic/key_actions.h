// What leakgate does with the Anthropic keys a scan found: --verify (is each distinct key live?)
// and --revoke (deactivate the unique active key of the admin key's organization whose
// partial_key_hint equals the found key's hint). The found key itself is only ever sent to
// /v1/models, for verification; the Admin API only ever sees its hint.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scanner/anthropic/anthropic_api.h"
#include "scanner/finding.h"
#include "scanner/source/fd_reader.h"

namespace leakgate {

// True for Anthropic API keys (revocable through the Admin API) and admin keys (Console only).
bool is_anthropic_api_key(const std::string& secret);
bool is_anthropic_admin_key(const std::string& secret);

// Checks each distinct Anthropic key among `findings` once (a few at a time) and fills
// `verification`. Returns the checks by secret_sha256.
std::map<std::string, KeyCheck> verify_findings(AnthropicApi& api, std::vector<Finding>& findings);

struct RevokeOptions {
  bool dry_run = false;
  std::string audit_log;  // JSON lines; empty: no log
};

// One key to act on, named by its hint (from a finding, a report or --hint).
struct RevokeTarget {
  std::string hint;
  bool admin_key = false;
  std::optional<KeyCheck> check;  // when verified: a live key names its organization
};

// Runs the revoke flow for each distinct target and returns the outcome by hint. Never throws for
// an API failure: it becomes an "error" outcome naming the API's error.
std::map<std::string, Revocation> revoke_targets(AnthropicApi& api, const std::string& admin_key,
                                                 const std::vector<RevokeTarget>& targets, const RevokeOptions& options);

// Targets for the Anthropic keys among findings (distinct, by hint), with their checks if verified.
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
