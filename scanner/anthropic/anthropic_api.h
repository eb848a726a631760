// A client for the parts of the Anthropic API leakgate uses: checking whether a found key is live
// (GET /v1/models, costs no tokens) and the Admin API's key management (list, read, deactivate,
// archive; GET /v1/organizations/me). Retries 429 (honouring retry-after / retry-after-ms), 5xx,
// 529 and connection failures with bounded exponential backoff; never other 4xx. Errors carry the
// API's error.type, message and request-id. No key is ever put in a message.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scanner/anthropic/http_transport.h"
#include "scanner/finding.h"  // VerificationStatus
#include "scanner/report/redact.h"  // scrub_credentials

namespace leakgate {

struct ApiError {
  int status = 0;           // HTTP status; 0 for a connection failure
  std::string type;         // error.type, e.g. permission_error
  std::string message;
  std::string request_id;
  std::string describe() const;
};

class ApiFailure : public std::runtime_error {
 public:
  explicit ApiFailure(ApiError e) : std::runtime_error(e.describe()), error(std::move(e)) {}
  ApiError error;
};

struct ApiKey {
  std::string id;
  std::string name;
  std::string status;          // active | inactive | archived | expired
  std::string partial_key_hint;
  std::string created_at;      // RFC 3339
  std::string expires_at;      // empty: no expiry
  std::string workspace_id;    // empty: default workspace / organization scope
};

struct RetryPolicy {
  int max_attempts = 4;
  double base_delay_s = 0.5;
  double max_delay_s = 8.0;
  double max_total_s = 60.0;
  std::function<void(double seconds)> sleep;  // default: real sleep
};

// The result of checking a found key.
struct KeyCheck {
  VerificationStatus status = VerificationStatus::kUnknown;
  int http_status = 0;
  std::string organization_id;  // from a live key's response
  std::string detail;
};

class AnthropicApi {
 public:
  AnthropicApi(HttpTransport& transport, std::string base_url, RetryPolicy retry = {});

  // GET /v1/models with the found key (API keys) or /v1/organizations/me (admin keys).
  KeyCheck check_key(const std::string& key, bool admin_key);

  // Admin API; all throw ApiFailure.
  std::string organization_id(const std::string& admin_key);
  std::vector<ApiKey> list_keys(const std::string& admin_key, const std::string& status = "",
                                const std::string& workspace = "");
  ApiKey get_key(const std::string& admin_key, const std::string& id);
  ApiKey set_status(const std::string& admin_key, const std::string& id, const std::string& status,
                    std::string* request_id = nullptr);

  // The base URL in use: ANTHROPIC_BASE_URL or https://api.anthropic.com.
  static std::string default_base_url();

 private:
  HttpResponse call(const std::string& method, const std::string& path, const std::string& key,
                    const std::string& body = "");
  HttpResponse call_ok(const std::string& method, const std::string& path, const std::string& key,
                       const std::string& body = "");
  HttpTransport& transport_;
  std::string base_url_;
  RetryPolicy retry_;
};

}  // namespace leakgate
