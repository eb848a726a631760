#include "scanner/anthropic/key_actions.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/report/redact.h"
#include "scanner/util/error.h"
#include "scanner/util/input_file.h"
#include "scanner/util/sha256.h"

namespace leakgate {

bool is_anthropic_api_key(const std::string& s) { return s.rfind("sk-ant-api", 0) == 0; }
bool is_anthropic_admin_key(const std::string& s) { return s.rfind("sk-ant-admin", 0) == 0; }

std::map<std::string, KeyCheck> verify_findings(AnthropicApi& api, std::vector<Finding>& findings) {
  std::map<std::string, std::pair<std::string, bool>> distinct;  // sha → (secret, admin)
  for (const Finding& f : findings) {
    const bool api_key = is_anthropic_api_key(f.secret), admin = is_anthropic_admin_key(f.secret);
    if (api_key || admin) distinct.emplace(sha256_hex(f.secret), std::make_pair(f.secret, admin));
  }
  std::map<std::string, KeyCheck> checks;
  constexpr size_t kConcurrent = 4;  // a small cap: be gentle with the API
  auto it = distinct.begin();
  while (it != distinct.end()) {
    std::vector<std::pair<std::string, std::future<KeyCheck>>> batch;
    for (size_t i = 0; i < kConcurrent && it != distinct.end(); ++i, ++it) {
      const std::string secret = it->second.first;
      const bool admin = it->second.second;
      batch.emplace_back(it->first, std::async(std::launch::async, [&api, secret, admin] {
                           return api.check_key(secret, admin);
                         }));
    }
    for (auto& [sha, fut] : batch) checks[sha] = fut.get();
  }
  for (Finding& f : findings) {
    if (!is_anthropic_api_key(f.secret) && !is_anthropic_admin_key(f.secret)) continue;
    const KeyCheck& c = checks.at(sha256_hex(f.secret));
    f.verification = Verification{c.status, c.http_status, c.detail};
  }
  return checks;
}

std::vector<RevokeTarget> targets_from_findings(const std::vector<Finding>& findings,
                                                const std::map<std::string, KeyCheck>& checks) {
  std::vector<RevokeTarget> out;
  std::set<std::string> seen;
  for (const Finding& f : findings) {
    const bool api_key = is_anthropic_api_key(f.secret), admin = is_anthropic_admin_key(f.secret);
    if (!api_key && !admin) continue;
    // One target per distinct key, not per hint: a forgery and the real key share a hint, and
    // each must answer for itself.
    const std::string hint = anthropic_hint(f.secret), sha = sha256_hex(f.secret);
    if (hint.empty() || !seen.insert(sha).second) continue;
    RevokeTarget t{hint, admin, Proof::kMustVerify, std::nullopt, sha};
    if (auto c = checks.find(sha); c != checks.end()) t.check = c->second;
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

Revocation outcome(RevocationStatus status, std::string message, std::string key_id = {}) {
  return Revocation{status, std::move(key_id), std::move(message), {}};
}

// Why a check did not decide whether the key is ours.
std::string undecided_reason(const std::optional<KeyCheck>& c) {
  if (!c) return "it was not checked";
  if (c->status == VerificationStatus::kLive) return "it is live, but the response names no organization";
  return c->detail.empty() ? "HTTP " + std::to_string(c->http_status) : c->detail;
}

// One run of the flow: the organization and its key list are each fetched at most once.
class RevokeRun {
 public:
  RevokeRun(AnthropicApi& api, const std::string& admin_key, const RevokeOptions& o)
      : api_(api), admin_key_(admin_key), o_(o) {}

  Revocation revoke(const RevokeTarget& t) {
    if (t.admin_key || t.hint.rfind("sk-ant-admin", 0) == 0)
      return outcome(RevocationStatus::kError,
                     "admin keys cannot be deactivated through the API: revoke it now in the Console "
                     "(Settings > Admin keys) and create a new one");
    try {
      return t.proof == Proof::kHintOnly ? by_hint(t.hint) : after_proof(t);
    } catch (const ApiFailure& e) {
      return outcome(RevocationStatus::kError, e.error.describe());
    }
  }

 private:
  // A found key earns the hint lookup only by proving itself: live, and named as ours by the API.
  Revocation after_proof(const RevokeTarget& t) {
    const std::optional<KeyCheck>& c = t.check;
    if (c && c->status == VerificationStatus::kDead) return not_live(t.hint);
    if (!c || c->status != VerificationStatus::kLive || c->organization_id.empty())
      return undecided(t.hint, undecided_reason(c));
    if (c->organization_id != organization())
      return outcome(RevocationStatus::kNotOurs,
                     "the key is live but belongs to another organization; its owner must revoke it");
    return by_hint(t.hint);
  }

  // A string that does not authenticate says nothing about the real key with its hint: it may be
  // a forgery written from that public hint. Name the real key, so someone looks at who wrote it.
  Revocation not_live(const std::string& hint) {
    Revocation r = outcome(RevocationStatus::kNotLive,
                           "does not authenticate; a key with the same hint, if any, was left alone");
    std::vector<ApiKey*> active;
    try {
      active = with_hint(hint, /*active_only=*/true);
    } catch (const ApiFailure& e) {
      r.message += " (the organization's keys could not be listed to look for it: " + e.error.describe() + ")";
      return r;
    }
    if (active.empty()) return r;
    std::string named;
    for (const ApiKey* k : active) {
      named += (named.empty() ? "" : ", ") + k->id + " (" + k->name + ")";
      r.candidates.push_back(k->id);
    }
    r.message = "a look-alike of a real key: " +
                (active.size() == 1 ? "the active key " + named + " has the same hint and was left alone"
                                    : "the active keys " + named + " have the same hint and were left alone");
    return r;
  }

  // Verification could not decide: nothing changes, unless the caller chose to trust the hint.
  Revocation undecided(const std::string& hint, const std::string& why) {
    if (!o_.act_on_unverified)
      return outcome(RevocationStatus::kError, "could not verify the key (" + why +
                                  "): nothing was changed; --revoke-unverified acts on the hint alone");
    Revocation r = by_hint(hint);
    r.message = "acted on the hint alone (could not verify the key: " + why + "): " + r.message;
    return r;
  }

  // The organization's keys with this hint: only a unique active one is ever acted on.
  Revocation by_hint(const std::string& hint) {
    const std::vector<ApiKey*> matches = with_hint(hint, /*active_only=*/false);
    if (matches.empty()) return outcome(RevocationStatus::kNotFound, "no key of this organization has this hint");
    if (matches.size() > 1) {
      Revocation r = outcome(RevocationStatus::kAmbiguous,
                             std::to_string(matches.size()) + " keys share this hint; nothing was changed");
      for (const ApiKey* k : matches) r.candidates.push_back(k->id);
      return r;
    }
    ApiKey& k = *matches[0];
    if (k.status != "active") return outcome(RevocationStatus::kAlreadyInactive, "the key is " + k.status, k.id);
    if (o_.dry_run) return outcome(RevocationStatus::kWouldDeactivate, "dry run: nothing was changed", k.id);
    if (o_.confirm && !o_.confirm(k))
      return outcome(RevocationStatus::kDeclined, "not confirmed: nothing was changed", k.id);
    return deactivate(k, hint);
  }

  Revocation deactivate(ApiKey& k, const std::string& hint) {
    // No change without its audit record: the log must open before the key is touched.
    if (!o_.audit_log.empty()) {
      try {
        open_audit_log(o_.audit_log);
      } catch (const Error& e) {
        return outcome(RevocationStatus::kError, std::string("not deactivated: ") + e.what(), k.id);
      }
    }
    std::string request_id;
    api_.set_status(admin_key_, k.id, "inactive", &request_id);
    const ApiKey after = api_.get_key(admin_key_, k.id);  // read back: trust, but verify
    if (after.status != "inactive")
      return outcome(RevocationStatus::kError, "the API accepted the change but the key reads back as " + after.status,
                     k.id);
    k.status = after.status;  // later targets of this run see the key as it is now
    Revocation r = outcome(RevocationStatus::kDeactivated,
                           "deactivated; create a replacement key in the Console, deploy it, and archive this one "
                           "after the grace period",
                           k.id);
    if (!o_.audit_log.empty()) {
      try {
        append_audit(o_.audit_log, "deactivate", k.id, hint, "active", "inactive", request_id);
      } catch (const Error& e) {
        r.message += std::string(" (the change is made, but its audit record is not: ") + e.what() + ")";
      }
    }
    return r;
  }

  const std::string& organization() {
    if (!org_) org_ = api_.organization_id(admin_key_);
    return *org_;
  }

  std::vector<ApiKey*> with_hint(const std::string& hint, bool active_only) {
    if (!keys_) keys_ = api_.list_keys(admin_key_);  // every page, once per run
    std::vector<ApiKey*> out;
    for (ApiKey& k : *keys_)
      if (k.partial_key_hint == hint && (!active_only || k.status == "active")) out.push_back(&k);
    return out;
  }

  AnthropicApi& api_;
  const std::string& admin_key_;
  const RevokeOptions& o_;
  std::optional<std::string> org_;
  std::optional<std::vector<ApiKey>> keys_;
};

}  // namespace

std::vector<Revocation> revoke_targets(AnthropicApi& api, const std::string& admin_key,
                                       const std::vector<RevokeTarget>& targets, const RevokeOptions& o) {
  RevokeRun run(api, admin_key, o);
  std::vector<Revocation> out;
  out.reserve(targets.size());
  for (const RevokeTarget& t : targets) out.push_back(run.revoke(t));
  return out;
}

std::string load_admin_key(const std::string& key_file) {
  std::string key;
  if (!key_file.empty()) {
    InputFileLimits limits;
    limits.max_bytes = 64 * 1024;  // a key is ~110 bytes; anything this large is the wrong file
    key = read_input_file(key_file, "admin key file", limits);
    key = key.substr(0, key.find('\n'));
  } else if (const char* k = std::getenv("ANTHROPIC_ADMIN_KEY"); k && *k) {
    key = k;
  } else if (const char* k2 = std::getenv("ANTHROPIC_ADMIN_API_KEY"); k2 && *k2) {
    key = k2;
  }
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
  return key;
}

std::string default_audit_log() {
  std::filesystem::path dir;
  if (const char* s = std::getenv("XDG_STATE_HOME"); s && *s) dir = std::filesystem::path(s) / "leakgate";
  else if (const char* h = std::getenv("HOME"); h && *h) dir = std::filesystem::path(h) / ".local" / "state" / "leakgate";
  else return {};
  return (dir / "audit.jsonl").string();
}

UniqueFd open_audit_log(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) throw Error("cannot write the audit log '" + path + "': " + std::strerror(errno));
  return fd;
}

void append_audit(const std::string& path, const std::string& action, const std::string& key_id,
                  const std::string& hint, const std::string& old_status, const std::string& new_status,
                  const std::string& request_id) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const nlohmann::json line = {{"time", when},        {"action", action},         {"key_id", key_id},
                               {"hint", hint},        {"old_status", old_status}, {"new_status", new_status},
                               {"request_id", request_id}, {"tool", "leakgate " LEAKGATE_VERSION}};
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const UniqueFd fd = open_audit_log(path);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw Error("cannot write the audit log '" + path + "': " + std::strerror(errno));
}

}  // namespace leakgate
