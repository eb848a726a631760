// Rule configuration: gitleaks' format, extension, allowlists, and errors that name the problem.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "scanner/ruleset/config_loader.h"
#include "scanner/ruleset/context_prefix.h"
#include "scanner/tools/rule_check.h"
#include "scanner/util/error.h"
#include "support/test_support.h"

using namespace leakgate;
using lgtest::count_rule;
using lgtest::KeyGen;
using lgtest::scan_text;

namespace {
std::shared_ptr<const CompiledRuleset> compile(const std::string& toml) {
  return CompiledRuleset::compile(parse_config(toml, "test.toml"));
}
}  // namespace

TEST_CASE("the built-in rule set holds the required rules and at least 30 in all") {
  const RuleConfig cfg = load_builtin_config(/*with_examples=*/true);
  CHECK(cfg.rules.size() >= 30);
  for (const char* id : {"anthropic-api-key", "anthropic-admin-api-key", "anthropic-oauth-token",
                         "anthropic-oauth-refresh-token", "aws-access-key-id", "aws-secret-access-key",
                         "github-pat", "github-fine-grained-pat", "github-app-token", "github-oauth", "gitlab-pat",
                         "slack-bot-token", "slack-user-token", "slack-webhook-url", "stripe-live-secret-key",
                         "openai-api-key", "gcp-api-key", "private-key", "npm-access-token", "pypi-upload-token",
                         "jwt", "generic-secret"}) {
    INFO(id);
    CHECK(std::any_of(cfg.rules.begin(), cfg.rules.end(), [&](const Rule& r) { return r.id == id; }));
  }
  for (const Rule& r : cfg.rules) {
    INFO(r.id);
    CHECK(r.examples.size() >= 2);
    CHECK(r.negatives.size() >= 2);
  }
}

TEST_CASE("the built-in rules a scan loads (examples left out before parsing) are the full file's rules") {
  const RuleConfig full = load_builtin_config(/*with_examples=*/true);
  const RuleConfig scan = load_builtin_config();
  REQUIRE(scan.rules.size() == full.rules.size());
  auto same_allowlists = [](const std::vector<leakgate::Allowlist>& x, const std::vector<leakgate::Allowlist>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (x[i].regexes != y[i].regexes || x[i].paths != y[i].paths || x[i].stopwords != y[i].stopwords ||
          x[i].commits != y[i].commits || x[i].condition != y[i].condition || x[i].regex_target != y[i].regex_target)
        return false;
    return true;
  };
  CHECK(same_allowlists(scan.allowlists, full.allowlists));
  size_t examples = 0;
  for (size_t i = 0; i < full.rules.size(); ++i) {
    const Rule &a = full.rules[i], &b = scan.rules[i];
    INFO(a.id);
    CHECK(b.id == a.id);
    CHECK(b.description == a.description);
    CHECK(b.regex == a.regex);
    CHECK(b.path == a.path);
    CHECK(b.secret_group == a.secret_group);
    CHECK(b.entropy == a.entropy);
    CHECK(b.keywords == a.keywords);
    CHECK(b.tags == a.tags);
    CHECK(same_allowlists(b.allowlists, a.allowlists));
    CHECK(b.examples.empty());
    CHECK(b.negatives.empty());
    examples += a.examples.size() + a.negatives.size();
  }
  CHECK(examples > 4 * full.rules.size());
}

TEST_CASE("every built-in rule finds its examples and none of its look-alikes, over many seeds") {
  const RuleConfig cfg = load_builtin_config(/*with_examples=*/true);
  for (uint64_t seed : {1u, 2u, 3u, 1234u, 99991u}) {
    for (const auto& r : check_rules(cfg, seed, 10)) {
      INFO(r.id << " seed " << seed);
      for (const auto& f : r.failures) INFO(f);
      CHECK(r.mode.has_value());
      CHECK(r.mode != EngineMode::kRe2Only);
      CHECK(r.ok());
    }
  }
}

TEST_CASE("gitleaks' own 222-rule config loads and every rule runs on Hyperscan") {
  const RuleConfig cfg = load_config_file(LEAKGATE_TEST_DATA_DIR "/gitleaks/gitleaks.toml");
  REQUIRE(cfg.rules.size() == 222);
  auto set = CompiledRuleset::compile(cfg);
  REQUIRE(set->rules().size() == 222);
  size_t regex_rules = 0, on_hyperscan = 0;
  for (const auto& r : set->rules()) {
    if (r.mode == EngineMode::kPathOnly) continue;
    ++regex_rules;
    if (r.mode == EngineMode::kExact || r.mode == EngineMode::kPrefilter) ++on_hyperscan;
  }
  CHECK(regex_rules == 221);
  CHECK(on_hyperscan == 221);
  // It finds what it should: its Anthropic rule on a generated key.
  KeyGen g(5);
  auto f = scan_text("ANTHROPIC_API_KEY=" + g.anthropic_api() + "\n", 0, set, "config.env");
  CHECK(count_rule(f, "anthropic-api-key") == 1);
}

