// Differential check of the match stage: for the built-in rules, the Hyperscan-windowed path must
// find exactly the matches that RE2 alone finds scanning each whole input (the oracle), on seeded
// random inputs mixing real-shaped keys, near misses, delimiters and arbitrary bytes.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <tuple>

#include "scanner/match/block_matcher.h"
#include "support/test_support.h"

using namespace leakgate;

namespace {

using Match = std::tuple<uint32_t, uint64_t, uint64_t>;  // rule, secret start, secret end

std::set<Match> oracle(const CompiledRuleset& rules, std::string_view text) {
  std::set<Match> out;
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (uint32_t id = 0; id < rules.rules().size(); ++id) {
    const CompiledRule& r = rules.rules()[id];
    if (!r.regex) continue;
    if (!r.rule.keywords.empty() && std::none_of(r.rule.keywords.begin(), r.rule.keywords.end(), [&](const std::string& k) {
          return lower.find(k) != std::string::npos;
        }))
      continue;
    const RE2& re = r.regex->get();
    const int n = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> g(static_cast<size_t>(n));
    size_t pos = 0;
    const re2::StringPiece all(text.data(), text.size());
    while (pos <= text.size() && re.Match(all, pos, text.size(), RE2::UNANCHORED, g.data(), n)) {
      const re2::StringPiece* s = &g[0];
      if (r.rule.secret_group > 0) s = &g[r.rule.secret_group];
      else
        for (int i = 1; i < n; ++i)
          if (!g[i].empty()) {
            s = &g[i];
            break;
          }
      const uint64_t ms = g[0].data() - text.data(), me = ms + g[0].size();
      uint64_t resume = me;
      if (s->data() && !s->empty()) {
        const uint64_t ss = s->data() - text.data();
        out.emplace(id, ss, ss + s->size());
        resume = ss + s->size();
      }
      pos = std::max<uint64_t>(resume, ms + 1);
    }
  }
  return out;
}

}  // namespace

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
    std::set<Match> got;
    for (const auto& m : raw) got.emplace(m.rule, m.secret_start, m.secret_end);
    const std::set<Match> want = oracle(*rules, text);
    INFO("seed " << seed);
    CHECK(got == want);
    ++compared;
    matches += want.size();
  }
  CHECK(compared == 300);
  CHECK(matches > 300);  // the inputs really exercise the rules
}
