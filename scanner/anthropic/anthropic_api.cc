#include "scanner/anthropic/anthropic_api.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "scanner/report/redact.h"
#include "scanner/util/utf8.h"

namespace leakgate {

using nlohmann::json;

namespace {

constexpr const char* kVersion = "2023-06-01";

bool retryable(const HttpResponse& r) {
  return r.status == 0 || r.status == 429 || r.status >= 500;  // 529 overloaded included
}

// The delay the server asked for, in seconds, if it asked.
std::optional<double> server_delay(const HttpResponse& r) {
  if (auto it = r.headers.find("retry-after-ms"); it != r.headers.end()) {
    char* end = nullptr;
    const double ms = std::strtod(it->second.c_str(), &end);
    if (end != it->second.c_str() && ms >= 0) return ms / 1000.0;
  }
  if (auto it = r.headers.find("retry-after"); it != r.headers.end()) {
    char* end = nullptr;
    const double s = std::strtod(it->second.c_str(), &end);
    if (end != it->second.c_str() && s >= 0) return s;
  }
  return std::nullopt;
}

ApiError error_of(const HttpResponse& r) {
  ApiError e;
  e.status = r.status;
  if (auto it = r.headers.find("request-id"); it != r.headers.end()) e.request_id = it->second;
  if (r.status == 0) {
    e.type = "connection_error";
    e.message = scrub_credentials(r.transport_error);
    return e;
  }
  try {
    const json j = json::parse(r.body);
    if (j.contains("error") && j["error"].is_object()) {
      e.type = j["error"].value("type", "");
      e.message = scrub_credentials(j["error"].value("message", ""));
    }
    if (e.request_id.empty()) e.request_id = j.value("request_id", "");
  } catch (const json::exception&) {
    e.message = "unexpected response body";
  }
  if (e.type.empty()) e.type = "http_" + std::to_string(r.status);
  return e;
}

ApiKey key_of(const json& k) {
  ApiKey out;
  auto str = [&](const char* name) {
    return k.contains(name) && k[name].is_string() ? k[name].get<std::string>() : std::string();
  };
  out.id = str("id");
  out.name = str("name");
  out.status = str("status");
  out.partial_key_hint = str("partial_key_hint");
  out.created_at = str("created_at");
  out.expires_at = str("expires_at");
  // scope.workspace_id is the current field; workspace_id is deprecated.
  if (k.contains("scope") && k["scope"].is_object() && k["scope"].contains("workspace_id") &&
      k["scope"]["workspace_id"].is_string())
    out.workspace_id = k["scope"]["workspace_id"].get<std::string>();
  else
    out.workspace_id = str("workspace_id");
  if (out.id.empty()) throw ApiFailure({200, "invalid_response", "an API key object without an id", ""});
  return out;
}

json parse_body(const HttpResponse& r) {
  try {
    return json::parse(r.body);
  } catch (const json::exception&) {
    ApiError e = error_of(r);
    e.type = "invalid_response";
    e.message = "the API returned malformed JSON";
    throw ApiFailure(e);
  }
}


}  // namespace

std::string ApiError::describe() const {
  std::string s = status ? "HTTP " + std::to_string(status) + " " + type : type;
  if (!message.empty()) s += ": " + message;
  if (!request_id.empty()) s += " (request-id " + request_id + ")";
  return s;
}

std::string AnthropicApi::default_base_url() {
  const char* env = std::getenv("ANTHROPIC_BASE_URL");
  std::string url = env && *env ? env : "https://api.anthropic.com";
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

AnthropicApi::AnthropicApi(HttpTransport& transport, std::string base_url, RetryPolicy retry)
    : transport_(transport), base_url_(std::move(base_url)), retry_(std::move(retry)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  if (!retry_.sleep)
    retry_.sleep = [](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); };
  if (const char* ms = std::getenv("LEAKGATE_RETRY_BASE_MS"))  // tests shrink the backoff
    retry_.base_delay_s = std::atof(ms) / 1000.0;
}

HttpResponse AnthropicApi::call(const std::string& method, const std::string& path, const std::string& key,
                                const std::string& body) {
  HttpRequest req;
  req.method = method;
  req.url = base_url_ + path;
  req.headers = {{"x-api-key", key}, {"anthropic-version", kVersion}, {"content-type", "application/json"},
                 {"accept", "application/json"}};
  req.body = body;
  double waited = 0;
  HttpResponse res;
  for (int attempt = 1;; ++attempt) {
    res = transport_.send(req);
    if (!retryable(res) || attempt >= retry_.max_attempts) return res;
    double delay = retry_.base_delay_s * static_cast<double>(1 << (attempt - 1));
    if (auto asked = server_delay(res)) delay = *asked;
    delay = std::min(delay, retry_.max_delay_s);
    if (waited + delay > retry_.max_total_s) return res;
    retry_.sleep(delay);
    waited += delay;
  }
}

HttpResponse AnthropicApi::call_ok(const std::string& method, const std::string& path, const std::string& key,
                                   const std::string& body) {
  HttpResponse r = call(method, path, key, body);
  if (r.status < 200 || r.status >= 300) throw ApiFailure(error_of(r));
  return r;
}

KeyCheck AnthropicApi::check_key(const std::string& key, bool admin_key) {
  const HttpResponse r = call("GET", admin_key ? "/v1/organizations/me" : "/v1/models", key);
  KeyCheck c;
  c.http_status = r.status;
  if (r.status == 200) {
    c.status = VerificationStatus::kLive;
    if (auto it = r.headers.find("anthropic-organization-id"); it != r.headers.end()) c.organization_id = it->second;
    if (admin_key && c.organization_id.empty()) {
      try {
        c.organization_id = json::parse(r.body).value("id", "");
      } catch (const json::exception&) {
      }
    }
  } else if (r.status == 401 || (!admin_key && r.status == 404)) {
    c.status = VerificationStatus::kDead;  // revoked, inactive or never valid (404 seen for disabled keys)
  } else {
    c.status = VerificationStatus::kUnknown;  // 402, 403, 429, 5xx, network: never called dead
    c.detail = error_of(r).describe();
  }
  return c;
}

std::string AnthropicApi::organization_id(const std::string& admin_key) {
  const json j = parse_body(call_ok("GET", "/v1/organizations/me", admin_key));
  if (!j.contains("id") || !j["id"].is_string())
    throw ApiFailure({200, "invalid_response", "organization without an id", ""});
  return j["id"].get<std::string>();
}

std::vector<ApiKey> AnthropicApi::list_keys(const std::string& admin_key, const std::string& status,
                                            const std::string& workspace) {
  std::vector<ApiKey> keys;
  std::vector<std::string> seen_ids;
  std::string after;
  for (int page = 0; page < 100000; ++page) {
    std::string path = "/v1/organizations/api_keys?limit=1000";
    if (!status.empty()) path += "&status=" + percent_encode(status);
    if (!workspace.empty()) path += "&workspace_id=" + percent_encode(workspace);
    if (!after.empty()) path += "&after_id=" + percent_encode(after);
    const json j = parse_body(call_ok("GET", path, admin_key));
    if (!j.contains("data") || !j["data"].is_array())
      throw ApiFailure({200, "invalid_response", "a key list without data", ""});
    for (const auto& k : j["data"]) {
      ApiKey key = key_of(k);
      // A page that shifted between calls can repeat a key: keep each id once.
      if (std::find(seen_ids.begin(), seen_ids.end(), key.id) != seen_ids.end()) continue;
      seen_ids.push_back(key.id);
      keys.push_back(std::move(key));
    }
    // has_more is a boolean; anything else is a malformed page, not "no more" and not "more".
    if (j.contains("has_more") && !j["has_more"].is_boolean())
      throw ApiFailure({200, "invalid_response", "has_more is not a boolean", ""});
    if (!j.contains("has_more") || !j["has_more"].get<bool>()) return keys;
    const std::string last = j.contains("last_id") && j["last_id"].is_string() ? j["last_id"].get<std::string>() : "";
    if (last.empty() || last == after)
      throw ApiFailure({200, "invalid_response", "has_more without a new last_id: paging cannot continue", ""});
    after = last;
  }
  throw ApiFailure({200, "invalid_response", "too many pages", ""});
}

ApiKey AnthropicApi::get_key(const std::string& admin_key, const std::string& id) {
  return key_of(parse_body(call_ok("GET", "/v1/organizations/api_keys/" + percent_encode(id), admin_key)));
}

ApiKey AnthropicApi::set_status(const std::string& admin_key, const std::string& id, const std::string& status,
                                std::string* request_id) {
  const HttpResponse r =
      call_ok("POST", "/v1/organizations/api_keys/" + percent_encode(id), admin_key, json{{"status", status}}.dump());
  if (request_id) {
    auto it = r.headers.find("request-id");
    *request_id = it != r.headers.end() ? it->second : "";
  }
  return key_of(parse_body(r));
}

}  // namespace leakgate