TEST_CASE("a rule Hyperscan cannot take falls back to RE2 and still finds matches") {
  // Go's ungreedy flag (?U) is valid RE2 but unknown to Hyperscan, even in prefilter mode.
  auto set = compile(R"(
[[rules]]
id = "lazy"
regex = '''(?U)zq_[0-9]+x'''
keywords = ["zq_"]
[[rules]]
id = "plain"
regex = '''plain_[0-9]{4}'''
)");
  REQUIRE(set->rules().size() == 2);
  CHECK(set->rules()[0].mode == EngineMode::kRe2Only);
  CHECK_FALSE(set->rules()[0].mode_note.empty());
  CHECK(set->rules()[1].mode == EngineMode::kExact);
  auto f = scan_text("aa zq_123x bb plain_1234 cc zq_9x", 0, set);
  CHECK(count_rule(f, "lazy") == 2);
  CHECK(count_rule(f, "plain") == 1);
  CHECK(count_rule(scan_text("zq_ only", 0, set), "lazy") == 0);
}

TEST_CASE("a broken rule is an error naming the rule and the file") {
  try {
    compile("[[rules]]\nid = \"bad-one\"\nregex = '''(unclosed'''\n");
    FAIL("no error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    CHECK(msg.find("bad-one") != std::string::npos);
    CHECK(msg.find("test.toml") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_config("[[rules]]\nregex = 'x'\n", "t.toml"), Error);
  CHECK_THROWS_AS(parse_config("[[rules]]\nid = 'a'\n", "t.toml"), Error);
  CHECK_THROWS_AS(parse_config("title = \n", "t.toml"), Error);
  // The same id twice: the later definition wins, as in gitleaks, and the user is told.
  const auto twice = parse_config("[[rules]]\nid='a'\nregex='b'\n[[rules]]\nid='a'\nregex='c'\n", "t.toml");
  REQUIRE(twice.rules.size() == 1);
  CHECK(twice.rules[0].regex == "c");
  REQUIRE(twice.notices.size() == 1);
  CHECK(twice.notices[0].find("rule 'a' is defined twice") != std::string::npos);
}

TEST_CASE("[extend] useDefault adds to the built-in rules, disabledRules removes") {
  const auto cfg = parse_config(R"(
[extend]
useDefault = true
disabledRules = ["jwt"]
[[rules]]
id = "corp-token"
regex = '''corp_[a-z0-9]{20}'''
keywords = ["corp_"]
)", "ext.toml");
  const size_t builtin = load_builtin_config().rules.size();
  CHECK(cfg.rules.size() == builtin);  // +1 corp-token, -1 jwt
  CHECK(std::none_of(cfg.rules.begin(), cfg.rules.end(), [](const Rule& r) { return r.id == "jwt"; }));
  auto set = CompiledRuleset::compile(cfg);
  KeyGen g(3);
  auto f = scan_text("a corp_" + g.random("lalnum", 20) + " b " + g.anthropic_api(), 0, set);
  CHECK(count_rule(f, "corp-token") == 1);
  CHECK(count_rule(f, "anthropic-api-key") == 1);
}

TEST_CASE("allowlists: rule and global, secret/match/line targets, stopwords, paths, AND") {
  auto set = compile(R"(
[allowlist]
paths = ['''(?:^|/)fixtures/''']
stopwords = ["notreal"]

[[rules]]
id = "tok"
regex = '''tok_([a-z0-9]{12})'''
keywords = ["tok_"]
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''TESTONLY''']
[[rules.allowlists]]
condition = "AND"
paths = ['''\.md$''']
regexes = ['''^0''']
)");
  CHECK(count_rule(scan_text("x tok_ab12cd34ef56 y", 0, set), "tok") == 1);
  CHECK(count_rule(scan_text("x tok_ab12cd34ef56 y TESTONLY", 0, set), "tok") == 0);
  CHECK(count_rule(scan_text("x tok_ab12notreal y", 0, set), "tok") == 0);
  CHECK(count_rule(scan_text("x tok_0b12cd34ef56 y", 0, set, "README.md"), "tok") == 0);
  CHECK(count_rule(scan_text("x tok_0b12cd34ef56 y", 0, set, "main.c"), "tok") == 1);
  CHECK(count_rule(scan_text("x tok_ab12cd34ef56 y", 0, set, "README.md"), "tok") == 1);
  ContentScanner scanner(set);
  CHECK(scanner.path_exempt("a/fixtures/b.txt"));
  CHECK_FALSE(scanner.path_exempt("a/src/b.txt"));
}

TEST_CASE("entropy gates, secretGroup, keywords and path rules behave as in gitleaks") {
  auto set = compile(R"(
[[rules]]
id = "pw"
regex = '''pass=([^\s]{8,40})'''
entropy = 3.0
keywords = ["pass="]
[[rules]]
id = "grp"
regex = '''(id)_([A-Z]{10})'''
secretGroup = 2
[[rules]]
id = "kw"
regex = '''[0-9a-f]{32}'''
keywords = ["vendorx"]
[[rules]]
id = "p12"
path = '''\.p12$'''
[[rules]]
id = "far"
regex = '''zq_([a-z0-9]{12})'''
keywords = ["vendorz"]
)");
  CHECK(count_rule(scan_text("pass=aaaaaaaaaa", 0, set), "pw") == 0);
  CHECK(count_rule(scan_text("pass=Q8v!zR2k#Lm", 0, set), "pw") == 1);
  auto g = scan_text("id_ABCDEFGHIJ", 0, set);
  REQUIRE(count_rule(g, "grp") == 1);
  CHECK(g[0].secret == "ABCDEFGHIJ");
  CHECK(count_rule(scan_text("0123456789abcdef0123456789abcdef", 0, set), "kw") == 0);
  CHECK(count_rule(scan_text("VendorX: 0123456789abcdef0123456789abcdef", 0, set), "kw") == 1);
  // The keyword gate covers the whole input, before or after the hit, in any case (the keyword
  // database only runs over blocks where a gated rule hit).
  CHECK(count_rule(scan_text("0123456789abcdef0123456789abcdef\n\nsee VENDORX docs", 0, set), "kw") == 1);
  CHECK(count_rule(scan_text("vendor: 0123456789abcdef0123456789abcdef", 0, set), "kw") == 0);
  CHECK(count_rule(scan_text("anything", 0, set, "certs/a.p12"), "p12") == 1);
  CHECK(count_rule(scan_text("anything", 0, set, "certs/a.pem"), "p12") == 0);
  // A keyword inside the match settles the gate; one elsewhere in the input does too; none, or
  // only a near miss, drops the match.
  CHECK(count_rule(scan_text("x pass=Q8v!zR2k#Lm y", 0, set), "pw") == 1);
  CHECK(count_rule(scan_text("zq_a1b2c3d4e5f6", 0, set), "far") == 0);
  CHECK(count_rule(scan_text("zq_a1b2c3d4e5f6 vendor-z", 0, set), "far") == 0);
  CHECK(count_rule(scan_text("VendorZ\nzq_a1b2c3d4e5f6", 0, set), "far") == 1);
  CHECK(count_rule(scan_text("zq_a1b2c3d4e5f6\n\nsee vendorz", 0, set), "far") == 1);
  // "kw" requires no literal, so it has a database of its own, run only where "vendorx" occurs
  // (the checks above); "pw" requires one and stays in the main database.
  REQUIRE(set->rules().size() == 5);
  CHECK(set->rules()[2].own_database);
  CHECK_FALSE(set->rules()[0].own_database);
  REQUIRE(set->own_databases().size() == 1);
  CHECK(set->own_databases()[0].rule == 2);
}

TEST_CASE("templates expand deterministically per seed and reject bad placeholders") {
  TemplateExpander a(7), b(7), c(8);
  const std::string t = "k={{b64url:93}}AA {{hex:8}} {{ .Values.x }}";
  const std::string x = a.expand(t);
  CHECK(x == b.expand(t));
  CHECK(x != c.expand(t));
  CHECK(x.size() == t.size() - std::string("{{b64url:93}}").size() + 93 - std::string("{{hex:8}}").size() + 8);
  CHECK(x.find("{{ .Values.x }}") != std::string::npos);
  CHECK(a.expand("{{.Values.token}} {{x}} {{").find("{{.Values.token}} {{x}} {{") == 0);  // not placeholders
  // A name and a colon make a placeholder: a typo in it is an error, not literal text.
  const auto err = [&](const char* tmpl) { return lgtest::error_message([&] { a.expand(tmpl); }); };
  CHECK(err("k={{alnmu:20}}") == "unknown template class 'alnmu' in {{alnmu:20}} (known: lower, upper, digit, alpha, "
                                 "alnum, lalnum, ualnum, hex, HEX, b64, b64url)");
  CHECK(err("{{b64:}}") == "bad count '' in {{b64:}} (a number from 1 to 1048576)");
  CHECK(err("{{b64:0}}") == "bad count '0' in {{b64:0}} (a number from 1 to 1048576)");
  CHECK(err("{{b64:99999999}}") == "bad count '99999999' in {{b64:99999999}} (a number from 1 to 1048576)");
  CHECK(err("{{b64:123456789012345678901234}}") ==
        "bad count '123456789012345678901234' in {{b64:123456789012345678901234}} (a number from 1 to 1048576)");
  CHECK(err("{{hex:lots}}") == "bad count 'lots' in {{hex:lots}} (a number from 1 to 1048576)");
  CHECK(err("{{hex:-3}}") == "bad count '-3' in {{hex:-3}} (a number from 1 to 1048576)");
  CHECK(err("x {{hex:12") == "template placeholder '{{hex:12' has no closing '}}'");
  CHECK(a.expand("{{hex:1048576}}").size() == 1048576);
}

TEST_CASE("the compiled-database cache: hit after a miss, and a corrupt or stale entry is recompiled") {
  lgtest::TempDir dir;
  CompileOptions o;
  o.cache_dir = (dir.path() / "cache").string();
  const RuleConfig cfg = load_builtin_config();
  auto first = CompiledRuleset::compile(cfg, o);
  CHECK_FALSE(first->from_cache());
  auto second = CompiledRuleset::compile(cfg, o);
  CHECK(second->from_cache());
  CHECK(second->database_bytes() == first->database_bytes());
  KeyGen g(77);
  const std::string k = g.anthropic_api();
  CHECK(count_rule(scan_text("k=" + k, 0, second), "anthropic-api-key") == 1);
  // Corrupt every entry: the next compile must notice, recompile, and still work.
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "cache")) {
    std::ofstream out(e.path(), std::ios::binary | std::ios::trunc);
    out << "leakgate-hsdb-1\n" << std::string(64, '\xff');
  }
  auto third = CompiledRuleset::compile(cfg, o);
  CHECK_FALSE(third->from_cache());
  CHECK(count_rule(scan_text("k=" + k, 0, third), "anthropic-api-key") == 1);
  CHECK(CompiledRuleset::compile(cfg, o)->from_cache());
  // A changed rule set is a different key: never served the old database.
  RuleConfig changed = cfg;
  changed.rules.pop_back();
  CHECK_FALSE(CompiledRuleset::compile(changed, o)->from_cache());
  // Rules with databases of their own come back from the cache with them, in order, each still
  // triggered by its own keywords in the main database and by no other rule's.
  const RuleConfig own = parse_config(R"(
[[rules]]
id = "hexkw"
regex = '''[0-9a-f]{40}'''
keywords = ["vendorq"]
[[rules]]
id = "lit"
regex = '''zq_[a-z]{12}'''
[[rules]]
id = "digkw"
regex = '''[0-9]{20}'''
keywords = ["vendorw"]
)", "own.toml");
  auto fresh = CompiledRuleset::compile(own, o);
  CHECK_FALSE(fresh->from_cache());
  auto cached = CompiledRuleset::compile(own, o);
  REQUIRE(cached->from_cache());
  const std::string hex = g.random("hex", 40), digits = std::string("9").append(g.random("digit", 19));
  for (const auto& set : {fresh, cached}) {
    CHECK(set->rules()[0].own_database);
    CHECK_FALSE(set->rules()[1].own_database);
    CHECK(set->rules()[2].own_database);
    REQUIRE(set->own_databases().size() == 2);
    CHECK(set->own_databases()[0].rule == 0);
    CHECK(set->own_databases()[1].rule == 2);
    CHECK(count_rule(scan_text("id " + hex + " for VendorQ", 0, set), "hexkw") == 1);
    CHECK(count_rule(scan_text("id " + hex + " for vendorw", 0, set), "hexkw") == 0);
    CHECK(count_rule(scan_text("n " + digits + " for VENDORW", 0, set), "digkw") == 1);
    CHECK(count_rule(scan_text("n " + digits + " for vendorq", 0, set), "digkw") == 0);
    CHECK(count_rule(scan_text("zq_abcdefghijkl", 0, set), "lit") == 1);
  }
  // Entries that differ only in which rule a keyword belongs to are different keys.
  RuleConfig moved = own;
  std::swap(moved.rules[0].keywords, moved.rules[1].keywords);
  CHECK_FALSE(CompiledRuleset::compile(moved, o)->from_cache());
}

TEST_CASE("leading context is split off only where the regex starts with it") {
  using leakgate::split_leading_context;
  auto s = split_leading_context(R"((?i)[\w.-]{0,50}?(?:twitter)(?:[ \t\w.-]{0,20})([a-z0-9]{50}))");
  REQUIRE(s);
  CHECK(s->rest == R"((?i)(?:twitter)(?:[ \t\w.-]{0,20})([a-z0-9]{50}))");
  CHECK(s->lazy);
  CHECK_FALSE(s->top_level_alternation);
  CHECK(s->capture_groups == 1);
  auto greedy = split_leading_context(R"([^\]x]{0,9}key=(\d+)|other)");
  REQUIRE(greedy);
  CHECK(greedy->rest == R"(key=(\d+)|other)");
  CHECK_FALSE(greedy->lazy);
  CHECK(greedy->top_level_alternation);
  auto ungreedy = split_leading_context(R"((?U)\w*?k(v))");
  REQUIRE(ungreedy);
  CHECK_FALSE(ungreedy->lazy);  // U swaps: `*?` is greedy here
  CHECK(split_leading_context(R"((?P<n>x)[a-z]{0,5}?y)") == std::nullopt);  // starts with a group
  CHECK(split_leading_context(R"([a-z]{1,5}?y)") == std::nullopt);          // the prefix is required
  CHECK(split_leading_context(R"((?i)[a-z]{0,5}?)") == std::nullopt);       // nothing left
  CHECK(split_leading_context(R"((?:ab)[a-z]*y)") == std::nullopt);         // not a flags group
  auto named = split_leading_context(R"(.*?(?P<k>[a-f0-9]{32})(?:x|y))");
  REQUIRE(named);
  CHECK(named->capture_groups == 1);
  CHECK_FALSE(named->top_level_alternation);
}

TEST_CASE("a match allowlist sees the whole regex's match when RE2 confirms without the leading context") {
  // The prefix spans at most 3 letters (lazy `{0,3}?`) or 1 (lazy `??`), so the whole regex's
  // match starts at most that far before the keyword: a walk back one byte too short or too long
  // flips what the `^…` allowlists say. The same rules with the prefix kept in RE2 must agree.
  const std::string toml = R"(
[[rules]]
id = "three"
regex = '''(?i)[a-z]{0,3}?key=([0-9]{6,})'''
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''^xab''']
[[rules]]
id = "one"
regex = '''[a-z]??tok=([0-9]{6,})'''
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''^xt''']
)";
  const auto [whole, stripped] = lgtest::compile_context_variants(toml);
  for (const auto& r : stripped->rules()) CHECK(r.lead != nullptr);
  for (const auto& r : whole->rules()) CHECK(r.lead == nullptr);
  for (const auto& set : {whole, stripped}) {
    CHECK(count_rule(scan_text("xabcKEY=123456", 0, set), "three") == 1);  // starts at `a`: not allowed
    CHECK(count_rule(scan_text(" xabkey=123456", 0, set), "three") == 0);  // starts at `x`: allowed
    CHECK(count_rule(scan_text(" abkey=123456", 0, set), "three") == 1);
    CHECK(count_rule(scan_text("yxtok=123456", 0, set), "one") == 0);      // starts at `x`: allowed
    CHECK(count_rule(scan_text("xxtok=123456", 0, set), "one") == 0);      // one letter back, not two
    CHECK(count_rule(scan_text("ytok=123456", 0, set), "one") == 1);
    CHECK(count_rule(scan_text("a tok=123456 ytok=1234567 xtok=7654321", 0, set), "one") == 2);
  }
}

TEST_CASE("gitleaks' rules find exactly the same secrets with their leading context split off") {
  // Lines built from each rule's own keywords, with identifier-like text before the keyword (what
  // the `[\w.-]{0,50}?` prefix consumes), assorted separators and quotes, and random values.
  const RuleConfig cfg = load_config_file(LEAKGATE_TEST_DATA_DIR "/gitleaks/gitleaks.toml");
  CompileOptions plain;
  plain.use_cache = false;
  plain.strip_context = false;
  CompileOptions stripped = plain;
  stripped.strip_context = true;
  CompileOptions one_database = stripped;
  one_database.own_databases = false;
  auto a = CompiledRuleset::compile(cfg, plain);
  auto b = CompiledRuleset::compile(cfg, stripped);
  auto c = CompiledRuleset::compile(cfg, one_database);
  // sourcegraph-access-token accepts any 40 hex digits, facebook-access-token needs only `|` or
  // `%`: each gets a database of its own.
  std::vector<std::string> own;
  for (const auto& o : b->own_databases()) own.push_back(b->rules()[o.rule].rule.id);
  std::sort(own.begin(), own.end());
  CHECK(own == std::vector<std::string>{"facebook-access-token", "sourcegraph-access-token"});
  CHECK(c->own_databases().empty());
  size_t split = 0;
  for (const auto& r : b->rules()) split += r.hs_pattern.empty() ? 0 : 1;
  CHECK(split >= 90);  // about half of gitleaks' rules start with the prefix
  KeyGen g(31);
  const char* seps[] = {"=", " = ", ": ", ":=", " => ", "\t=\t", ":::=", "?="};
  const char* quotes[] = {"", "\"", "'", "`"};
  const char* values[] = {"alnum", "hex", "lalnum", "b64url", "digit"};
  std::string text;
  size_t line = 0;
  for (int round = 0; round < 12; ++round) {
    for (const auto& r : cfg.rules) {
      for (const auto& k : r.keywords) {
        std::string l = g.random("alnum", line % 57);
        if (line % 3 == 0) l += (line % 2 ? "-" : ".");
        l += k;
        l += g.random("lower", line % 4);
        l += seps[line % 8];
        const char* q = quotes[line % 4];
        l += q;
        l += g.random(values[line % 5], 10 + (line * 7) % 60);
        l += q;
        l += "\n";
        text += l;
        ++line;
      }
    }
  }
  // Values for the two rules with databases of their own, which the lines above never shape.
  for (int i = 0; i < 8; ++i) {
    text += "commit " + g.random("hex", 40) + (i % 2 ? "\n" : ";\n");
    text += "token " + g.random("digit", 15 + i % 2) + (i % 3 ? "|" : "%") + g.random("lalnum", 27 + i) + "\n";
  }
  text += "see sourcegraph and Facebook\n";
  auto key = [](const leakgate::Finding& f) { return f.rule_id + "@" + std::to_string(f.offset) + "=" + f.secret; };
  std::vector<std::string> fa, fb, fc;
  for (const auto& f : scan_text(text, 0, a, "config.env")) fa.push_back(key(f));
  for (const auto& f : scan_text(text, 0, b, "config.env")) fb.push_back(key(f));
  for (const auto& f : scan_text(text, 0, c, "config.env")) fc.push_back(key(f));
  std::sort(fa.begin(), fa.end());
  std::sort(fb.begin(), fb.end());
  std::sort(fc.begin(), fc.end());
  CHECK(fa.size() > 200);  // the corpus exercises the rules
  for (const char* id : {"sourcegraph-access-token@", "facebook-access-token@"})
    CHECK(std::count_if(fb.begin(), fb.end(), [&](const std::string& k) { return k.rfind(id, 0) == 0; }) >= 8);
  CHECK(fa == fb);
  CHECK(fc == fb);  // own databases change nothing found

  // generic-api-key has an allowlist on the whole match whose words may lie in the leading context
  // (`random_access`, `public_key`): the split-off regex must still report the match from where the
  // whole regex starts it. The control lines, with other words there, are findings.
  std::string allowed, control;
  for (const char* lead : {"random_access_key", "db.primary_key", "public-key", "my.turkey_token"}) {
    allowed += std::string(lead) + " = \"" + g.random("digit", 1) + g.random("alnum", 31) + "\"\n";
  }
  for (const char* lead : {"random_xaccess_key", "db.primaryxkey", "publicx-key", "my.turnkey_token"})
    control += std::string(lead) + " = \"" + g.random("digit", 1) + g.random("alnum", 31) + "\"\n";
  for (const auto& set : {a, b}) {
    CHECK(count_rule(scan_text(allowed, 0, set, "app.cfg"), "generic-api-key") == 0);
    CHECK(count_rule(scan_text(control, 0, set, "app.cfg"), "generic-api-key") == 4);
  }
}

TEST_CASE("a key of thousands of dotted parts is refused before toml++ recurses through it") {
  auto message_of = [](const std::string& toml) { return lgtest::error_message([&] { parse_config(toml, "deep.toml"); }); };
  std::string parts = "a";
  for (int i = 0; i < 50000; ++i) parts += ".a";
  const std::string refused = "deep.toml:2: invalid TOML: more than 512 dotted key parts on one line";
  CHECK(message_of("title = 'x'\n" + parts + " = 1\n") == refused);
  CHECK(message_of("title = 'x'\n[" + parts + "]\n") == refused);
  CHECK(message_of("title = 'x'\nt = {" + parts + " = 1}\n") == refused);
  // Dots inside strings and comments are not key parts: a regex full of them is fine.
  std::string dots(3000, '.');
  const auto cfg = parse_config("# " + dots + "\n[[rules]]\nid = 'dots'\nregex = '''x" + dots + "'''\ndescription = \"" +
                                    dots + "\"\n[[rules]]\nid = 'dots2'\nregex = \"\"\"y" + dots + "\"\"\"\n",
                                "dots.toml");
  REQUIRE(cfg.rules.size() == 2);
  CHECK(cfg.rules[0].regex == "x" + dots);
  // 512 parts are still a (pointless but valid) key.
  std::string ok = "a";
  for (int i = 0; i < 511; ++i) ok += ".a";
  CHECK(message_of("title = 'x'\n" + ok + " = 1\n") == "(accepted)");
}

namespace {

// A specific rule and a catch-all whose secret is the same bytes, the catch-all's `generic` line
// given (or none): the precedence must follow the flag, not the id.
std::string precedence_rules(const std::string& catchall_id, const std::string& generic_line) {
  return "[[rules]]\nid = \"vendor-zq\"\nregex = '''zq_[a-z]{12}'''\nkeywords = [\"zq_\"]\n"
         "[[rules]]\nid = \"" + catchall_id + "\"\nregex = '''zkey=(\\S{12,})'''\nsecretGroup = 1\n"
         "keywords = [\"zkey=\"]\n" + generic_line;
}

bool generic_flag(const RuleConfig& cfg, const std::string& id) {
  const auto it = std::find_if(cfg.rules.begin(), cfg.rules.end(), [&](const Rule& r) { return r.id == id; });
  REQUIRE(it != cfg.rules.end());
  return it->generic;
}

}  // namespace

TEST_CASE("a rule marked generic yields to a specific rule on the same bytes, whatever its id") {
  KeyGen g(41);
  const std::string both = "zkey=zq_" + g.random("lower", 12) + "\n";  // one value, both rules' secret
  const std::string alone = "zkey=" + g.random("lalnum", 16) + "\n";   // the catch-all's only
  for (const char* line : {"generic = true\n", "GENERIC = true\n"}) {  // keys match in any case
    INFO(line);
    const auto set = compile(precedence_rules("catchall-assign", line));
    CHECK(count_rule(scan_text(both, 0, set), "vendor-zq") == 1);
    CHECK(count_rule(scan_text(both, 0, set), "catchall-assign") == 0);
    CHECK(count_rule(scan_text(alone, 0, set), "catchall-assign") == 1);  // yields only where overlapped
  }
  // Control: the same rule without the key is specific, and both findings stand.
  for (const char* line : {"", "generic = false\n"}) {
    INFO(line);
    const auto set = compile(precedence_rules("catchall-assign", line));
    CHECK(count_rule(scan_text(both, 0, set), "vendor-zq") == 1);
    CHECK(count_rule(scan_text(both, 0, set), "catchall-assign") == 1);
  }
}

TEST_CASE("a rule named generic-something but marked generic = false does not yield") {
  KeyGen g(42);
  const std::string both = "zkey=zq_" + g.random("lower", 12) + "\n";
  const auto marked = compile(precedence_rules("generic-assign", "generic = false\n"));
  CHECK(count_rule(scan_text(both, 0, marked), "vendor-zq") == 1);
  CHECK(count_rule(scan_text(both, 0, marked), "generic-assign") == 1);
  // Control: without the key, the id's default (generic) holds and the specific rule wins.
  const auto by_name = compile(precedence_rules("generic-assign", ""));
  CHECK(count_rule(scan_text(both, 0, by_name), "vendor-zq") == 1);
  CHECK(count_rule(scan_text(both, 0, by_name), "generic-assign") == 0);
}

TEST_CASE("generic is decided when the config loads: the key, else the id, and refinements keep it") {
  // gitleaks' configs carry no such key: their catch-all, generic-api-key, is generic by its id,
  // and it alone of gitleaks' 222 rules.
  const RuleConfig gl = load_config_file(LEAKGATE_TEST_DATA_DIR "/gitleaks/gitleaks.toml");
  std::vector<std::string> generic;
  for (const Rule& r : gl.rules)
    if (r.generic) generic.push_back(r.id);
  CHECK(generic == std::vector<std::string>{"generic-api-key"});
  // The built-in set writes the key for its one catch-all.
  generic.clear();
  for (const Rule& r : load_builtin_config(/*with_examples=*/true).rules)
    if (r.generic) generic.push_back(r.id);
  CHECK(generic == std::vector<std::string>{"generic-secret"});
  CHECK(generic_flag(load_builtin_config(), "generic-secret"));  // and the examples-free copy scans use

  // The key is leakgate's and applied: not among the keys named as not applied.
  const RuleConfig cfg = parse_config(precedence_rules("catchall-assign", "generic = true\nspecificity = 0\n"), "g.toml");
  CHECK(generic_flag(cfg, "catchall-assign"));
  REQUIRE(cfg.notices.size() == 1);
  CHECK(cfg.notices[0] == "g.toml: keys leakgate does not apply: rules.specificity (1 rule)");

  // Anything but a boolean is refused, naming the file, the rule and the key.
  for (const char* bad : {"generic = \"yes\"\n", "generic = 1\n", "generic = [true]\n"}) {
    INFO(bad);
    CHECK(lgtest::error_message([&] { parse_config(precedence_rules("catchall-assign", bad), "g.toml"); }) ==
          "g.toml: rule 'catchall-assign': 'generic' must be true or false");
  }

  // Refining a built-in rule by id: the base's value stays unless the refining rule writes the key.
  const std::string extend = "[extend]\nuseDefault = true\n[[rules]]\nid = \"generic-secret\"\n";
  CHECK(generic_flag(parse_config(extend + "keywords = [\"zq_pass\"]\n", "r.toml"), "generic-secret"));
  CHECK_FALSE(generic_flag(parse_config(extend + "generic = false\n", "r.toml"), "generic-secret"));
  CHECK_FALSE(generic_flag(parse_config(extend, "r.toml"), "anthropic-api-key"));
  const std::string up = "[extend]\nuseDefault = true\n[[rules]]\nid = \"anthropic-api-key\"\n";
  CHECK(generic_flag(parse_config(up + "generic = true\n", "r.toml"), "anthropic-api-key"));

  // Through a local .leakgate.toml layered on the built-in rules, as a scan reads it.
  lgtest::TempDir dir;
  dir.write(".leakgate.toml", "[[rules]]\nid = \"generic-secret\"\ngeneric = false\n"
                              "[[rules]]\nid = \"corp-catchall\"\nregex = '''corp=(\\S{12,})'''\nsecretGroup = 1\n"
                              "keywords = [\"corp=\"]\ngeneric = true\n");
  const ConfigFiles local = disk_config_files(dir.path());
  const RuleConfig layered = resolve_scan_config("", &local);
  CHECK_FALSE(generic_flag(layered, "generic-secret"));
  CHECK(generic_flag(layered, "corp-catchall"));
  const auto set = CompiledRuleset::compile(layered);
  CHECK(set->generic_rule("corp-catchall"));
  CHECK_FALSE(set->generic_rule("generic-secret"));
  CHECK_FALSE(set->generic_rule("anthropic-api-key"));
  // The Anthropic key inside the catch-all's value is reported once, as the Anthropic key.
  KeyGen g(43);
  const auto found = scan_text("corp=" + g.anthropic_api() + "\n", 0, set);
  CHECK(count_rule(found, "anthropic-api-key") == 1);
  CHECK(count_rule(found, "corp-catchall") == 0);
}

TEST_CASE("a local config that switches built-in rules off says so in a notice") {
  lgtest::TempDir dir;
  dir.write(".leakgate.toml", "[extend]\ndisabledRules = [\"github-pat\", \"no-such-rule\"]\n");
  const ConfigFiles local = disk_config_files(dir.path());
  const RuleConfig cfg = resolve_scan_config("", &local);
  CHECK(std::none_of(cfg.rules.begin(), cfg.rules.end(), [](const Rule& r) { return r.id == "github-pat"; }));
  std::vector<std::string> off;
  for (const auto& n : cfg.notices)
    if (n.find("switches off") != std::string::npos) off.push_back(n);
  REQUIRE(off.size() == 1);
  CHECK(off[0].find("[extend] disabledRules switches off built-in rules: github-pat") != std::string::npos);
  CHECK(off[0].find("no-such-rule") == std::string::npos);  // named in its own notice
}
