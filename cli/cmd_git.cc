// `leakgate git [REPO]`: whole history (every ref, or --branch), --range A..B, --staged.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <iostream>
#include <sstream>
#include <memory>

#include "cli/commands.h"
#include "cli/scan_command.h"
#include "scanner/anthropic/key_actions.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/source/git/commit_files.h"
#include "scanner/source/git/git_queries.h"
#include "scanner/source/git/git_source.h"
#include "scanner/source/git/staged_plan.h"
#include "scanner/util/error.h"
#include "scanner/util/utf8.h"

namespace leakgate::cli {

namespace {

struct GitArgs {
  ScanOptions scan;
  std::string repo = ".";
  std::vector<std::string> branches;
  std::string range;
  bool staged = false;
  bool pre_push = false;
  bool trust_repo = false;
  uint64_t max_blob_size = 0;
  std::string shard;  // "K/N"
};

// Names the first few skipped objects and counts the rest: nothing is skipped silently.
void print_skipped(const char* what, const std::vector<std::string>& items) {
  if (items.empty()) return;
  std::cerr << "leakgate: " << items.size() << " " << what << ":";
  for (size_t i = 0; i < items.size() && i < 10; ++i) std::cerr << (i ? ", " : " ") << printable(items[i]);
  if (items.size() > 10) std::cerr << ", and " << items.size() - 10 << " more";
  std::cerr << '\n';
}

// The in-tree files a scan may read its configuration from. A pull-request gate (`--range A..B`)
// judges B's commits, so it reads .leakgate.toml, .leakgateignore and whatever they extend from A:
// content under judgement never configures its own scan. A range that changes them gets a notice
// (on stderr and in the report) so reviewers see it. History, --staged and --pre-push scan the
// developer's own repository: the work tree's files apply, as for `dir`.
struct GitConfigPlan {
  std::optional<ConfigFiles> files;
  std::shared_ptr<CommitFiles> base, head;  // range mode
};

ConfigFiles commit_config_files(std::shared_ptr<CommitFiles> commit) {
  ConfigFiles f;
  f.read = [commit](const std::string& path) { return commit->read(path); };
  f.display = [commit](const std::string& path) { return commit->short_id() + ":" + path; };
  // The tree's root plays the working directory's part; then the extending file's directory.
  f.candidates = [](const std::string& extend_path, const std::string& from) {
    std::vector<std::string> out{extend_path};
    const std::string beside = (std::filesystem::path(from).parent_path() / extend_path).generic_string();
    if (beside != extend_path) out.push_back(beside);
    return out;
  };
  return f;
}

GitConfigPlan plan_config(const GitArgs& a, const std::filesystem::path& root) {
  GitConfigPlan plan;
  if (a.scan.no_local_config) return plan;
  if (a.range.empty()) {
    plan.files = local_config_files(a.scan, root);
    return plan;
  }
  const RangeEnds ends = split_range(a.range);
  plan.base = std::make_shared<CommitFiles>(a.repo, a.trust_repo, ends.base, "base");
  plan.head = std::make_shared<CommitFiles>(a.repo, a.trust_repo, ends.head, "head");
  plan.files = commit_config_files(plan.base);
  return plan;
}

// "this range changes the scanner's configuration: …" when B's copy of a file the scan's
// configuration comes from differs from A's.
std::vector<std::string> config_change_notices(const GitConfigPlan& plan, const CompiledRuleset& rules) {
  if (!plan.base) return {};
  std::vector<std::string> paths = {".leakgate.toml", ".leakgateignore"};
  const std::string prefix = plan.base->short_id() + ":";
  for (const auto& s : rules.config_sources())
    if (s.rfind(prefix, 0) == 0 && std::find(paths.begin(), paths.end(), s.substr(prefix.size())) == paths.end())
      paths.push_back(s.substr(prefix.size()));
  std::string changed;
  for (const auto& p : paths) {
    const auto before = plan.base->blob_id(p), after = plan.head->blob_id(p);
    if (before.has_value() != after.has_value() || (before && !git_oid_equal(&*before, &*after)))
      changed += (changed.empty() ? "" : ", ") + p;
  }
  if (changed.empty()) return {};
  return {"this range changes the scanner's configuration: " + changed + " — not applied to this scan (configuration "
          "comes from the range's base, " + plan.base->short_id() + ")"};
}

bool is_zero_sha(const std::string& s) { return !s.empty() && s.find_first_not_of('0') == std::string::npos; }

// git's pre-push protocol: "<local ref> <local sha> <remote ref> <remote sha>" per pushed ref.
// A deletion pushes nothing; a new branch pushes what no remote-tracking ref has; an update pushes
// remote..local (or, when the remote tip is unknown here, what no remote-tracking ref has).
void read_pre_push(std::istream& in, HistoryOptions& h, const std::string& repo_path) {
  std::string line;
  bool need_remote_glob = false;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string local_ref, local_sha, remote_ref, remote_sha;
    if (!(ss >> local_ref >> local_sha >> remote_ref >> remote_sha)) continue;
    if (is_zero_sha(local_sha)) continue;  // deleting a remote ref publishes nothing
    h.include.push_back(local_sha);
    if (is_zero_sha(remote_sha) || !git_commit_exists(repo_path, remote_sha)) need_remote_glob = true;
    else h.exclude.push_back(remote_sha);
  }
  if (need_remote_glob) h.exclude_globs.push_back("refs/remotes/*");
}

// Refuses option combinations that mean nothing, before any work.
void check_combinations(const GitArgs& a) {
  if (a.pre_push && (a.staged || !a.range.empty() || !a.branches.empty()))
    throw Error("--pre-push reads what is pushed from stdin; it does not combine with --staged, --range or --branch");
  if (a.staged && (!a.range.empty() || !a.branches.empty()))
    throw Error("--staged scans the index; it does not combine with --range or --branch");
  if (!a.range.empty() && !a.branches.empty()) throw Error("--range and --branch do not combine");
}

// What the driver does beyond the shared options: --max-blob-size and --shard K/N.
ScanDriverOptions driver_options(const GitArgs& a) {
  ScanDriverOptions driver;
  driver.max_size = a.max_blob_size;
  if (!a.shard.empty()) {
    unsigned k = 0, n = 0;
    char extra = 0;
    if (std::sscanf(a.shard.c_str(), "%u/%u%c", &k, &n, &extra) != 2 || n == 0 || k >= n)
      throw Error("--shard takes K/N with 0 <= K < N (e.g. 0/4), not '" + a.shard + "'");
    if (a.staged || a.pre_push || !a.range.empty())
      throw Error("--shard splits a whole-history scan; it does not combine with --staged, --pre-push or --range");
    driver.shard_index = k;
    driver.shard_count = n;
  }
  return driver;
}

// Optional deactivation on push (.leakgate.toml [hooks] revoke): found Anthropic keys of the
// organization are switched off before the push is refused. Without an admin key the push is
// still refused; the hook says why nothing was deactivated.
ScanOptions with_hook_revoke(ScanOptions scan, const ConfigFiles* local) {
  if (scan.hook != "pre-push") return scan;
  const std::string mode = hooks_revoke_mode(local);
  if (mode == "off") return scan;
  if (load_admin_key(scan.admin_key_file).empty()) {
    std::cerr << "leakgate: [hooks] revoke = \"" << mode << "\" but no admin key is set "
              << "(ANTHROPIC_ADMIN_KEY or ANTHROPIC_ADMIN_API_KEY): keys are not deactivated\n";
    return scan;
  }
  scan.revoke = true;
  scan.dry_run = mode == "dry-run";
  return scan;
}

// What a git scan says on stderr beside its report: tracked .env files (hooks), the size of the
// plan (-v), and every blob it skipped, by name.
void print_git_notes(const GitArgs& a, const ScanResult& result, GitCommand* env_listing) {
  if (env_listing)
    for (const auto& path : tracked_env_files(a.repo, a.trust_repo, env_listing))
      std::cerr << "leakgate: warning: " << printable(path)
                << " is tracked by git and not covered by .gitignore. Environment files are the most common way "
                   "keys get published; keep it out of the repository: git rm --cached '"
                << printable(path) << "' && echo '" << printable(path) << "' >> .gitignore\n";
  if (a.scan.quiet) return;
  if (!a.staged && a.scan.verbose) {
    double planned_in = 0;
    for (const PassTime& p : result.passes)
      if (std::string_view(p.name) == "produce") planned_in = p.seconds;
    std::cerr << "leakgate: " << result.stats.commits << " commits, " << result.stats.planned
              << " unique blobs (planned in " << planned_in << " s)\n";
  }
  print_skipped("blobs over --max-blob-size not scanned", result.too_large);
  std::vector<std::string> missing;
  for (const InputError& e : result.errors)
    if (e.kind == InputErrorKind::kMissing) missing.push_back(e.what);
  print_skipped("blobs missing from the object database", missing);
}

std::string command_line(const GitArgs& a) {
  std::string command = "leakgate git " + a.repo;
  if (a.staged) command += " --staged";
  if (!a.range.empty()) command += " --range " + a.range;
  if (a.pre_push) command += " --pre-push";
  for (const auto& b : a.branches) command += " --branch " + b;
  return command;
}

int run_git(const GitArgs& a) {
  check_combinations(a);
  ScanDriverOptions driver = driver_options(a);
  // What git itself will be asked, started before anything else: git lists on one core while
  // leakgate loads libgit2 (whose initialisation alone parses the system's CA bundle, ~6 ms) and
  // its rules on the other.
  const bool warn_env = !a.scan.hook.empty() && !a.scan.quiet;
  std::shared_ptr<GitCommand> staged_listing = a.staged ? start_staged_listing(a.repo) : nullptr;
  std::shared_ptr<GitCommand> env_listing = warn_env ? start_env_listing(a.repo) : nullptr;
  const GitConfigPlan config = plan_config(a, git_config_root(a.repo, a.trust_repo));
  const ConfigFiles* local = config.files ? &*config.files : nullptr;
  const ScanOptions scan = with_hook_revoke(a.scan, local);
  auto rules = load_rules(scan, local);
  GitSourceOptions o;
  o.repo = a.repo;
  o.trust_repo = a.trust_repo;
  o.history.branches = a.branches;
  o.history.range = a.range;
  if (a.pre_push) {
    read_pre_push(std::cin, o.history, a.repo);
    if (o.history.include.empty()) return 0;  // only deletions: nothing is published
  }
  o.staged = a.staged;
  o.staged_listing = staged_listing;
  GitSource source(std::move(o));
  ScanResult result = run_source(a.scan, source, rules, driver);
  print_git_notes(a, result, env_listing.get());
  return finish_scan(scan, *rules, result, local, command_line(a), config_change_notices(config, *rules));
}

}  // namespace

void add_git_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<GitArgs>();
  CLI::App* cmd = app.add_subcommand("git", "scan git history (default: every ref of the repo at .)");
  cmd->add_option("repo", args->repo, "repository (work tree or git directory)")->capture_default_str();
  cmd->add_option("--branch", args->branches, "scan the history of REF only (repeatable)");
  cmd->add_option("--range", args->range, "A..B: only secrets that the commits reachable from B and not from A introduce");
  cmd->add_flag("--staged", args->staged, "the index against HEAD: only secrets the next commit would introduce");
  cmd->add_flag("--pre-push", args->pre_push, "read git's pre-push lines on stdin; scan the commits being pushed");
  cmd->add_flag("--trust-repo", args->trust_repo, "scan a repository owned by another user");
  cmd->add_option("--shard", args->shard,
                  "K/N: scan share K (0-based) of N of the unique blobs, by blob id; combine the reports with leakgate merge");
  cmd->add_option("--max-blob-size", args->max_blob_size, "skip (and name) blobs larger than N bytes (default: no limit)");
  add_scan_options(*cmd, args->scan);
  cmd->callback([args, &exit_code] { exit_code = run_git(*args); });
}

}  // namespace leakgate::cli
