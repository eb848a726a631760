// gitleaks' config format means what it means to gitleaks (8.29 and later, which validate rules
// after [extend] as betterleaks does; 8.28 let incomplete rules through). The cases in
// tests/data/gitleaks-config are leakgate's own re-statements of gitleaks' config test cases;
// expected.json says what gitleaks does with each (see SOURCE.md there).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/ruleset/compiled_ruleset.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/util/error.h"
#include "support/test_support.h"

using namespace leakgate;
using nlohmann::json;

namespace {

const std::filesystem::path kCases = LEAKGATE_TEST_DATA_DIR "/gitleaks-config";

// Changes the working directory for one case: gitleaks resolves [extend] path against it.
class InDirectory {
 public:
  explicit InDirectory(const std::filesystem::path& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~InDirectory() { std::filesystem::current_path(old_); }

 private:
  std::filesystem::path old_;
};

// The part of gitleaks' error that leakgate's message must contain: gitleaks' wording without its
// |key| markers, the rule-id and [[allowlists]] prefixes leakgate writes in its own way, and the
// trailing echo of the rule.
std::string core_of(std::string e) {
  const std::string wrap = "failed to load extended config, err: ";
  while (e.rfind(wrap, 0) == 0) e = e.substr(wrap.size());
  e = std::regex_replace(e, std::regex(R"(^[a-z0-9-]+: )"), "");
  e = std::regex_replace(e, std::regex(R"(^\[\[(rules\.)?allowlists\]\] )"), "");
  e.erase(std::remove(e.begin(), e.end(), '|'), e.end());
  if (auto d = e.find(", description:"); d != std::string::npos) e.erase(d);
  return e;
}

// Where leakgate's wording differs on purpose, what it says instead.
const std::map<std::string, std::string> kOwnWording = {
    // gitleaks' "[[rules.allowlist]]" is a typo for [[rules.allowlists]].
    {"invalid/allowlist_rule_old_and_new.toml", "[rules.allowlist] is deprecated, it cannot be used alongside [[rules.allowlists]]"},
    // leakgate names every place it looked.
    {"invalid/extend_invalid_base.toml", "[extend] path 'does_not_exist.toml' does not exist; tried"},
    // gitleaks panics; leakgate's regex compiler names the pattern.
    {"invalid/allowlist_global_bad_regex.toml", "*.test.js"},
};

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> v;
  for (const auto& s : j) v.push_back(s.get<std::string>());
  return v;
}

std::string condition_name(AllowCondition c) { return c == AllowCondition::kAnd ? "AND" : "OR"; }
std::string target_name(RegexTarget t) {
  return t == RegexTarget::kMatch ? "match" : t == RegexTarget::kLine ? "line" : "secret";
}

void check_allowlist(const Allowlist& a, const json& want) {
  CHECK(condition_name(a.condition) == want["condition"].get<std::string>());
  CHECK(target_name(a.regex_target) == want["regexTarget"].get<std::string>());
  CHECK(a.commits.size() == want["commits"].get<size_t>());
  CHECK(a.paths.size() == want["paths"].get<size_t>());
  CHECK(a.regexes.size() == want["regexes"].get<size_t>());
  CHECK(a.stopwords.size() == want["stopwords"].get<size_t>());
  CHECK(a.description == want.value("description", ""));
}

void check_loaded(const RuleConfig& cfg, const json& want) {
  CHECK(cfg.title == want.value("title", ""));
  std::set<std::string> ids, expected;
  for (const Rule& r : cfg.rules) ids.insert(r.id);
  for (const auto& [id, r] : want["rules"].items())
    if (!r.value("skipReport", false)) expected.insert(id);  // leakgate does not scan skipReport rules
  CHECK(ids == expected);
  for (const Rule& r : cfg.rules) {
    if (!want["rules"].contains(r.id)) continue;
    const json& w = want["rules"][r.id];
    INFO("rule " << r.id);
    CHECK(r.description == w.value("description", ""));
    CHECK(r.regex == (w["regex"].is_null() ? "" : w["regex"].get<std::string>()));
    CHECK(r.path == (w["path"].is_null() ? "" : w["path"].get<std::string>()));
    CHECK(r.entropy == Approx(w["entropy"].get<double>()));
    CHECK(r.secret_group == w["secretGroup"].get<int>());
    const auto kw = strings(w["keywords"]);
    CHECK(std::set<std::string>(r.keywords.begin(), r.keywords.end()) == std::set<std::string>(kw.begin(), kw.end()));
    CHECK(r.tags == strings(w["tags"]));
    REQUIRE(r.allowlists.size() == w["allowlists"].size());
    for (size_t i = 0; i < r.allowlists.size(); ++i) {
      INFO("allowlist " << i);
      check_allowlist(r.allowlists[i], w["allowlists"][i]);
    }
  }
  REQUIRE(cfg.allowlists.size() == want["global_allowlists"].size());
  for (size_t i = 0; i < cfg.allowlists.size(); ++i) {
    INFO("global allowlist " << i);
    check_allowlist(cfg.allowlists[i], want["global_allowlists"][i]);
  }
}

}  // namespace

