// What leakgate scans is written by strangers: the content under judgement must not configure its
// own scan. A local config only adds to or refines the rules in force; a pull-request range reads
// its configuration from the base side; --no-local-config ignores every in-tree file.
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using lgtest::GitRepo;
using lgtest::KeyGen;
using lgtest::run_leakgate;
using lgtest::TempDir;
using nlohmann::json;

namespace {

std::string fingerprint_of(const std::string& dir, const std::string& file) {
  const auto r = lgtest::scan({"dir", ".", "--no-local-config"}, "", dir);
  for (const auto& f : r.findings)
    if (f["file"] == file) return f["fingerprint"].get<std::string>();
  FAIL("no finding in " << file);
  return {};
}

}  // namespace

TEST_CASE("a local .leakgate.toml that reuses a built-in id refines that rule, the other built-in rules stay") {
  KeyGen g(1400);
  TempDir t;
  t.write("app.env", "ANTHROPIC_API_KEY=" + g.anthropic_api() + "\nGITHUB_TOKEN=" + g.github_pat() + "\n");
  SECTION("refining by id alone (gitleaks' override semantics)") {
    t.write(".leakgate.toml", "[[rules]]\nid = \"anthropic-api-key\"\ndescription = \"our own wording\"\n");
    const auto r = lgtest::scan({"dir", "."}, "", t.path());
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const auto ids = r.values("rule_id");
    CHECK(ids.count("anthropic-api-key") == 1);
    CHECK(ids.count("github-pat") == 1);
    for (const auto& f : r.findings)
      if (f["rule_id"] == "anthropic-api-key") CHECK(f["description"] == "our own wording");
  }
  SECTION("replacing the regex of one built-in rule leaves the 58 others in force") {
    t.write(".leakgate.toml", "[[rules]]\nid = \"anthropic-api-key\"\nregex = '''(corp_only_[0-9]{12})'''\n");
    const auto r = lgtest::scan({"dir", "."}, "", t.path());
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.values("rule_id").count("github-pat") == 1);
    const auto list = run_leakgate({"rules", "list", "-f", "json"}, "", t.path());
    CHECK(json::parse(list.out).size() == json::parse(run_leakgate({"rules", "list", "-f", "json", "--no-local-config"}).out).size());
  }
}

TEST_CASE("git --range: the range cannot hide its own secret with an ignore file or an allowlist it adds") {
  KeyGen g(1401);
  GitRepo repo;
  repo.write("README.md", "project\n");
  const std::string base = repo.commit("base");
  const std::string key = g.anthropic_api();
  repo.write("deploy/app.env", "ANTHROPIC_API_KEY=" + key + "\n");
  const std::string fp = fingerprint_of(repo.path().string(), "deploy/app.env");

  SECTION("a .leakgateignore holding the secret's own fingerprint") {
    repo.write(".leakgateignore", fp + "\n");
  }
  SECTION("a .leakgate.toml whose global allowlist covers every path") {
    repo.write(".leakgate.toml", "[allowlist]\npaths = ['''.*''']\n");
  }
  const std::string head = repo.commit("add settings");
  // In the work tree (the PR's checkout) the files apply: that is the developer's own choice.
  CHECK(run_leakgate({"dir", "."}, "", repo.path()).exit_code == 0);

  auto r = lgtest::scan({"git", ".", "--range", base + ".." + head}, "", repo.path());
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.values("rule_id").count("anthropic-api-key") == 1);
  CHECK(r.err.find("this range changes the scanner's configuration") != std::string::npos);
  CHECK(r.err.find("not applied to this scan") != std::string::npos);

  auto sarif = run_leakgate({"git", ".", "--range", base + ".." + head, "-f", "sarif"}, "", repo.path());
  const json doc = json::parse(sarif.out);
  const auto& notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["message"]["text"].get<std::string>().find("changes the scanner's configuration") != std::string::npos);
  auto text = run_leakgate({"git", ".", "--range", base + ".." + head}, "", repo.path());
  CHECK(text.out.find("leakgate: notice: this range changes the scanner's configuration") != std::string::npos);
  CHECK(text.out.find(key) == std::string::npos);
}

