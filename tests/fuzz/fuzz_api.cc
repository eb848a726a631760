// Fuzz target: the Admin API response parser. Arbitrary bodies, statuses and headers are served by
// an in-memory transport to every call the client makes; it must answer or throw ApiFailure, and
// never put a credential into an error message.
#include <cstdlib>
#include <string>

#include "scanner/anthropic/anthropic_api.h"

namespace {
class FuzzTransport : public leakgate::HttpTransport {
 public:
  std::string body;
  int status = 200;
  std::string header;
  leakgate::HttpResponse send(const leakgate::HttpRequest&) override {
    leakgate::HttpResponse r;
    r.status = status;
    r.body = body;
    r.headers["retry-after-ms"] = header;
    r.headers["request-id"] = header;
    r.headers["anthropic-organization-id"] = header;
    return r;
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  FuzzTransport t;
  static const int statuses[] = {200, 200, 200, 400, 401, 403, 404, 429, 500, 529, 0};
  t.status = statuses[data[0] % (sizeof statuses / sizeof *statuses)];
  t.header.assign(reinterpret_cast<const char*>(data + 1), std::min<size_t>(size - 1, data[1] % 16));
  t.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  leakgate::RetryPolicy p;
  p.max_attempts = 2;
  p.sleep = [](double) {};
  leakgate::AnthropicApi api(t, "http://fuzz", p);
  // A credential-shaped value assembled at run time (the repository holds no key-shaped literal).
  static const std::string secret = std::string("sk-ant-") + "admin01-" + std::string(40, 'F') + "uzz";
  auto check = [&](const std::string& msg) {
    if (msg.find(secret) != std::string::npos) std::abort();
  };
  try { api.list_keys(secret); } catch (const leakgate::ApiFailure& e) { check(e.what()); }
  try { api.get_key(secret, "apikey_x"); } catch (const leakgate::ApiFailure& e) { check(e.what()); }
  try { api.organization_id(secret); } catch (const leakgate::ApiFailure& e) { check(e.what()); }
  check(api.check_key(secret, false).detail);
  check(api.check_key(secret, true).detail);
  return 0;
}
