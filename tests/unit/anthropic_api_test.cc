// The API client against an in-memory transport: retry decisions and delays, error envelopes,
// and that credentials never reach a message.
#include <catch2/catch.hpp>

#include <deque>

#include "scanner/anthropic/anthropic_api.h"
#include "support/test_support.h"

using namespace leakgate;

namespace {

class FakeTransport : public HttpTransport {
 public:
  std::deque<HttpResponse> replies;
  std::vector<HttpRequest> seen;
  HttpResponse send(const HttpRequest& r) override {
    seen.push_back(r);
    HttpResponse res = replies.front();
    if (replies.size() > 1) replies.pop_front();
    return res;
  }
};

HttpResponse reply(int status, std::string body = "{}", std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("retries honour retry-after-ms and retry-after, back off on 5xx, and stop at the bound") {
  FakeTransport t;
  std::vector<double> sleeps;
  RetryPolicy p;
  p.base_delay_s = 0.25;
  p.sleep = [&](double s) { sleeps.push_back(s); };
  ::unsetenv("LEAKGATE_RETRY_BASE_MS");
  AnthropicApi api(t, "http://fake", p);
  t.replies = {reply(429, "{}", {{"retry-after-ms", "120"}}), reply(429, "{}", {{"retry-after", "2"}}),
               reply(529), reply(200, R"({"id": "org_1"})")};
  CHECK(api.organization_id("admin") == "org_1");
  REQUIRE(sleeps.size() == 3);
  CHECK(sleeps[0] == Approx(0.12));
  CHECK(sleeps[1] == Approx(2.0));
  CHECK(sleeps[2] == Approx(1.0));  // third attempt: 0.25 * 2^2
  CHECK(t.seen.size() == 4);
  CHECK(t.seen[0].headers[1].first == "anthropic-version");

  t.seen.clear();
  sleeps.clear();
  t.replies = {reply(500)};
  CHECK_THROWS_AS(api.organization_id("admin"), ApiFailure);
  CHECK(t.seen.size() == 4);  // max_attempts

  t.seen.clear();
  t.replies = {reply(404, R"({"type":"error","error":{"type":"not_found_error","message":"no"},"request_id":"req_9"})")};
  try {
    api.get_key("admin", "apikey_x");
    FAIL("no error");
  } catch (const ApiFailure& e) {
    CHECK(e.error.status == 404);
    CHECK(e.error.type == "not_found_error");
    CHECK(e.error.request_id == "req_9");
  }
  CHECK(t.seen.size() == 1);  // never retried
}

TEST_CASE("key checks: 200 live with its organization, 401 and 404 dead, anything else unknown") {
  FakeTransport t;
  RetryPolicy p;
  p.sleep = [](double) {};
  AnthropicApi api(t, "http://fake", p);
  t.replies = {reply(200, "{}", {{"anthropic-organization-id", "org_A"}})};
  auto c = api.check_key("k", false);
  CHECK(c.status == VerificationStatus::kLive);
  CHECK(c.organization_id == "org_A");
  CHECK(t.seen.back().url == "http://fake/v1/models");
  for (int dead : {401, 404}) {
    t.replies = {reply(dead)};
    CHECK(api.check_key("k", false).status == VerificationStatus::kDead);
  }
  for (int unknown : {402, 403, 429, 500, 529, 0}) {
    t.replies = {reply(unknown)};
    CHECK(api.check_key("k", false).status == VerificationStatus::kUnknown);
  }
}

TEST_CASE("credentials in server messages are scrubbed to their hint") {
  lgtest::KeyGen g(500);
  const std::string k = g.anthropic_api();
  const std::string s = scrub_credentials("bad key " + k + ", try again");
  CHECK(s.find(k) == std::string::npos);
  CHECK(s.find(k.substr(0, 16) + "...") != std::string::npos);
  CHECK(scrub_credentials("nothing here") == "nothing here");
}

TEST_CASE("regression (fuzz_api): a key list whose has_more is not a boolean is an invalid response") {
  FakeTransport t;
  RetryPolicy p;
  p.sleep = [](double) {};
  AnthropicApi api(t, "http://test", p);
  const std::string admin = lgtest::KeyGen(501).anthropic_admin();
  for (const char* more : {"\"apikey_5\"", "1", "null", "{}"}) {
    t.replies = {reply(200, std::string(R"({"data": [{"id": "apikey_2", "status": "active"}], "has_more": )") +
                                more + R"(, "last_id": "apikey_2"})")};
    try {
      api.list_keys(admin);
      FAIL("accepted has_more = " << more);
    } catch (const ApiFailure& e) {
      CHECK(e.error.type == "invalid_response");
      CHECK(std::string(e.what()).find(admin) == std::string::npos);
    }
  }
  t.replies = {reply(200, R"({"data": [{"id": "apikey_2", "status": "active"}], "has_more": false})")};
  CHECK(api.list_keys(admin).size() == 1);
}
