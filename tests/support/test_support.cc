#include "support/test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "scanner/ruleset/config_loader.h"

namespace lgtest {

std::string KeyGen::anthropic_api() { return "sk-ant-api03-" + t_.random("b64url", 93) + "AA"; }
std::string KeyGen::anthropic_admin() { return "sk-ant-admin01-" + t_.random("b64url", 93) + "AA"; }
std::string KeyGen::anthropic_oauth(size_t body) { return "sk-ant-oat01-" + t_.random("b64url", body); }
std::string KeyGen::github_pat() { return "ghp_" + t_.random("alnum", 36); }
std::string KeyGen::aws_access_key_id() { return for_rule("aws-access-key-id"); }

namespace {
// A built-in rule's key shape: prefix, a random body of one class, suffix.
struct KeyShape {
  const char* rule_id;
  const char* prefix;
  const char* cls;  // a TemplateExpander class; "base32" is [A-Z2-7]
  size_t body;
  const char* suffix;
};
constexpr KeyShape kShapes[] = {
    {"anthropic-api-key", "sk-ant-api03-", "b64url", 93, "AA"},
    {"anthropic-admin-api-key", "sk-ant-admin01-", "b64url", 93, "AA"},
    {"github-pat", "ghp_", "alnum", 36, ""},
    {"aws-access-key-id", "AKIA", "base32", 16, ""},
    {"gitlab-pat", "glpat-", "b64url", 20, ""},
    {"slack-bot-token", "xoxb-", "alnum", 24, ""},
    {"stripe-live-secret-key", "sk_live_", "alnum", 32, ""},
    {"npm-access-token", "npm_", "alnum", 36, ""},
};
}  // namespace

const std::vector<std::string>& KeyGen::generated_rule_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& k : kShapes) v.push_back(k.rule_id);
    return v;
  }();
  return ids;
}