TEST_CASE("git --range applies the base side's configuration, not the work tree's") {
  KeyGen g(1402);
  GitRepo repo;
  const std::string known = g.anthropic_api();
  repo.write("fixtures/known.env", "K=" + known + "\n");
  const std::string fp = fingerprint_of(repo.path().string(), "fixtures/known.env");
  repo.write(".leakgateignore", fp + "  # a fixture the team reviewed\n");
  repo.write(".leakgate.toml", "[[rules]]\nid = \"corp-token\"\nregex = '''corp_[a-z0-9]{24}'''\nkeywords = [\"corp_\"]\n");
  const std::string base = repo.commit("base with config");
  repo.write("fixtures/known.env", "K=" + known + "\n# touched\n");  // the same secret, a new blob in the range
  repo.write("svc.txt", "token corp_" + g.random("lalnum", 24) + "\n");
  const std::string head = repo.commit("range");
  // A work tree that differs from both: its files must not matter.
  repo.write(".leakgateignore", "");
  repo.write(".leakgate.toml", "[extend]\nuseDefault = true\ndisabledRules = [\"anthropic-api-key\"]\n");

  auto r = lgtest::scan({"git", ".", "--range", base + ".." + head, "--stats"}, "", repo.path());
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const auto ids = r.values("rule_id");
  CHECK(ids.count("corp-token") == 1);          // the base's own rule applies
  CHECK(ids.count("anthropic-api-key") == 0);   // the base's ignore file suppresses the fixture
  CHECK(r.err.find("config=<built-in rules> + " + base.substr(0, 12) + ":.leakgate.toml") != std::string::npos);
  CHECK(r.err.find("ignore=" + base.substr(0, 12) + ":.leakgateignore") != std::string::npos);
  CHECK(r.err.find("changes the scanner's configuration") == std::string::npos);
}

TEST_CASE("a scan with --no-local-config ignores the scanned tree's .leakgate.toml and .leakgateignore") {
  KeyGen g(1403);
  TempDir t;
  t.write("a.env", "K=" + g.anthropic_api() + "\n");
  const std::string fp = fingerprint_of(t.path().string(), "a.env");
  t.write(".leakgateignore", fp + "\n");
  t.write(".leakgate.toml", "[extend]\nuseDefault = true\ndisabledRules = [\"anthropic-api-key\"]\n");
  CHECK(run_leakgate({"dir", "."}, "", t.path()).exit_code == 0);
  auto r = run_leakgate({"dir", ".", "--no-local-config", "--stats"}, "", t.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("config=<built-in rules> ignore=(none)") != std::string::npos);

  GitRepo repo;
  repo.write("a.env", "K=" + g.anthropic_api() + "\n");
  repo.write(".leakgate.toml", "[extend]\nuseDefault = true\ndisabledRules = [\"anthropic-api-key\"]\n");
  repo.commit("with its own config");
  CHECK(run_leakgate({"git", "."}, "", repo.path()).exit_code == 0);
  CHECK(run_leakgate({"git", ".", "--no-local-config"}, "", repo.path()).exit_code == 1);

  const auto list = run_leakgate({"rules", "list"}, "", t.path());
  CHECK(list.out.find("config: <built-in rules> + ") != std::string::npos);
  CHECK(list.out.find(".leakgate.toml") != std::string::npos);
}

TEST_CASE("a global path allowlist and a path-only rule: dir, git history, --staged and --range agree") {
  // gitleaks' pkcs12-file shape: a rule with a path and no regex. The global allowlist exempts
  // fixtures/; dir skipped the file before reading it, the git scans reported it (exit 1).
  const std::string config = "[allowlist]\npaths = ['''(?:^|/)fixtures/''']\n"
                             "[[rules]]\nid = \"pkcs12-file\"\npath = '''\\.p12$'''\n";
  GitRepo repo;
  repo.write("README.md", "x\n");
  const std::string base = repo.commit("base");
  repo.write("fixtures/cert.p12", "not really a certificate\n");
  const std::string head = repo.commit("fixture");
  lgtest::TempDir cfg_dir;
  const auto cfg = cfg_dir.write("rules.toml", config);
  CHECK(run_leakgate({"dir", ".", "-c", cfg.string()}, "", repo.path()).exit_code == 0);
  CHECK(run_leakgate({"git", ".", "-c", cfg.string()}, "", repo.path()).exit_code == 0);
  CHECK(run_leakgate({"git", ".", "--range", base + ".." + head, "-c", cfg.string()}, "", repo.path()).exit_code == 0);
  repo.write("fixtures/other.p12", "another\n");
  repo.git({"add", "fixtures/other.p12"});
  CHECK(run_leakgate({"git", "--staged", "-c", cfg.string()}, "", repo.path()).exit_code == 0);
  // Outside fixtures/ the rule still fires everywhere.
  repo.write("certs/live.p12", "real\n");
  repo.git({"add", "certs/live.p12"});
  CHECK(run_leakgate({"dir", ".", "-c", cfg.string()}, "", repo.path()).exit_code == 1);
  CHECK(run_leakgate({"git", "--staged", "-c", cfg.string()}, "", repo.path()).exit_code == 1);
}