TEST_CASE("every gitleaks config case loads or is refused as gitleaks 8.29+ does, with gitleaks' reason") {
  const json cases = json::parse(lgtest::read_file(kCases / "expected.json"))["cases"];
  size_t valid = 0, invalid = 0;
  for (const auto& [name, c] : cases.items()) {
    if (c["kind"] == "base") continue;
    INFO(name << ": " << c.value("what", ""));
    const json& want = c.contains("gitleaks_8_29_plus") ? c["gitleaks_8_29_plus"] : c["gitleaks_8_28"];
    const std::filesystem::path file = kCases / name;
    InDirectory cwd(file.parent_path());
    std::optional<RuleConfig> cfg;
    std::string error;
    try {
      cfg = load_config_file(file.filename());
      CompiledRuleset::compile(*cfg);  // regexes are checked when compiled
    } catch (const Error& e) {
      cfg.reset();
      error = e.what();
    }
    INFO("leakgate: " << (cfg ? "loaded" : error));
    if (c.contains("uses_gitleaks_default")) {
      // useDefault means leakgate's built-in rules: refining a gitleaks default id they do not
      // have is an error that names leakgate's id for it and how to extend gitleaks' own file.
      CHECK(!cfg);
      for (const auto& [gitleaks_id, leakgate_id] : c["uses_gitleaks_default"]["leakgate_mapping"].items())
        if (error.find("refines a rule of the default set") != std::string::npos) {
          CHECK(error.find("'" + gitleaks_id + "'") != std::string::npos);
          CHECK(error.find("'" + leakgate_id.get<std::string>() + "'") != std::string::npos);
          CHECK(error.find("gitleaks.toml") != std::string::npos);
        }
      ++invalid;
      continue;
    }
    if (want["result"] == "ok") {
      ++valid;
      REQUIRE(cfg);
      check_loaded(*cfg, want);
    } else {
      ++invalid;
      REQUIRE(!cfg);
      const std::string gitleaks = want.contains("error") ? want["error"].get<std::string>() : want["panic"].get<std::string>();
      const auto own = kOwnWording.find(name);
      const std::string expected = own != kOwnWording.end() ? own->second : core_of(gitleaks);
      INFO("gitleaks: " << gitleaks);
      CHECK(error.find(expected) != std::string::npos);
      CHECK(error.find(file.filename().string()) != std::string::npos);  // the message names the file
    }
  }
  CHECK(valid >= 35);
  CHECK(invalid >= 20);
}

TEST_CASE("useDefault: refining a built-in rule by id keeps every other built-in rule, an unknown default id is named") {
  lgtest::TempDir t;
  const auto file = t.write("ext.toml", R"(
[extend]
useDefault = true
[[rules]]
id = "generic-secret"
[[rules.allowlists]]
paths = ['''^fixtures/''']
)");
  const RuleConfig cfg = load_config_file(file);
  const RuleConfig builtin = load_builtin_config();
  CHECK(cfg.rules.size() == builtin.rules.size());
  CHECK(cfg.includes_builtin);
  const auto it = std::find_if(cfg.rules.begin(), cfg.rules.end(), [](const Rule& r) { return r.id == "generic-secret"; });
  REQUIRE(it != cfg.rules.end());
  const auto orig = std::find_if(builtin.rules.begin(), builtin.rules.end(), [](const Rule& r) { return r.id == "generic-secret"; });
  CHECK(it->regex == orig->regex);
  CHECK(it->allowlists.size() == orig->allowlists.size() + 1);

  const auto gl = t.write("gl.toml", "[extend]\nuseDefault = true\n[[rules]]\nid = \"aws-access-token\"\n[[rules.allowlists]]\nstopwords = [\"x\"]\n");
  const std::string msg = lgtest::error_message([&] { load_config_file(gl); });
  CHECK(msg.find("'aws-access-token'") != std::string::npos);
  CHECK(msg.find("'aws-access-key-id'") != std::string::npos);
  CHECK(msg.find("[extend] path") != std::string::npos);
}

TEST_CASE("[extend] path: the working directory first, then the extending file's directory, an error names both") {
  lgtest::TempDir t;
  t.write("configs/base.toml", "[[rules]]\nid = 'base-rule'\nregex = '''base_[a-z]{8}'''\n");
  const auto top = t.write("configs/top.toml", "[extend]\npath = 'base.toml'\n[[rules]]\nid = 'top-rule'\nregex = '''top_[a-z]{8}'''\n");
  {
    InDirectory cwd(t.path());  // base.toml is not in the working directory: found beside top.toml
    const RuleConfig cfg = load_config_file(top);
    CHECK(cfg.rules.size() == 2);
    REQUIRE(cfg.sources.size() == 2);
    CHECK(cfg.sources[0].find("configs/base.toml") != std::string::npos);
  }
  t.write("base.toml", "[[rules]]\nid = 'cwd-rule'\nregex = '''cwd_[a-z]{8}'''\n");
  {
    InDirectory cwd(t.path());  // now the working directory's base.toml wins, as in gitleaks
    const RuleConfig cfg = load_config_file(top);
    CHECK(std::any_of(cfg.rules.begin(), cfg.rules.end(), [](const Rule& r) { return r.id == "cwd-rule"; }));
  }
  const auto missing = t.write("configs/missing.toml", "[extend]\npath = 'nowhere.toml'\n");
  InDirectory cwd(t.path());
  const std::string msg = lgtest::error_message([&] { load_config_file(missing); });
  CHECK(msg.find("[extend] path 'nowhere.toml' does not exist; tried") != std::string::npos);
  CHECK(msg.find((t.path() / "nowhere.toml").string()) != std::string::npos);
  CHECK(msg.find((t.path() / "configs/nowhere.toml").string()) != std::string::npos);
}

TEST_CASE("betterleaks' superset loads, the keys leakgate does not apply are named once, with how many rules use them") {
  const RuleConfig cfg = load_config_file(kCases / "valid/betterleaks-superset.toml");
  CHECK(!cfg.rules.empty());
  std::string all;
  for (const auto& n : cfg.notices) all += n + "\n";
  INFO(all);
  CHECK(all.find("keys leakgate does not apply") != std::string::npos);
  for (const char* key : {"rules.validate", "rules.filter", "prefilter"}) CHECK(all.find(key) != std::string::npos);
  CHECK(std::count(all.begin(), all.end(), '\n') <= 3);  // said once, not once per rule
}