std::string KeyGen::for_rule(const std::string& rule_id, const std::string& infix) {
  const auto shape = std::find_if(std::begin(kShapes), std::end(kShapes), [&](const KeyShape& k) { return rule_id == k.rule_id; });
  if (shape == std::end(kShapes)) throw std::logic_error("KeyGen::for_rule: no generator for " + rule_id);
  if (infix.size() > shape->body / 2) throw std::logic_error("KeyGen::for_rule: infix too long for " + rule_id);
  const std::string cls = shape->cls;
  std::string body = t_.random(cls == "base32" ? "ualnum" : cls, shape->body - infix.size());
  if (cls == "base32")
    for (char& c : body)
      if (c == '0' || c == '1' || c == '8' || c == '9') c = static_cast<char>('2' + (c - '0') % 6);
  std::string word = infix;
  if (cls == "base32")
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const size_t at = static_cast<size_t>(std::stoul(t_.random("digit", 6))) % (body.size() + 1);
  body.insert(at, word);
  std::string prefix = shape->prefix;
  if (rule_id == "slack-bot-token") prefix += t_.random("digit", 12) + "-" + t_.random("digit", 13) + "-";
  return prefix + body + shape->suffix;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "leakgate-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Restore permissions a test may have removed, so everything can be deleted.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec))
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
  }
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& rel, const std::string& content) const {
  const auto p = path_ / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
  return p;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult run_leakgate(const std::vector<std::string>& args, const std::string& input,
                       const std::filesystem::path& cwd, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv{LEAKGATE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run_command(argv, input, cwd, env);
  // Under scripts/sanitize.sh a sanitizer report in the binary fails the calling test whatever it
  // asserts next; so does any death by signal, which leakgate never chooses.
  if (r.err.find("==ERROR: ") != std::string::npos || r.err.find(": runtime error: ") != std::string::npos ||
      r.exit_code > 128)
    throw std::runtime_error("leakgate crashed or a sanitizer fired (exit " + std::to_string(r.exit_code) +
                             "):\n" + r.err);
  return r;
}

std::multiset<std::string> field_values(const nlohmann::json& findings, const std::string& name) {
  std::multiset<std::string> out;
  for (const auto& f : findings) out.insert(f.at(name).get<std::string>());
  return out;
}

std::set<std::string> distinct_values(const nlohmann::json& findings, const std::string& name) {
  const auto all = field_values(findings, name);
  return {all.begin(), all.end()};
}

std::multiset<std::string> ScanRun::values(const std::string& name) const { return field_values(findings, name); }
std::set<std::string> ScanRun::distinct(const std::string& name) const { return distinct_values(findings, name); }

ScanRun parse_scan(const RunResult& r) {
  ScanRun s;
  s.exit_code = r.exit_code;
  s.err = r.err;
  try {
    s.findings = nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("leakgate (exit " + std::to_string(r.exit_code) + ") wrote no json report (" + e.what() +
                             "); stdout: " + r.out.substr(0, 400) + "\nstderr: " + r.err);
  }
  if (!s.findings.is_array())
    throw std::runtime_error("leakgate (exit " + std::to_string(r.exit_code) + ") wrote json that is not a list of findings: " +
                             r.out.substr(0, 400) + "\nstderr: " + r.err);
  return s;
}

ScanRun scan(const std::vector<std::string>& args, const std::string& input, const std::filesystem::path& cwd,
             const std::map<std::string, std::string>& env) {
  for (const auto& a : args)
    if (a == "-f" || a == "--format" || a.rfind("--format=", 0) == 0 || a == "-o" || a == "--output")
      throw std::logic_error("lgtest::scan chooses --format json on stdout itself; got " + a);
  std::vector<std::string> full = args;
  full.push_back("--format");
  full.push_back("json");
  return parse_scan(run_leakgate(full, input, cwd, env));
}

RunResult run_command(const std::vector<std::string>& args, const std::string& input,
                      const std::filesystem::path& cwd, const std::map<std::string, std::string>& env) {
  TempDir io;
  const auto in_path = io.write("stdin", input);
  const auto out_path = io.path() / "stdout";
  const auto err_path = io.path() / "stderr";
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int in = ::open(in_path.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::setenv("NO_COLOR", "1", 1);
    std::vector<std::string> argv_s = args;
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

GitRepo::GitRepo() {
  git({"init", "-q", "-b", "main"});
  git({"config", "user.name", "Test Author"});
  git({"config", "user.email", "author@example.com"});
  git({"config", "commit.gpgsign", "false"});
}

std::string GitRepo::git(const std::vector<std::string>& args, const std::string& input) {
  RunResult r = try_git(args, input);
  if (r.exit_code != 0) throw std::runtime_error("git failed: " + r.err);
  return r.out;
}

RunResult GitRepo::try_git(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string date = "2024-01-01T00:00:" + std::string(tick_ < 10 ? "0" : "") + std::to_string(tick_ % 60) + "+00:00";
  return run_command(argv, input, dir_.path(),
                            {{"GIT_AUTHOR_DATE", date}, {"GIT_COMMITTER_DATE", date}, {"GIT_CONFIG_NOSYSTEM", "1"},
                             {"HOME", dir_.path().string()}});
}

std::string GitRepo::commit(const std::string& message) {
  ++tick_;
  git({"add", "-A"});
  git({"commit", "-q", "--allow-empty", "-m", message});
  std::string id = git({"rev-parse", "HEAD"});
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  return id;
}

std::shared_ptr<const leakgate::CompiledRuleset> builtin_rules() {
  static const auto rules = leakgate::CompiledRuleset::compile(leakgate::load_builtin_config());
  return rules;
}

ContextVariants compile_context_variants(const std::string& toml) {
  leakgate::CompileOptions kept;
  kept.use_cache = false;
  kept.strip_context = false;
  leakgate::CompileOptions split = kept;
  split.strip_context = true;
  return {leakgate::CompiledRuleset::compile(leakgate::parse_config(toml, "test.toml"), kept),
          leakgate::CompiledRuleset::compile(leakgate::parse_config(toml, "test.toml"), split)};
}

std::vector<leakgate::Finding> scan_text(const std::string& data, size_t block_size,
                                         std::shared_ptr<const leakgate::CompiledRuleset> rules,
                                         const std::string& path) {
  leakgate::ContentScannerOptions o;
  if (block_size) o.block_size = block_size;
  leakgate::ContentScanner scanner(rules ? rules : builtin_rules(), o);
  std::vector<leakgate::Finding> out;
  scanner.scan_buffer(data, leakgate::ScanTarget{path, {}}, out);
  return out;
}

size_t count_rule(const std::vector<leakgate::Finding>& findings, const std::string& rule_id) {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(),
                                           [&](const leakgate::Finding& f) { return f.rule_id == rule_id; }));
}

}  // namespace lgtest
