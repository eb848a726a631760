// Property: a scanned tree's .leakgate.toml layers on top of the built-in rules; it never replaces
// them. What the code promises (config_loader.h, resolve_scan_config; README "Where the
// configuration comes from"), and so what is asserted, over generated local configs:
// - the rules in force are exactly the built-in ids, minus those an `[extend] disabledRules` in
//   the file (or in a file it extends) names, plus the ids it adds. `useDefault = false`, an
//   `[extend] path` chain that never names the defaults, a `title`, a refinement of a built-in id
//   all keep every other built-in rule in force;
// - a plain key of a built-in rule the config neither disables nor re-targets (a new regex or
//   path replaces the rule's own: gitleaks' refine semantics) is found in a file no local
//   allowlist covers, whatever else the config holds (a giant allowlist regex, stopwords,
//   allowlists of other paths);
// - a local config that is broken makes the scan fail (exit 2, naming the file), never pass.
// Configs are generated from a fixed seed, printed on failure.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "support/test_support.h"

using lgtest::KeyGen;
using lgtest::TempDir;
using nlohmann::json;

namespace {

constexpr uint64_t kSeed = 1400;
constexpr int kConfigs = 12;

std::set<std::string> ids_in_force(const std::filesystem::path& dir, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"rules", "list", "-f", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = lgtest::run_leakgate(args, "", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::set<std::string> ids;
  for (const auto& rule : json::parse(r.out)) ids.insert(rule.at("id").get<std::string>());
  return ids;
}

std::string toml_list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
  return s + "]";
}

// One generated local config, and what it is expected to do.
struct LocalConfig {
  std::string toml;                  // .leakgate.toml
  std::string base_toml;             // base.toml, when the config extends it by path
  std::set<std::string> disabled;    // built-in ids an [extend] disabledRules removes
  std::set<std::string> retargeted;  // built-in ids whose regex or path the config replaces
  std::set<std::string> added;       // new ids
  bool allows_dir = false;           // a global path allowlist covers allowed/
  std::vector<std::string> pieces;   // what went in, for the failure message
};

class ConfigGen {
 public:
  ConfigGen(uint64_t seed, std::vector<std::string> builtin) : rng_(seed), words_(seed + 1), builtin_(std::move(builtin)) {}

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  // Mostly an id with a key generator (its key is planted), sometimes any built-in id.
  std::string any_id() {
    const auto& ids = KeyGen::generated_rule_ids();
    return chance(0.7) ? ids[pick(ids.size())] : builtin_[pick(builtin_.size())];
  }

