// Helpers shared by the tests: seeded fake keys (never a committed literal), temporary trees that
// clean up after themselves, and a runner for the real leakgate binary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/match/content_scanner.h"
#include "scanner/ruleset/templates.h"
#include "scanner/util/error.h"

namespace lgtest {

// Fake credentials in the documented shapes, from a seeded generator.
class KeyGen {
 public:
  explicit KeyGen(uint64_t seed = 42) : t_(seed) {}
  std::string anthropic_api();    // sk-ant-api03- + 93 + AA
  std::string anthropic_admin();  // sk-ant-admin01- + 93 + AA
  std::string anthropic_oauth(size_t body = 64);
  std::string github_pat();       // ghp_ + 36
  std::string aws_access_key_id();  // AKIA + 16 of [A-Z2-7]
  // A fresh key that the built-in rule `rule_id` (one of generated_rule_ids()) finds. `infix`, when
  // given (letters only), is written into the random part, cased to fit it: a stopword, say.
  std::string for_rule(const std::string& rule_id, const std::string& infix = "");
  static const std::vector<std::string>& generated_rule_ids();
  std::string random(const std::string& cls, size_t n) { return t_.random(cls, n); }
  std::string expand(const std::string& tmpl) { return t_.expand(tmpl); }

 private:
  leakgate::TemplateExpander t_;
};

// A temporary directory, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/rel, creating parent directories; returns the full path.
  std::filesystem::path write(const std::string& rel, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the leakgate binary with `args` (no shell), feeding `input` on stdin, in `cwd`.
RunResult run_leakgate(const std::vector<std::string>& args, const std::string& input = "",
                       const std::filesystem::path& cwd = {}, const std::map<std::string, std::string>& env = {});

// A scan through the real binary with its json report parsed: what most end-to-end tests want.
struct ScanRun {
  int exit_code = -1;
  std::string err;                           // stderr
  nlohmann::json findings = nlohmann::json::array();  // the report: one object per finding
  // The string field `name` ("secret", "rule_id", "file", "fingerprint", ...) of every finding;
  // distinct(): each value once.
  std::multiset<std::string> values(const std::string& name) const;
  std::set<std::string> distinct(const std::string& name) const;
};

// The same, for a json report (an array of findings) read some other way.
std::multiset<std::string> field_values(const nlohmann::json& findings, const std::string& name);
std::set<std::string> distinct_values(const nlohmann::json& findings, const std::string& name);

// Runs `leakgate ARGS --format json` like run_leakgate() and parses the report. Throws (failing the
// test, with stderr in the message) when stdout is not a json array: a run that errors out has
// no report to read, so ask run_leakgate() for those. `args` must not choose a format.
ScanRun scan(const std::vector<std::string>& args, const std::string& input = "",
             const std::filesystem::path& cwd = {}, const std::map<std::string, std::string>& env = {});

// The same parsing for a run made some other way (run_command() under setpriv, prlimit, a shell)
// that passed `--format json` itself.
ScanRun parse_scan(const RunResult& r);

// Runs any program (argv[0] looked up in PATH) the same way.
RunResult run_command(const std::vector<std::string>& argv, const std::string& input = "",
                      const std::filesystem::path& cwd = {}, const std::map<std::string, std::string>& env = {});

// A git repository in a temporary directory, driven with the real git CLI. Commits use fixed
// identities and dates so results are deterministic.
class GitRepo {
 public:
  GitRepo();
  const std::filesystem::path& path() const { return dir_.path(); }
  // Runs git in the repo; fails the test (throws) if git fails.
  std::string git(const std::vector<std::string>& args, const std::string& input = "");
  // Runs git in the repo and returns what happened (for commands expected to fail, like a refused commit).
  RunResult try_git(const std::vector<std::string>& args, const std::string& input = "");
  void write(const std::string& rel, const std::string& content) { dir_.write(rel, content); }
  // Stages everything and commits; returns the new commit id.
  std::string commit(const std::string& message);

 private:
  TempDir dir_;
  int tick_ = 0;
};

// prefix + i. Built with append: GCC 12 warns falsely (-Wstringop-overflow) on "literal" + to_string().
inline std::string numbered(std::string prefix, long i) { return prefix.append(std::to_string(i)); }

// The built-in rules, compiled once per test process.
std::shared_ptr<const leakgate::CompiledRuleset> builtin_rules();

// A rule file compiled twice, without the cache: with each rule's leading context kept in the
// regex RE2 confirms with (`whole`), and split off as scans do (`split`; context_prefix.h).
struct ContextVariants {
  std::shared_ptr<const leakgate::CompiledRuleset> whole, split;
};
ContextVariants compile_context_variants(const std::string& toml);

// Scans `data` in memory with the built-in rules (or `rules`) and returns the findings.
std::vector<leakgate::Finding> scan_text(const std::string& data, size_t block_size = 0,
                                         std::shared_ptr<const leakgate::CompiledRuleset> rules = nullptr,
                                         const std::string& path = "test.txt");

// Counts findings of one rule.
size_t count_rule(const std::vector<leakgate::Finding>& findings, const std::string& rule_id);

std::string read_file(const std::filesystem::path& p);

// What `f` threw as leakgate::Error, or "(accepted)" if it returned: compares whole messages.
template <typename F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const leakgate::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace lgtest
