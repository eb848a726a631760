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

namespace leakgate {

bool is_anthropic_api_key(const std::string& s) { return s.rfind("sk-ant-api", 0) == 0; }
bool is_anthropic_admin_key(const std::string& s) { return s.rfind("sk-ant-admin", 0) == 0; }

std::map<std::string, KeyCheck> verify_findings(AnthropicApi& api, std::vector<Finding>& findings) {
  std::map<std::string, std::pair<std::string, bool>> distinct;  // sha → (secret, admin)
  for (const Finding& f : findings) {
    const bool api_key = is_anthropic_api_key(f.secret), admin = is_anthropic_admin_key(f.secret);
    if (api_key || admin) distinct.emplace(f.secret_sha256, std::make_pair(f.secret, admin));
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
    auto c = checks.find(f.secret_sha256);
    if (c == checks.end()) continue;
    f.verification = Verification{c->second.status, c->second.http_status, c->second.detail};
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
    const std::string hint = anthropic_hint(f.secret);
    if (hint.empty() || !seen.insert(hint).second) continue;
    RevokeTarget t{hint, admin, std::nullopt};
    if (auto c = checks.find(f.secret_sha256); c != checks.end()) t.check = c->second;
    out.push_back(std::move(t));
  }
  return out;
}

std::map<std::string, Revocation> revoke_targets(AnthropicApi& api, const std::string& admin_key,
                                                 const std::vector<RevokeTarget>& targets, const RevokeOptions& o) {
  std::map<std::string, Revocation> out;
  std::optional<std::vector<ApiKey>> keys;
  std::optional<std::string> org;
  std::string list_error;
  for (const RevokeTarget& t : targets) {
    Revocation r;
    if (t.admin_key || t.hint.rfind("sk-ant-admin", 0) == 0) {
      r.status = "error";
      r.message = "admin keys cannot be deactivated through the API: revoke it now in the Console "
                  "(Settings > Admin keys) and create a new one";
      out[t.hint] = r;
      continue;
    }
    try {
      // A key verified live tells which organization owns it: act only on our own.
      if (t.check && t.check->status == "live" && !t.check->organization_id.empty()) {
        if (!org) org = api.organization_id(admin_key);
        if (*org != t.check->organization_id) {
          r.status = "not-ours";
          r.message = "the key is live but belongs to another organization; its owner must revoke it";
          out[t.hint] = r;
          continue;
        }
      }
      if (!keys) keys = api.list_keys(admin_key);  // every page, once per run
      std::vector<const ApiKey*> matches;
      for (const ApiKey& k : *keys)
        if (k.partial_key_hint == t.hint) matches.push_back(&k);
      if (matches.empty()) {
        r.status = "not-found";
        r.message = "no key of this organization has this hint";
      } else if (matches.size() > 1) {
        r.status = "ambiguous";
        r.message = std::to_string(matches.size()) + " keys share this hint; nothing was changed";
        for (const ApiKey* k : matches) r.candidates.push_back(k->id);
      } else if (matches[0]->status != "active") {
        r.status = "already-inactive";
        r.key_id = matches[0]->id;
        r.message = "the key is " + matches[0]->status;
      } else if (o.dry_run) {
        r.status = "would-deactivate";
        r.key_id = matches[0]->id;
        r.message = "dry run: nothing was changed";
      } else {
        const ApiKey& k = *matches[0];
        // No change without its audit record: the log must open before the key is touched.
        if (!o.audit_log.empty()) {
          try {
            open_audit_log(o.audit_log);
          } catch (const Error& e) {
            r.status = "error";
            r.key_id = k.id;
            r.message = std::string("not deactivated: ") + e.what();
            out[t.hint] = r;
            continue;
          }
        }
        std::string request_id;
        api.set_status(admin_key, k.id, "inactive", &request_id);
        const ApiKey after = api.get_key(admin_key, k.id);  // read back: trust, but verify
        if (after.status == "inactive") {
          r.status = "deactivated";
          r.key_id = k.id;
          r.message = "deactivated; create a replacement key in the Console, deploy it, and archive this one "
                      "after the grace period";
          if (!o.audit_log.empty()) {
            try {
              append_audit(o.audit_log, "deactivate", k.id, t.hint, "active", "inactive", request_id);
            } catch (const Error& e) {
              r.message += std::string(" (the change is made, but its audit record is not: ") + e.what() + ")";
            }
          }
        } else {
          r.status = "error";
          r.key_id = k.id;
          r.message = "the API accepted the change but the key reads back as " + after.status;
        }
      }
    } catch (const ApiFailure& e) {
      r.status = "error";
      r.message = e.error.describe();
    }
    out[t.hint] = r;
  }
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