  LocalConfig make() {
    LocalConfig c;
    std::string extend, rules, allowlists;
    // [extend]: nothing, useDefault = true or false, or a path to a base file that itself says
    // useDefault = false; disabledRules in either file.
    switch (pick(4)) {
      case 0: break;
      case 1: extend += "useDefault = false\n"; c.pieces.push_back("useDefault=false"); break;
      case 2: extend += "useDefault = true\n"; c.pieces.push_back("useDefault=true"); break;
      default: {
        extend += "path = \"base.toml\"\n";
        std::vector<std::string> off_base;
        if (chance(0.5)) off_base.push_back(any_id());
        c.base_toml = "title = \"a base that does not name the defaults\"\n[extend]\nuseDefault = false\n";
        if (!off_base.empty()) c.base_toml += "disabledRules = " + toml_list(off_base) + "\n";
        c.base_toml += "\n[[rules]]\nid = \"base-only\"\nregex = '''baseonly_[a-z]{16}'''\nkeywords = [\"baseonly_\"]\n";
        c.added.insert("base-only");
        c.disabled.insert(off_base.begin(), off_base.end());
        c.pieces.push_back("extend-path(base disables " + toml_list(off_base) + ")");
      }
    }
    std::vector<std::string> off;
    for (size_t n = pick(4); n > 0; --n) off.push_back(any_id());
    if (chance(0.2)) off.push_back("no-such-rule");  // named in a notice, changes nothing
    if (!off.empty()) {
      extend += "disabledRules = " + toml_list(off) + "\n";
      for (const auto& id : off)
        if (id != "no-such-rule") c.disabled.insert(id);
      c.pieces.push_back("disabledRules=" + toml_list(off));
    }
    // Refinements of built-in ids that stay in force. (A disabled id refined in the same file is
    // a new rule that needs a regex of its own: one of the broken configs of the next test.)
    for (size_t n = pick(5); n > 0; --n) {
      const std::string id = any_id();
      if (c.disabled.count(id)) continue;
      switch (pick(5)) {
        case 0:
          rules += "[[rules]]\nid = \"" + id + "\"\nregex = '''(never_[0-9]{64}_never)'''\n\n";
          c.retargeted.insert(id);
          c.pieces.push_back("never-matching-regex:" + id);
          break;
        case 1:
          rules += "[[rules]]\nid = \"" + id + "\"\npath = '''^/nonexistent/'''\n\n";
          c.retargeted.insert(id);
          c.pieces.push_back("never-matching-path:" + id);
          break;
        case 2:
          rules += "[[rules]]\nid = \"" + id + "\"\ndescription = \"reworded\"\n\n";
          c.pieces.push_back("reworded:" + id);
          break;
        case 3:
          rules += "[[rules]]\nid = \"" + id + "\"\n[[rules.allowlists]]\nregexes = ['''^never$''']\n\n";
          c.pieces.push_back("rule-allowlist:" + id);
          break;
        default:
          rules += "[[rules]]\nid = \"" + id + "\"\nkeywords = [\"zzunusedzz\"]\n\n";
          c.pieces.push_back("more-keywords:" + id);
      }
    }
    // A new rule, sometimes defined twice under one id (the later wins).
    if (chance(0.5)) {
      rules += "[[rules]]\nid = \"corp-token\"\nregex = '''corp_[a-z0-9]{24}'''\n\n";
      if (chance(0.5)) rules += "[[rules]]\nid = \"corp-token\"\nregex = '''corp_[a-z0-9]{20}'''\nkeywords = [\"corp_\"]\n\n";
      c.added.insert("corp-token");
      c.pieces.push_back("new rule corp-token");
    }
    // Global allowlists: a giant regex, stopwords, a path the plain files are not under.
    if (chance(0.4)) {
      std::string alts;
      for (int i = 0; i < 4000; ++i) alts.append(i ? "|" : "").append(words_.random("lower", 20));
      allowlists += "[[allowlists]]\ndescription = \"giant\"\nregexes = ['''(?:" + alts + ")''']\n\n";
      c.pieces.push_back("giant-regex-allowlist");
    }
    if (chance(0.4)) {
      allowlists += "[[allowlists]]\nstopwords = [\"" + words_.random("lower", 12) + "\", \"" + words_.random("lower", 12) + "\"]\n\n";
      c.pieces.push_back("stopwords");
    }
    if (chance(0.5)) {
      allowlists += "[[allowlists]]\npaths = ['''^allowed/''']\n\n";
      c.allows_dir = true;
      c.pieces.push_back("path-allowlist:allowed/");
    }
    if (chance(0.3)) {
      c.toml += "title = \"our very own rules\"\n";
      c.pieces.push_back("title");
    }
    if (!extend.empty()) c.toml += "[extend]\n" + extend + "\n";
    c.toml += rules + allowlists;
    return c;
  }

 private:
  std::mt19937_64 rng_;
  KeyGen words_;
  std::vector<std::string> builtin_;
};

std::string describe(const LocalConfig& c) {
  std::string d;
  for (const auto& p : c.pieces) d += p + "; ";
  return d;
}

}  // namespace

