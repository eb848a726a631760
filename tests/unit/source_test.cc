// The sources in-process: the history planner (which blobs, introduced where, with which earlier
// versions), the staged plan, and the directory walk (what it lists, skips and counts).
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "scanner/pipeline/scan_driver.h"
#include "scanner/source/dir_source.h"
#include "scanner/source/git/git_handles.h"
#include "scanner/source/git/git_source.h"
#include "scanner/source/git/history_plan.h"
#include "scanner/source/git/staged_plan.h"
#include "support/test_support.h"

using namespace leakgate;
using lgtest::GitRepo;
using lgtest::KeyGen;

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// path -> (blob id, commit index) of a plan.
std::map<std::string, std::pair<std::string, uint32_t>> planned(const HistoryPlan& plan) {
  std::map<std::string, std::pair<std::string, uint32_t>> out;
  for (const auto& t : plan.blobs) out[t.path] = {oid_hex(t.blob), t.commit};
  return out;
}

}  // namespace

TEST_CASE("history plan: each blob once, at the commit that introduced it, parents first") {
  GitRepo repo;
  repo.write("a.txt", "one\n");
  repo.write("b.txt", "shared\n");
  const std::string c1 = repo.commit("first");
  repo.write("c.txt", "shared\n");  // the same blob at a second path: no new work
  repo.git({"mv", "a.txt", "renamed.txt"});
  const std::string c2 = repo.commit("second");
  repo.write("b.txt", "changed\n");
  const std::string c3 = repo.commit("third");

  GitRepository r = open_repository(repo.path().string(), false);
  const HistoryPlan plan = plan_history(r.get(), HistoryOptions{});
  REQUIRE(plan.commits_walked == 3);
  REQUIRE(plan.commits.size() == 3);
  CHECK(plan.commits[0].commit == c1);  // parents first
  CHECK(plan.commits[2].commit == c3);
  const auto p = planned(plan);
  CHECK(plan.blobs.size() == 3);  // one, shared, changed: renamed.txt and c.txt hold blobs already planned
  CHECK(p.at("a.txt").second == 0);
  CHECK(p.at("b.txt").first == trimmed(repo.git({"rev-parse", "HEAD:b.txt"})));
  CHECK(p.at("b.txt").second == 2);
  for (const auto& t : plan.blobs) CHECK(t.parent_versions.empty());  // history mode subtracts nothing
}

TEST_CASE("history plan: a range plans what its commits introduce, each blob with the versions it replaced") {
  GitRepo repo;
  repo.write("cfg.txt", "v1\n");
  repo.write("keep.txt", "same\n");
  const std::string base = repo.commit("base");
  repo.write("cfg.txt", "v2\n");
  repo.write("new.txt", "fresh\n");
  repo.commit("head");

  GitRepository r = open_repository(repo.path().string(), false);
  HistoryOptions o;
  o.range = base + "..HEAD";
  const HistoryPlan plan = plan_history(r.get(), o);
  CHECK(plan.commits_walked == 1);
  std::map<std::string, std::vector<std::string>> versions;
  for (const auto& t : plan.blobs)
    for (const auto& v : t.parent_versions) versions[t.path].push_back(oid_hex(v));
  CHECK(planned(plan).size() == 2);  // cfg.txt and new.txt; keep.txt is the base's
  CHECK(versions["cfg.txt"] == std::vector<std::string>{trimmed(repo.git({"rev-parse", base + ":cfg.txt"}))});
  CHECK(versions.count("new.txt") == 0);
}

TEST_CASE("staged plan: added and modified entries, each with HEAD's version, a pure rename with its old blob") {
  GitRepo repo;
  repo.write("edit.txt", "before\n");
  repo.write("move.txt", "moving\n");
  repo.commit("base");
  repo.write("edit.txt", "after\n");
  repo.write("add.txt", "added\n");
  repo.git({"mv", "move.txt", "moved.txt"});
  repo.git({"add", "-A"});

  GitRepository r = open_repository(repo.path().string(), false);
  const HistoryPlan plan = plan_staged(r.get(), nullptr);
  std::map<std::string, size_t> versions;
  for (const auto& t : plan.blobs) versions[t.path] = t.parent_versions.size();
  CHECK(versions.at("edit.txt") == 1);
  CHECK(versions.at("add.txt") == 0);
  // An exact rename is planned with its old blob as its earlier version, so nothing in it is new.
  CHECK(versions.at("moved.txt") == 1);
}

