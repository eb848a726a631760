// Seeded, randomized fault injection against the Admin API emulator: whatever fails and in
// whatever order, a key is deactivated only if it is the unique active key with a target's hint,
// no other key ever changes, and every target ends with one of the defined outcomes.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "scanner/anthropic/key_actions.h"
#include "scanner/report/redact.h"
#include "support/admin_api_emulator.h"
#include "support/test_support.h"

using lgtest::AdminApiEmulator;
using Fault = AdminApiEmulator::Fault;

TEST_CASE("revoke under random faults: only unique active matches are ever deactivated") {
  ::setenv("LEAKGATE_HTTP_TIMEOUT_MS", "2000", 1);
  const std::set<std::string> outcomes{"deactivated", "already-inactive", "not-found", "ambiguous", "error"};
  const Fault faults[] = {Fault::k429, Fault::k529, Fault::k500, Fault::kDrop, Fault::kMalformed, Fault::k403, Fault::kShiftPage};
  const char* paths[] = {"/v1/organizations/api_keys", "/v1/organizations/api_keys/", "/v1/organizations/me", ""};
  int runs = 0, deactivations = 0;
  std::map<std::string, int> seen_outcomes;
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
      if (rng() % 2 == 0) targets.push_back({h, false, std::nullopt});
    targets.push_back({leakgate::anthropic_hint(g.anthropic_api()), false, std::nullopt});
    for (int f = 0, n = static_cast<int>(rng() % 5); f < n; ++f)
      api.inject(faults[rng() % std::size(faults)], paths[rng() % std::size(paths)], 1 + static_cast<int>(rng() % 4));

    leakgate::CurlTransport transport;
    leakgate::RetryPolicy policy;
    policy.base_delay_s = 0.001;
    policy.sleep = [](double) {};
    leakgate::AnthropicApi client(transport, api.base_url(), policy);
    const auto result = leakgate::revoke_targets(client, admin, targets, {});
    ++runs;

    std::set<std::string> targeted;
    for (const auto& t : targets) {
      INFO("seed " << seed << " hint " << t.hint);
      REQUIRE(result.count(t.hint) == 1);
      const auto& r = result.at(t.hint);
      CHECK(outcomes.count(r.status) == 1);
      ++seen_outcomes[r.status];
      if (r.status == "deactivated") {
        const auto& ids = by_hint[t.hint];
        REQUIRE(ids.size() == 1);
        CHECK(initial[ids[0]] == "active");
        CHECK(r.key_id == ids[0]);
        targeted.insert(ids[0]);
      }
      if (r.status == "ambiguous") CHECK(r.candidates.size() >= 2);
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
        for (const auto& t : targets)
          unique_target |= by_hint[t.hint].size() == 1 && by_hint[t.hint][0] == id && status == "active" &&
                           result.at(t.hint).status == "error";
        CHECK(unique_target);
        CHECK(now == "inactive");
      }
    }
  }
  CHECK(runs == 200);
  CHECK(deactivations > 20);  // the faults did not stop every run from doing its job
  // Every kind of outcome happened somewhere in the runs: the faults were felt.
  for (const auto& o : outcomes) {
    INFO(o);
    CHECK(seen_outcomes[o] > 0);
  }
}
