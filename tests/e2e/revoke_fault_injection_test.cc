// Seeded, randomized fault injection against the Admin API emulator: whatever fails and in
// whatever order, a key is deactivated only if it is the unique active key with a target's hint,
// no other key ever changes, and every target ends with one of the defined outcomes. Found keys
// (genuine, forged from a real key's hint, dead, another organization's) must in addition prove
// themselves: no fault makes an unproven key the reason for a change.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "scanner/anthropic/key_actions.h"
#include "scanner/report/redact.h"
#include "scanner/util/sha256.h"
#include "support/admin_api_emulator.h"
#include "support/test_support.h"

using lgtest::AdminApiEmulator;
using Fault = AdminApiEmulator::Fault;
using RS = leakgate::RevocationStatus;
using VS = leakgate::VerificationStatus;

namespace {
// A client that retries as in production but without the real waits: hundreds of runs stay fast.
leakgate::AnthropicApi fast_retrying_client(leakgate::CurlTransport& transport, const AdminApiEmulator& api) {
  leakgate::RetryPolicy policy;
  policy.base_delay_s = 0.001;
  policy.sleep = [](double) {};
  return leakgate::AnthropicApi(transport, api.base_url(), policy);
}
}  // namespace

TEST_CASE("revoke by hint under random faults: only unique active matches are ever deactivated") {
  ::setenv("LEAKGATE_HTTP_TIMEOUT_MS", "2000", 1);
  const std::set<RS> outcomes{RS::kDeactivated, RS::kAlreadyInactive, RS::kNotFound, RS::kAmbiguous, RS::kError};
  const Fault faults[] = {Fault::k429, Fault::k529, Fault::k500, Fault::kDrop, Fault::kMalformed, Fault::k403, Fault::kShiftPage};
  const char* paths[] = {"/v1/organizations/api_keys", "/v1/organizations/api_keys/", "/v1/organizations/me", ""};
  int runs = 0, deactivations = 0;
  std::map<RS, int> seen_outcomes;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    lgtest::KeyGen g(seed);
    const std::string admin = g.anthropic_admin();
    AdminApiEmulator api(admin);
    // The organization: keys with unique hints, some sharing a hint, some inactive.
    std::vector<std::string> hints;
    std::map<std::string, std::string> initial;  // id -> status
    std::map<std::string, std::vector<std::string>> by_hint;
    const int nkeys = 3 + static_cast<int>(rng() % 8);
    for (int i = 0; i < nkeys; ++i) {
      AdminApiEmulator::Key k;
      k.id = "apikey_" + std::to_string(seed) + "_" + std::to_string(i);
      const bool share = !hints.empty() && rng() % 4 == 0;
      k.hint = share ? hints[rng() % hints.size()] : leakgate::anthropic_hint(g.anthropic_api());
      k.status = rng() % 4 == 0 ? "inactive" : "active";
      if (!share) hints.push_back(k.hint);
      initial[k.id] = k.status;
      by_hint[k.hint].push_back(k.id);
      api.add_key(k);
    }
    // Targets: some of the organization's hints, and one it does not have.
    std::vector<leakgate::RevokeTarget> targets;
    for (const auto& h : hints)
      if (rng() % 2 == 0) targets.push_back({h, false, leakgate::Proof::kHintOnly, std::nullopt, ""});
    targets.push_back({leakgate::anthropic_hint(g.anthropic_api()), false, leakgate::Proof::kHintOnly, std::nullopt, ""});
    for (int f = 0, n = static_cast<int>(rng() % 5); f < n; ++f)
      api.inject(faults[rng() % std::size(faults)], paths[rng() % std::size(paths)], 1 + static_cast<int>(rng() % 4));

    leakgate::CurlTransport transport;
    leakgate::AnthropicApi client = fast_retrying_client(transport, api);
    const auto result = leakgate::revoke_targets(client, admin, targets, {});
    ++runs;

    REQUIRE(result.size() == targets.size());
    std::set<std::string> targeted;
    for (size_t i = 0; i < targets.size(); ++i) {
      const auto& t = targets[i];
      INFO("seed " << seed << " hint " << t.hint);
      const auto& r = result[i];
      CHECK(outcomes.count(r.status) == 1);
      ++seen_outcomes[r.status];
      if (r.status == RS::kDeactivated) {
        const auto& ids = by_hint[t.hint];
        REQUIRE(ids.size() == 1);
        CHECK(initial[ids[0]] == "active");
        CHECK(r.key_id == ids[0]);
        targeted.insert(ids[0]);
      }
      if (r.status == RS::kAmbiguous) CHECK(r.candidates.size() >= 2);
    }
    for (const auto& [id, status] : initial) {
      INFO("seed " << seed << " key " << id);
      const std::string now = api.key(id).status;
      if (targeted.count(id)) {
        CHECK(now == "inactive");
        ++deactivations;
      } else if (now != status) {
        // Changed without a "deactivated" outcome: only acceptable when the change went through
        // but its read-back failed, and then the key must be the unique active match of a target.
        bool unique_target = false;
        for (size_t i = 0; i < targets.size(); ++i)
          unique_target |= by_hint[targets[i].hint].size() == 1 && by_hint[targets[i].hint][0] == id &&
                           status == "active" && result[i].status == RS::kError;
        CHECK(unique_target);
        CHECK(now == "inactive");
      }
    }
  }
  CHECK(runs == 200);
  CHECK(deactivations > 20);  // the faults did not stop every run from doing its job
  // Every kind of outcome happened somewhere in the runs: the faults were felt.
  for (const RS o : outcomes) {
    INFO(leakgate::revocation_status_name(o));
    CHECK(seen_outcomes[o] > 0);
  }
}