TEST_CASE("property: a local .leakgate.toml layers on the built-in rules, over generated hostile configs") {
  TempDir empty;
  const std::set<std::string> builtin = ids_in_force(empty.path(), {"--no-local-config"});
  REQUIRE(builtin.size() >= 50);
  for (const auto& id : KeyGen::generated_rule_ids()) REQUIRE(builtin.count(id) == 1);

  ConfigGen gen(kSeed, std::vector<std::string>(builtin.begin(), builtin.end()));
  KeyGen keys(kSeed);
  size_t files_checked = 0, disabled_seen = 0, retargeted_seen = 0;
  for (int i = 0; i < kConfigs; ++i) {
    const LocalConfig c = gen.make();
    INFO("seed " << kSeed << ", config " << i << ": " << describe(c) << "\n.leakgate.toml:\n" << c.toml.substr(0, 1500));
    disabled_seen += c.disabled.size();
    retargeted_seen += c.retargeted.size();

    TempDir t;
    t.write(".leakgate.toml", c.toml);
    if (!c.base_toml.empty()) t.write("base.toml", c.base_toml);

    // The rules in force: the built-in ids, less the disabled ones, plus the new ones. Exactly.
    std::set<std::string> expected_ids;
    for (const auto& id : builtin)
      if (!c.disabled.count(id)) expected_ids.insert(id);
    expected_ids.insert(c.added.begin(), c.added.end());
    CHECK(ids_in_force(t.path()) == expected_ids);

    // A plain key of every generated type, in a file of its own, outside and inside allowed/; and
    // keys of the rules the config adds.
    std::map<std::string, std::set<std::string>> expected;  // file -> rule ids found in it
    for (const auto& id : KeyGen::generated_rule_ids()) {
      const std::string key = keys.for_rule(id);
      const bool live = !c.disabled.count(id) && !c.retargeted.count(id);
      for (const std::string dir : {"plain/", "allowed/"}) {
        t.write(dir + id + ".txt", "v " + key + "\n");
        const bool found = live && !(dir == "allowed/" && c.allows_dir);
        expected[dir + id + ".txt"] = found ? std::set<std::string>{id} : std::set<std::string>{};
      }
    }
    t.write("plain/corp.txt", "v corp_" + keys.random("lalnum", 24) + "\n");
    expected["plain/corp.txt"] = c.added.count("corp-token") ? std::set<std::string>{"corp-token"} : std::set<std::string>{};
    t.write("plain/base.txt", "v baseonly_" + keys.random("lower", 16) + "\n");
    expected["plain/base.txt"] = c.added.count("base-only") ? std::set<std::string>{"base-only"} : std::set<std::string>{};

    const auto r = lgtest::scan({"dir", ".", "--stats"}, "", t.path());
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("rules=" + std::to_string(expected_ids.size()) + " ") != std::string::npos);
    std::map<std::string, std::set<std::string>> found;
    for (const auto& [file, ids] : expected) found[file];
    for (const auto& f : r.findings) found[f.at("file").get<std::string>()].insert(f.at("rule_id").get<std::string>());
    CHECK(found == expected);
    files_checked += expected.size();
  }
  // The generator must reach the cases that matter: built-in rules switched off both ways.
  INFO(files_checked << " planted files, " << disabled_seen << " disabled ids, " << retargeted_seen << " re-targeted ids");
  CHECK(disabled_seen > 0);
  CHECK(retargeted_seen > 0);
}

TEST_CASE("a broken local .leakgate.toml fails the scan (exit 2, naming the file), it never passes it") {
  KeyGen g(1401);
  const std::vector<std::string> broken{
      // Refining an id the same file disables: the rule then stands alone, and has no regex.
      "[extend]\ndisabledRules = [\"github-pat\"]\n[[rules]]\nid = \"github-pat\"\ndescription = \"x\"\n",
      "[extend]\nuseDefault = true\npath = \"base.toml\"\n",
      "[extend]\npath = \"missing.toml\"\n",
      "[[rules]]\nid = \"bad\"\nregex = '''([a-z'''\n",
      "[[rules]]\nid = \"new-without-regex\"\n",
      "[allowlist]\npaths = ['''x''']\n[[allowlists]]\npaths = ['''y''']\n",
      "[[allowlists]]\n",
      "not toml = = \n",
  };
  for (const auto& toml : broken) {
    INFO(toml);
    TempDir t;
    t.write(".leakgate.toml", toml);
    t.write("base.toml", "[[rules]]\nid = \"base-only\"\nregex = '''baseonly_[a-z]{16}'''\n");
    t.write("clean.txt", "nothing here\n");
    const auto clean = lgtest::run_leakgate({"dir", "."}, "", t.path());
    CHECK(clean.exit_code == 2);
    CHECK(clean.err.find(".leakgate.toml") != std::string::npos);
    t.write("key.txt", "v " + g.github_pat() + "\n");
    CHECK(lgtest::run_leakgate({"dir", "."}, "", t.path()).exit_code == 2);
    CHECK(lgtest::run_leakgate({"stdin"}, "nothing\n", t.path()).exit_code == 2);
    CHECK(lgtest::run_leakgate({"rules", "list"}, "", t.path()).exit_code == 2);
  }
}