TEST_CASE("git source through the driver: history findings carry provenance, staged ones do not") {
  KeyGen keys(21);
  GitRepo repo;
  const std::string key = keys.github_pat();
  repo.write("app.cfg", "token = \"" + key + "\"\n");
  const std::string c1 = repo.commit("add token");
  repo.write("app.cfg", "x = 1\ntoken = \"" + key + "\"\n");  // moved a line: the same fingerprint
  repo.commit("edit");

  GitSourceOptions o;
  o.repo = repo.path().string();
  GitSource history(o);
  const ScanResult h = run_scan(history, lgtest::builtin_rules(), {});
  REQUIRE(h.findings.size() == 1);  // the earliest introduction only
  REQUIRE(h.findings[0].git);
  CHECK(h.findings[0].git->commit == c1);
  CHECK(h.findings[0].line == 1);
  CHECK(h.stats.commits == 2);
  CHECK(h.stats.planned == 2);

  const std::string other = keys.github_pat();
  repo.write("app.cfg", "x = 1\ntoken = \"" + key + "\"\nsecond = \"" + other + "\"\n");
  repo.git({"add", "-A"});
  GitSourceOptions so;
  so.repo = repo.path().string();
  so.staged = true;
  GitSource staged(so);
  const ScanResult s = run_scan(staged, lgtest::builtin_rules(), {});
  REQUIRE(s.findings.size() == 1);  // HEAD already held `key`
  CHECK(s.findings[0].line == 3);
  CHECK_FALSE(s.findings[0].git);
}

TEST_CASE("directory source: lists depth-first, skips .git, symlinks and special files, and counts them") {
  KeyGen keys(22);
  lgtest::TempDir dir;
  dir.write("a/b/c/deep.txt", "k = \"" + keys.github_pat() + "\"\n");
  dir.write(".hidden/h.txt", "k = \"" + keys.github_pat() + "\"\n");
  dir.write(".git/config", "k = \"" + keys.github_pat() + "\"\n");  // the repository itself: never read
  dir.write("top.txt", "clean\n");
  std::filesystem::create_symlink("a/b/c/deep.txt", dir.path() / "link.txt");
  std::filesystem::create_directory_symlink("a", dir.path() / "linkdir");
  REQUIRE(::mkfifo((dir.path() / "pipe").c_str(), 0600) == 0);

  DirSource src({{dir.path().string(), ""}});
  ScanDriverOptions o;
  o.threads = 3;
  const ScanResult r = run_scan(src, lgtest::builtin_rules(), o);
  std::set<std::string> files;
  for (const auto& f : r.findings) files.insert(f.file);
  CHECK(files == std::set<std::string>{".hidden/h.txt", "a/b/c/deep.txt"});
  CHECK(r.stats.files == 3);
  CHECK(r.stats.skipped_symlinks == 2);
  CHECK(r.stats.skipped_special == 1);
  CHECK(r.errors.empty());

  // Several roots are reported under their display prefix; a file root by its path.
  DirSource two({{(dir.path() / "a").string(), "first"}, {(dir.path() / ".hidden/h.txt").string(), "h.txt"}});
  const ScanResult t = run_scan(two, lgtest::builtin_rules(), o);
  std::set<std::string> shown;
  for (const auto& f : t.findings) shown.insert(f.file);
  CHECK(shown == std::set<std::string>{"first/b/c/deep.txt", "h.txt"});
  CHECK_THROWS_WITH(DirSource({{(dir.path() / "nope").string(), ""}}), Catch::Contains("cannot scan"));
}
