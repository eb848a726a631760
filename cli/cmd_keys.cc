// `leakgate revoke` and `leakgate keys list|audit|deactivate|archive`: the Admin API side.
// The admin key comes from ANTHROPIC_ADMIN_KEY / ANTHROPIC_ADMIN_API_KEY or --admin-key-file,
// never from argv, and is never printed.
#include <unistd.h>

#include <ctime>
#include <functional>
#include <iostream>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "scanner/anthropic/key_actions.h"
#include "scanner/report/finding_json.h"
#include "scanner/report/redact.h"
#include "scanner/util/error.h"
#include "scanner/util/utf8.h"

namespace leakgate::cli {

namespace {

struct KeysArgs {
  std::string admin_key_file;
  std::string audit_log;
  std::string format = "text";
  // revoke
  std::vector<std::string> hints;
  std::string report;
  bool dry_run = false;
  bool revoke_unverified = false;
  // keys list / audit
  std::string status;
  std::string workspace;
  int max_age_days = 90;
  int grace_days = 7;
  // keys deactivate / archive
  std::string id;
  bool yes = false;
};

std::string admin_key_or_fail(const KeysArgs& a) {
  std::string key = load_admin_key(a.admin_key_file);
  if (key.empty())
    throw Error("this needs an Admin API key: set ANTHROPIC_ADMIN_KEY or ANTHROPIC_ADMIN_API_KEY, or pass "
                "--admin-key-file FILE (never on the command line)");
  return key;
}

std::string audit_path(const KeysArgs& a) { return a.audit_log.empty() ? default_audit_log() : a.audit_log; }

// What `revoke` was asked to act on. Hints (--hint, a report's redacted entries) are an
// administrator's request and stay hint-only; a report's full keys can prove themselves, so they
// must, exactly as in a scan: a report is as easy to write as a pull request.
struct RevokeRequest {
  std::vector<RevokeTarget> hints;
  std::vector<Finding> full_keys;
};

RevokeRequest revoke_request(const KeysArgs& a) {
  RevokeRequest req;
  std::set<std::string> seen;
  auto add_hint = [&](const std::string& hint) {
    if (hint.rfind("sk-ant-", 0) == 0 && seen.insert(hint).second)
      req.hints.push_back({hint, hint.rfind("sk-ant-admin", 0) == 0, Proof::kHintOnly, std::nullopt, ""});
  };
  for (const auto& h : a.hints) add_hint(h);
  if (!a.report.empty())
    for (Finding& f : read_json_report(a.report)) {
      // The shape decides, not the report's `redacted`: a full key is verified whatever it claims.
      if (f.secret.find("...") != std::string::npos) add_hint(f.secret);
      else if (!anthropic_hint(f.secret).empty()) req.full_keys.push_back(std::move(f));
    }
  if (req.hints.empty() && req.full_keys.empty())
    throw Error("nothing to revoke: give --hint HINT or --report FILE naming Anthropic keys");
  return req;
}

// A hint could be anyone's: before a change, show which key it picked and, on a terminal, ask.
std::function<bool(const ApiKey&)> confirm_each(bool ask) {
  return [ask](const ApiKey& k) {
    std::cerr << "leakgate: " << k.partial_key_hint << " is " << printable(k.id) << " \"" << printable(k.name)
              << "\", " << (k.workspace_id.empty() ? "default workspace" : "workspace " + printable(k.workspace_id))
              << ", created " << printable(k.created_at) << '\n';
    if (!ask) return true;
    std::cerr << "Deactivate " << printable(k.id) << "? [y/N] ";
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    return answer == "y" || answer == "Y" || answer == "yes";
  };
}

// Outcomes that leave the key asked about as it was, without an error: `revoke` exits 1 for them.
bool left_unchanged(RevocationStatus s) {
  switch (s) {
    case RevocationStatus::kNotFound:
    case RevocationStatus::kAmbiguous:
    case RevocationStatus::kNotOurs:
    case RevocationStatus::kNotLive:
    case RevocationStatus::kDeclined:
      return true;
    case RevocationStatus::kDeactivated:
    case RevocationStatus::kWouldDeactivate:
    case RevocationStatus::kAlreadyInactive:
    case RevocationStatus::kError:
      return false;
  }
  return false;
}

int print_revoke_outcomes(const KeysArgs& a, const std::vector<RevokeTarget>& targets,
                          const std::vector<Revocation>& outcomes) {
  int rc = 0;
  nlohmann::json arr = nlohmann::json::array();
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string& hint = targets[i].hint;
    const Revocation& r = outcomes[i];
    if (r.status == RevocationStatus::kError) rc = 2;
    else if (left_unchanged(r.status) && rc == 0) rc = 1;
    if (a.format == "json") {
      nlohmann::json j = {{"hint", hint}, {"status", revocation_status_name(r.status)}, {"message", r.message}};
      j["key_id"] = r.key_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.key_id);
      if (!r.candidates.empty()) j["candidates"] = r.candidates;
      arr.push_back(j);
      continue;
    }
    std::cout << hint << "  " << revocation_status_name(r.status);
    if (!r.key_id.empty()) std::cout << "  " << printable(r.key_id);
    if (!r.candidates.empty()) std::cout << "  candidates:";
    for (const auto& c : r.candidates) std::cout << ' ' << printable(c);
    std::cout << "  " << printable(r.message) << '\n';
  }
  if (a.format == "json") std::cout << dump_json(arr, 2) << '\n';
  return rc;
}