namespace {

// A key-shaped string with `real`'s hint and another middle: it never authenticates.
std::string forge(lgtest::KeyGen& g, const std::string& real) {
  const size_t head = leakgate::anthropic_hint(real).find("...");
  return real.substr(0, head) + g.random("b64url", real.size() - head - 4) + real.substr(real.size() - 4);
}

bool proven(const leakgate::KeyCheck& c, const std::string& org) {
  return c.status == VS::kLive && c.organization_id == org;
}

bool undecided(const leakgate::KeyCheck& c) {
  return c.status != VS::kDead && !(c.status == VS::kLive && !c.organization_id.empty());
}

}  // namespace

TEST_CASE("found keys under random faults: a key not proven live in our organization is never acted on") {
  ::setenv("LEAKGATE_HTTP_TIMEOUT_MS", "2000", 1);
  const std::string our_org = "org_01TESTORG";
  const std::set<RS> outcomes{RS::kDeactivated, RS::kAlreadyInactive, RS::kNotFound, RS::kAmbiguous,
                              RS::kNotOurs,     RS::kNotLive,         RS::kError};
  const Fault faults[] = {Fault::k429,  Fault::k529,       Fault::k500, Fault::k503,      Fault::kDrop,
                          Fault::k403,  Fault::kMalformed, Fault::kShiftPage};
  const char* paths[] = {"/v1/models", "/v1/organizations/api_keys", "/v1/organizations/api_keys/",
                         "/v1/organizations/me", ""};
  std::map<RS, int> seen_outcomes;
  int proven_deactivations = 0, unverified_runs = 0;
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    std::mt19937_64 rng(seed * 7919);
    lgtest::KeyGen g(seed + 1000);
    const std::string admin = g.anthropic_admin();
    AdminApiEmulator api(admin, our_org);
    // The organization's keys (now and then two share a hint), each answering /v1/models in its
    // own way; another organization's key that shares a hint with one of ours; and what the scan
    // found: genuine keys, forgeries of active ones, dead keys, the foreign key, a stranger.
    std::vector<AdminApiEmulator::Key> keys;
    std::vector<std::string> found;
    for (int i = 0, n = 3 + static_cast<int>(rng() % 6); i < n; ++i) {
      AdminApiEmulator::Key k;
      k.id = "apikey_" + std::to_string(seed) + "_" + std::to_string(i);
      k.secret = !keys.empty() && rng() % 5 == 0 ? forge(g, keys[rng() % keys.size()].secret) : g.anthropic_api();
      k.hint = leakgate::anthropic_hint(k.secret);
      k.status = rng() % 4 == 0 ? "inactive" : "active";
      if (const auto answer = rng() % 8; answer == 0) k.org_header = false;
      else if (answer == 1) k.models_status = 503;
      keys.push_back(k);
      if (rng() % 2 == 0) found.push_back(k.secret);
      if (k.status == "active" && rng() % 2 == 0) found.push_back(forge(g, k.secret));
    }
    AdminApiEmulator::Key foreign;
    foreign.id = "apikey_" + std::to_string(seed) + "_foreign";
    foreign.secret = forge(g, keys[rng() % keys.size()].secret);
    foreign.hint = leakgate::anthropic_hint(foreign.secret);
    foreign.org = "org_01ELSEWHERE";
    keys.push_back(foreign);
    found.push_back(foreign.secret);
    found.push_back(g.anthropic_api());
    for (const auto& k : keys) api.add_key(k);
    for (int f = 0, n = static_cast<int>(rng() % 6); f < n; ++f)
      api.inject(faults[rng() % std::size(faults)], paths[rng() % std::size(paths)], 1 + static_cast<int>(rng() % 4));

    leakgate::CurlTransport transport;
    leakgate::AnthropicApi client = fast_retrying_client(transport, api);
    std::vector<leakgate::Finding> findings;
    for (const auto& s : found) findings.push_back(leakgate::Finding{.secret = s});
    const auto checks = leakgate::verify_findings(client, findings);
    const auto targets = leakgate::targets_from_findings(findings, checks);
    leakgate::RevokeOptions options;
    options.act_on_unverified = rng() % 3 == 0;
    unverified_runs += options.act_on_unverified;
    const auto result = leakgate::revoke_targets(client, admin, targets, options);

    REQUIRE(targets.size() == found.size());
    REQUIRE(result.size() == targets.size());
    std::map<std::string, std::string> secret_of;  // sha -> found key
    for (const auto& s : found) secret_of[leakgate::sha256_hex(s)] = s;
    for (size_t i = 0; i < targets.size(); ++i) {
      const auto& t = targets[i];
      const auto& r = result[i];
      REQUIRE(t.check);
      INFO("seed " << seed << " target " << i << " check " << leakgate::verification_status_name(t.check->status) << " "
                   << t.check->organization_id << " outcome " << leakgate::revocation_status_name(r.status) << ": "
                   << r.message);
      CHECK(outcomes.count(r.status) == 1);
      ++seen_outcomes[r.status];
      const leakgate::KeyCheck& c = *t.check;
      if (c.status == VS::kDead) CHECK(r.status == RS::kNotLive);
      if (c.status == VS::kLive && !c.organization_id.empty() && c.organization_id != our_org)
        CHECK((r.status == RS::kNotOurs || r.status == RS::kError));
      if (undecided(c) && !options.act_on_unverified) {
        CHECK(r.status == RS::kError);
        CHECK(r.message.rfind("could not verify the key (", 0) == 0);
      }
      if (r.status == RS::kDeactivated) {
        CHECK((proven(c, our_org) || (options.act_on_unverified && undecided(c))));
        if (proven(c, our_org)) ++proven_deactivations;
      }
    }
    // Every key that changed, changed because of a target that had the right to change it: one
    // proven to be that very key, or (only with act_on_unverified) one verification could not decide.
    for (const auto& k : keys) {
      INFO("seed " << seed << " key " << k.id);
      if (api.key(k.id).status == k.status) continue;
      CHECK(k.status == "active");
      bool justified = false;
      for (size_t i = 0; i < targets.size(); ++i) {
        const auto& t = targets[i];
        if (t.hint != k.hint || (result[i].status != RS::kDeactivated && result[i].status != RS::kError)) continue;
        justified |= proven(*t.check, our_org) && secret_of[t.secret_sha256] == k.secret;
        justified |= options.act_on_unverified && undecided(*t.check);
      }
      CHECK(justified);
    }
  }
  CHECK(proven_deactivations > 20);  // the faults did not stop every run from doing its job
  CHECK(unverified_runs > 20);
  for (const RS o : {RS::kDeactivated, RS::kNotOurs, RS::kNotLive, RS::kError, RS::kAmbiguous}) {
    INFO(leakgate::revocation_status_name(o));
    CHECK(seen_outcomes[o] > 0);
  }
}
