// The git hooks end to end: `leakgate hook install`, then the real `git commit` / `git push`.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "support/test_support.h"

using lgtest::GitRepo;
using lgtest::KeyGen;
using lgtest::run_leakgate;

namespace {

void install(GitRepo& repo, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"hook", "install", repo.path().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_leakgate(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("pre-commit hook: refuses a commit that adds a key, with a clear message, clean and --no-verify pass") {
  KeyGen g(300);
  GitRepo repo;
  repo.write("README", "hi\n");
  repo.commit("initial");
  install(repo);
  const std::string k = g.anthropic_api();
  repo.write("app/config.py", "import os\nKEY = '" + k + "'\n");
  repo.git({"add", "-A"});
  auto refused = repo.try_git({"commit", "-m", "add config"});
  CHECK(refused.exit_code != 0);
  const std::string msg = refused.out + refused.err;
  CHECK(msg.find("commit blocked") != std::string::npos);
  CHECK(msg.find("app/config.py:2:8") != std::string::npos);
  CHECK(msg.find("anthropic-api-key") != std::string::npos);
  CHECK(msg.find(k.substr(0, 16) + "...") != std::string::npos);
  CHECK(msg.find(k) == std::string::npos);
  CHECK(msg.find("leakgate:allow") != std::string::npos);
  CHECK(msg.find("--no-verify") != std::string::npos);
  CHECK(msg.find("rotate") != std::string::npos);
  // Knowingly bypassed.
  CHECK(repo.try_git({"commit", "-q", "--no-verify", "-m", "add config anyway"}).exit_code == 0);
  // A clean commit goes through; an unstaged key does not block it.
  repo.write("notes.txt", "nothing secret\n");
  repo.git({"add", "notes.txt"});
  repo.write("scratch.txt", g.anthropic_api() + "\n");
  CHECK(repo.try_git({"commit", "-q", "-m", "notes"}).exit_code == 0);
}

TEST_CASE("hook install chains an existing hook, honours core.hooksPath, and refuses what it cannot chain") {
  KeyGen g(301);
  GitRepo repo;
  repo.write("README", "hi\n");
  repo.commit("initial");
  const auto hooks = repo.path() / ".git" / "hooks";
  std::filesystem::create_directories(hooks);
  repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/old-hook-ran\"\n");
  std::filesystem::permissions(hooks / "pre-commit", std::filesystem::perms::owner_all);
  install(repo);
  CHECK(std::filesystem::exists(hooks / "pre-commit.pre-leakgate"));
  repo.write("a.txt", "fine\n");
  repo.git({"add", "a.txt"});
  CHECK(repo.try_git({"commit", "-q", "-m", "a"}).exit_code == 0);
  CHECK(std::filesystem::exists(repo.path() / ".git" / "old-hook-ran"));
  // Reinstalling is idempotent and keeps the chain.
  install(repo);
  repo.write("b.txt", g.anthropic_api() + "\n");
  repo.git({"add", "b.txt"});
  CHECK(repo.try_git({"commit", "-q", "-m", "b"}).exit_code != 0);
  repo.git({"reset", "-q"});
  std::filesystem::remove(repo.path() / "b.txt");

  // core.hooksPath: the hook goes there, and git runs it from there.
  GitRepo other;
  other.write("README", "hi\n");
  other.commit("initial");
  other.git({"config", "core.hooksPath", "githooks"});
  install(other);
  CHECK(std::filesystem::exists(other.path() / "githooks" / "pre-commit"));
  other.write("k.env", "K=" + g.anthropic_api() + "\n");
  other.git({"add", "k.env"});
  CHECK(other.try_git({"commit", "-q", "-m", "k"}).exit_code != 0);

  // A hook that is not an executable file cannot be chained: refused without --force.
  GitRepo third;
  third.write(".git/hooks/pre-commit", "not executable\n");
  std::filesystem::permissions(third.path() / ".git/hooks/pre-commit", std::filesystem::perms::owner_read |
                                                                         std::filesystem::perms::owner_write);
  auto r = run_leakgate({"hook", "install", third.path().string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--force") != std::string::npos);
  install(third, {"--force"});
  CHECK(std::filesystem::exists(third.path() / ".git/hooks/pre-commit.leakgate-backup"));
}

TEST_CASE("pre-push hook: refuses a branch whose older commit holds a key, deletions pass") {
  KeyGen g(302);
  lgtest::TempDir remote_dir;
  const auto remote = remote_dir.path() / "remote.git";
  REQUIRE(lgtest::run_command({"git", "init", "-q", "--bare", remote.string()}).exit_code == 0);
  GitRepo repo;
  repo.write("README", "hi\n");
  repo.commit("initial");
  repo.git({"remote", "add", "origin", remote.string()});
  repo.git({"push", "-q", "origin", "main"});
  install(repo, {"--pre-push"});
  repo.git({"checkout", "-q", "-b", "feature"});
  const std::string k = g.anthropic_api();
  repo.write("secret.txt", k + "\n");
  repo.commit("oops");
  repo.git({"rm", "-q", "secret.txt"});
  repo.commit("remove it again");  // the tip is clean; the older commit is not
  auto refused = repo.try_git({"push", "origin", "feature"});
  CHECK(refused.exit_code != 0);
  CHECK((refused.out + refused.err).find("push blocked") != std::string::npos);
  CHECK((refused.out + refused.err).find(k) == std::string::npos);
  // A clean branch pushes; deleting a remote branch pushes nothing to scan.
  repo.git({"checkout", "-q", "main"});
  repo.git({"checkout", "-q", "-b", "clean"});
  repo.write("ok.txt", "ok\n");
  repo.commit("ok");
  CHECK(repo.try_git({"push", "-q", "origin", "clean"}).exit_code == 0);
  CHECK(repo.try_git({"push", "-q", "origin", "--delete", "clean"}).exit_code == 0);
  // Updating main with a key in the middle of several commits is refused too.
  repo.git({"checkout", "-q", "main"});
  repo.write("x.txt", "1\n");
  repo.commit("x1");
  repo.write("cfg.env", "TOKEN=" + g.anthropic_api() + "\n");
  repo.commit("x2");
  repo.write("x.txt", "2\n");
  repo.commit("x3");
  CHECK(repo.try_git({"push", "-q", "origin", "main"}).exit_code != 0);
  CHECK(repo.try_git({"push", "-q", "--no-verify", "origin", "main"}).exit_code == 0);
}

TEST_CASE("hooks warn about a tracked .env that .gitignore does not cover") {
  GitRepo repo;
  repo.write("README", "hi\n");
  repo.commit("initial");
  install(repo);
  repo.write(".env", "DEBUG=1\n");
  repo.write(".env.example", "DEBUG=0\n");
  repo.git({"add", "-A"});
  auto r = repo.try_git({"commit", "-q", "-m", "env"});
  CHECK(r.exit_code == 0);  // a warning, not a refusal: it holds no key
  CHECK(r.err.find(".env is tracked") != std::string::npos);
  CHECK(r.err.find(".env.example") == std::string::npos);
}

TEST_CASE("tracked .env files: nested ones warned, ignored and example ones not, git's listing and libgit2's agree") {
  GitRepo repo;
  repo.write("README", "hi\n");
  repo.write(".gitignore", ".env.local\n");
  repo.write("svc/config/.env.production", "DEBUG=0\n");
  repo.write("svc/.env.template", "DEBUG=0\n");
  repo.write(".env.local", "DEBUG=1\n");
  repo.git({"add", "-A"});
  repo.git({"add", "-f", ".env.local"});  // tracked, but .gitignore covers it: no warning
  repo.commit("initial");
  repo.write("README", "hello\n");
  repo.git({"add", "README"});
  // From a subdirectory, as a hook may be run: paths are still the repository's.
  const std::string sub = (repo.path() / "svc").string();
  auto warned = [](const lgtest::RunResult& r) {
    std::set<std::string> out;
    for (const char* p : {"svc/config/.env.production", "svc/.env.template", ".env.local"})
      if (r.err.find(std::string(p) + " is tracked") != std::string::npos) out.insert(p);
    return out;
  };
  const std::set<std::string> want{"svc/config/.env.production"};
  auto with_git = run_leakgate({"git", "--staged", "--hook", "pre-commit", sub});
  INFO(with_git.err);
  CHECK(with_git.exit_code == 0);
  CHECK(warned(with_git) == want);
  // Without a git binary on PATH, libgit2 reads the index itself and must say the same.
  lgtest::TempDir empty_path;
  auto without_git = run_leakgate({"git", "--staged", "--hook", "pre-commit", sub}, "", {},
                                  {{"PATH", empty_path.path().string()}});
  INFO(without_git.err);
  CHECK(without_git.exit_code == 0);
  CHECK(warned(without_git) == want);
}