int run_revoke(const KeysArgs& a) {
  const std::string admin = admin_key_or_fail(a);
  RevokeRequest req = revoke_request(a);
  const bool terminal = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
  if (!a.yes && !a.dry_run && !terminal)
    throw Error("revoke changes keys: run it on a terminal to confirm each, or pass --yes (--dry-run shows what "
                "would change)");
  CurlTransport transport;
  AnthropicApi api(transport, AnthropicApi::default_base_url());
  std::vector<RevokeTarget> targets = std::move(req.hints);
  const auto checks = verify_findings(api, req.full_keys);
  for (RevokeTarget& t : targets_from_findings(req.full_keys, checks)) targets.push_back(std::move(t));
  RevokeOptions ro;
  ro.dry_run = a.dry_run;
  ro.audit_log = audit_path(a);
  ro.act_on_unverified = a.revoke_unverified;
  ro.confirm = confirm_each(!a.yes);
  return print_revoke_outcomes(a, targets, revoke_targets(api, admin, targets, ro));
}

// Days since an RFC 3339 timestamp (UTC assumed when there is no offset; precision: days).
std::optional<double> days_since(const std::string& rfc3339, std::time_t now) {
  std::tm tm{};
  if (rfc3339.size() < 19 || !strptime(rfc3339.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
  return std::difftime(now, timegm(&tm)) / 86400.0;
}

std::time_t now_for_audit() {
  // Tests pin the clock; nothing else should set this.
  if (const char* t = std::getenv("LEAKGATE_NOW")) {
    std::tm tm{};
    if (strptime(t, "%Y-%m-%dT%H:%M:%S", &tm)) return timegm(&tm);
  }
  return std::time(nullptr);
}

int run_keys_list(const KeysArgs& a, bool audit) {
  const std::string admin = admin_key_or_fail(a);
  CurlTransport transport;
  AnthropicApi api(transport, AnthropicApi::default_base_url());
  std::vector<ApiKey> keys;
  try {
    keys = api.list_keys(admin, audit ? "" : a.status, a.workspace);
  } catch (const ApiFailure& e) {
    throw Error("listing the organization's keys failed: " + e.error.describe());
  }
  const std::time_t now = now_for_audit();
  nlohmann::json arr = nlohmann::json::array();
  int flagged = 0;
  for (const ApiKey& k : keys) {
    std::vector<std::string> advice;
    if (audit) {
      const auto age = days_since(k.created_at, now);
      if (k.status == "active" && age && *age > a.max_age_days)
        advice.push_back("rotate: active for " + std::to_string(static_cast<int>(*age)) + " days (> " +
                         std::to_string(a.max_age_days) + ")");
      if (k.status == "inactive" && age && *age > a.grace_days)
        advice.push_back("archive: inactive, created " + std::to_string(static_cast<int>(*age)) +
                         " days ago (grace " + std::to_string(a.grace_days) + " days)");
      if (k.status == "active" && k.expires_at.empty()) advice.push_back("no expiry");
      if (advice.empty()) continue;
      ++flagged;
    }
    if (a.format == "json") {
      nlohmann::json j = {{"id", k.id}, {"name", k.name}, {"status", k.status}, {"partial_key_hint", k.partial_key_hint},
                          {"created_at", k.created_at}};
      j["expires_at"] = k.expires_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.expires_at);
      j["workspace_id"] = k.workspace_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.workspace_id);
      if (audit) j["findings"] = advice;
      arr.push_back(j);
      continue;
    }
    std::cout << k.id << "  " << k.status << "  " << k.partial_key_hint << "  " << printable(k.name) << "  created "
              << k.created_at << "  " << (k.expires_at.empty() ? "no expiry" : "expires " + k.expires_at);
    for (const auto& adv : advice) std::cout << "  [" << adv << "]";
    std::cout << '\n';
  }
  if (a.format == "json") std::cout << dump_json(arr, 2) << '\n';
  if (audit && a.format != "json")
    std::cerr << "leakgate: " << keys.size() << " keys, " << flagged << " need attention\n";
  return audit && flagged ? 1 : 0;
}

