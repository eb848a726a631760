// Differential check of the match stage: for the built-in rules, the Hyperscan-windowed path must
// find exactly the matches that RE2 alone finds scanning each whole input (the oracle), on seeded
// random inputs mixing real-shaped keys, near misses, delimiters and arbitrary bytes.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "scanner/match/block_matcher.h"
#include "support/match_oracle.h"
#include "support/test_support.h"

using namespace leakgate;



TEST_CASE("differential: the windowed Hyperscan+RE2 path equals RE2 over the whole input") {
  auto rules = lgtest::builtin_rules();
  BlockMatcher matcher(rules);
  const char* pieces[] = {" ", "\n", "\"", "'", ",", ")", "=", ":", "\\n", "\t", "-", "_", "x", "A", "0",
                          "password=", "token: ", "secret_", "api_key=\"", "Bearer ", "AKIA", "ghp_", "xoxb-",
                          "sk-ant-api03-", "sk-ant-admin01-", "eyJ", "-----BEGIN RSA PRIVATE KEY-----\n"};
  size_t compared = 0, matches = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    lgtest::KeyGen g(seed);
    std::string text;
    while (text.size() < 2000 + seed * 13) {
      switch (rng() % 6) {
        case 0: text += g.anthropic_api(); break;
        case 1: text += g.expand("ghp_{{alnum:36}}"); break;
        case 2: text += g.random("b64url", 1 + rng() % 120); break;
        case 3: text.push_back(static_cast<char>(rng() & 0xff)); break;
        default: text += pieces[rng() % std::size(pieces)];
      }
    }
    std::vector<RawMatch> raw;
    matcher.scan(text, raw);
    const std::set<Match> got = as_matches(raw);
    const std::set<Match> want = re2_oracle(*rules, text);
    INFO("seed " << seed);
    CHECK(got == want);
    ++compared;
    matches += want.size();
  }
  CHECK(compared == 300);
  CHECK(matches > 300);  // the inputs really exercise the rules
}