int run_keys_set(const KeysArgs& a, const std::string& status) {
  const std::string admin = admin_key_or_fail(a);
  if (!a.yes) {
    if (!isatty(STDIN_FILENO))
      throw Error("refusing to set " + a.id + " " + status + " without confirmation: pass --yes");
    std::cerr << "Set " << a.id << " to " << status << (status == "archived" ? " (permanent)" : "") << "? [y/N] ";
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      std::cerr << "leakgate: nothing changed\n";
      return 1;
    }
  }
  CurlTransport transport;
  AnthropicApi api(transport, AnthropicApi::default_base_url());
  const std::string audit = audit_path(a);
  if (!audit.empty()) open_audit_log(audit);  // no change without its record: fail before, not after
  ApiKey before, after;
  std::string request_id;
  try {
    before = api.get_key(admin, a.id);
    after = api.set_status(admin, a.id, status, &request_id);
  } catch (const ApiFailure& e) {
    throw Error("changing " + a.id + " failed: " + e.error.describe());
  }
  std::cout << a.id << "  " << before.status << " -> " << after.status << std::endl;
  if (!audit.empty())
    append_audit(audit, status == "archived" ? "archive" : "deactivate", a.id, before.partial_key_hint,
                 before.status, after.status, request_id);
  return 0;
}

void common(CLI::App* cmd, KeysArgs& a) {
  cmd->add_option("--admin-key-file", a.admin_key_file, "read the admin key from FILE (else ANTHROPIC_ADMIN_KEY / ANTHROPIC_ADMIN_API_KEY)");
  cmd->add_option("--audit-log", a.audit_log, "append changes to FILE (JSON lines)");
  cmd->add_option("-f,--format", a.format, "text or json")->check(CLI::IsMember({"text", "json"}));
}

}  // namespace

void add_keys_commands(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<KeysArgs>();
  CLI::App* revoke = app.add_subcommand(
      "revoke", "deactivate keys named by --hint HINT... or by a report (--report FILE), confirming each");
  revoke->add_option("--hint", a->hints, "a key's partial hint, as the Console shows it (sk-ant-api03-R2D...igAA)");
  revoke->add_option("--report", a->report, "a leakgate json/jsonl report (redacted is fine: the redaction is the hint)");
  revoke->add_flag("--dry-run", a->dry_run, "look up and report; change nothing");
  revoke->add_flag("--yes", a->yes,
                   "deactivate without asking (needed when stdin or stderr is not a terminal); each key is still "
                   "shown first");
  revoke->add_flag("--revoke-unverified", a->revoke_unverified,
                   "a report's full keys: act on the hint alone when verification could not decide (never the "
                   "default)");
  common(revoke, *a);
  revoke->callback([a, &exit_code] { exit_code = run_revoke(*a); });

  CLI::App* keys = app.add_subcommand("keys", "the organization's API keys through the Admin API");
  keys->require_subcommand(1);
  CLI::App* list = keys->add_subcommand("list", "list the organization's keys");
  list->add_option("--status", a->status, "active, inactive, archived or expired");
  list->add_option("--workspace", a->workspace, "a workspace id");
  common(list, *a);
  list->callback([a, &exit_code] { exit_code = run_keys_list(*a, false); });
  CLI::App* audit = keys->add_subcommand("audit", "keys to rotate (old), to archive (inactive past the grace period), without expiry");
  audit->add_option("--max-age", a->max_age_days, "days before an active key is due for rotation")->capture_default_str();
  audit->add_option("--grace", a->grace_days, "days an inactive key is kept before archiving")->capture_default_str();
  audit->add_option("--workspace", a->workspace, "a workspace id");
  common(audit, *a);
  audit->callback([a, &exit_code] { exit_code = run_keys_list(*a, true); });
  for (const auto& [verb, status] : {std::pair<const char*, const char*>{"deactivate", "inactive"}, {"archive", "archived"}}) {
    CLI::App* c = keys->add_subcommand(verb, std::string("set a key ") + status + " (asks for confirmation)");
    c->add_option("id", a->id, "key id (apikey_...)")->required();
    c->add_flag("--yes", a->yes, "do not ask");
    common(c, *a);
    const std::string st = status;
    c->callback([a, st, &exit_code] { exit_code = run_keys_set(*a, st); });
  }
}

}  // namespace leakgate::cli
