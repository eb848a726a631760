// leakgate as users get it: installed to a prefix by `cmake --install`, and run by the real
// pre-commit framework from this repository's .pre-commit-hooks.yaml (Debian 12's pre-commit).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "support/test_support.h"

using lgtest::GitRepo;
using lgtest::KeyGen;
using lgtest::run_command;
using lgtest::TempDir;

namespace {

std::string path_with_leakgate() {
  const std::string dir = std::filesystem::path(LEAKGATE_BINARY).parent_path().string();
  const char* path = std::getenv("PATH");
  return dir + ":" + (path ? path : "/usr/bin:/bin");
}

// `pre-commit try-repo <this repository> HOOK ARGS...` in `repo`, with leakgate on PATH and
// pre-commit's cache in a temporary directory.
lgtest::RunResult try_hook(GitRepo& repo, const TempDir& home, const std::string& hook,
                           std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {"pre-commit", "try-repo", LEAKGATE_SOURCE_DIR, hook, "--color", "never"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv, "", repo.path(),
                     {{"PATH", path_with_leakgate()}, {"PRE_COMMIT_HOME", home.path().string()}});
}

// Neither pre-commit 3.0.4's "Expected one of ..." stage error nor 4.x's deprecation warning.
void check_manifest_accepted(const lgtest::RunResult& r) {
  const std::string all = r.out + r.err;
  CHECK(all.find("Expected one of") == std::string::npos);
  CHECK(all.find("deprecated") == std::string::npos);
  CHECK(all.find("InvalidManifestError") == std::string::npos);
}

}  // namespace

TEST_CASE("cmake --install to a prefix gives a working binary, the man page and the hook scripts") {
  TempDir prefix;
  const auto inst = run_command({LEAKGATE_CMAKE_COMMAND, "--install", LEAKGATE_BUILD_DIR, "--prefix", prefix.path().string()});
  INFO(inst.out << inst.err);
  REQUIRE(inst.exit_code == 0);

  const auto bin = prefix.path() / "bin/leakgate";
  REQUIRE(std::filesystem::exists(bin));
  KeyGen g(1300);
  TempDir tree;
  tree.write("app/settings.py", "API_KEY = \"" + g.anthropic_api() + "\"\n");
  const auto scan = run_command({bin.string(), "dir", tree.path().string()});
  CHECK(scan.exit_code == 1);
  CHECK(scan.out.find("anthropic-api-key") != std::string::npos);
  CHECK(run_command({bin.string(), "--version"}).out.find("leakgate " LEAKGATE_VERSION) != std::string::npos);

  const auto page = prefix.path() / "share/man/man1/leakgate.1.gz";
  REQUIRE(std::filesystem::exists(page));
  // man-db renders the installed page as `man leakgate` would (MANPATH pointed at the prefix).
  const auto man = run_command({"man", "-P", "cat", "leakgate"}, "", {},
                               {{"MANPATH", (prefix.path() / "share/man").string()}, {"MANWIDTH", "100"}});
  INFO(man.err);
  CHECK(man.exit_code == 0);
  CHECK(man.out.find("EXIT STATUS") != std::string::npos);
  CHECK(man.out.find("--pre-push") != std::string::npos);

  for (const char* hook : {"pre-commit", "pre-push"}) {
    const auto h = prefix.path() / "share/leakgate/hooks" / hook;
    INFO(h);
    REQUIRE(std::filesystem::exists(h));
    struct stat st{};
    REQUIRE(::stat(h.c_str(), &st) == 0);
    CHECK((st.st_mode & S_IXOTH) != 0);
    CHECK(lgtest::read_file(h) == lgtest::read_file(std::filesystem::path(LEAKGATE_SOURCE_DIR) / "hooks" / hook));
  }
  CHECK(std::filesystem::exists(prefix.path() / "share/doc/leakgate/copyright"));
}

TEST_CASE("the real pre-commit framework blocks a staged key and passes a clean change with this repository's hooks") {
  KeyGen g(1301);
  TempDir home;
  GitRepo repo;
  repo.write("README.md", "hello\n");
  const std::string base = repo.commit("initial");

  SECTION("pre-commit stage: a staged key is refused, with its hint and never the key") {
    const std::string key = g.anthropic_api();
    repo.write("config/.env", "ANTHROPIC_API_KEY=" + key + "\n");
    repo.git({"add", "config/.env"});
    const auto r = try_hook(repo, home, "leakgate");
    INFO(r.out << r.err);
    check_manifest_accepted(r);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("commit blocked") != std::string::npos);
    CHECK(r.out.find("config/.env") != std::string::npos);
    CHECK(r.out.find(key) == std::string::npos);
    CHECK(r.err.find(key) == std::string::npos);
  }
  SECTION("pre-commit stage: a clean staged change passes; the push hook stands aside") {
    repo.write("notes.txt", "nothing secret here\n");
    repo.git({"add", "notes.txt"});
    const auto r = try_hook(repo, home, "leakgate");
    INFO(r.out << r.err);
    check_manifest_accepted(r);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Passed") != std::string::npos);
    const auto push_hook = try_hook(repo, home, "leakgate-pre-push");
    INFO(push_hook.out << push_hook.err);
    CHECK(push_hook.exit_code == 0);
  }
  SECTION("push stage: the pushed range is scanned, and the commit hook stands aside") {
    repo.write("deploy/settings.yaml", "token: " + g.anthropic_api() + "\n");
    const std::string leaky = repo.commit("add settings");
    const std::vector<std::string> push_args = {"--hook-stage", "push", "--from-ref", base, "--to-ref", leaky};
    const auto r = try_hook(repo, home, "leakgate-pre-push", push_args);
    INFO(r.out << r.err);
    check_manifest_accepted(r);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("push blocked") != std::string::npos);
    CHECK(r.out.find("deploy/settings.yaml") != std::string::npos);

    // The same push without the key passes.
    repo.git({"reset", "-q", "--hard", base});
    repo.write("deploy/settings.yaml", "token: from-the-environment\n");
    const std::string clean = repo.commit("settings, clean");
    const auto ok = try_hook(repo, home, "leakgate-pre-push", {"--hook-stage", "push", "--from-ref", base, "--to-ref", clean});
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);

    // During a push the commit hook does not re-judge whatever happens to be staged.
    repo.write("staged.env", "KEY=" + g.anthropic_api() + "\n");
    repo.git({"add", "staged.env"});
    const auto commit_hook = try_hook(repo, home, "leakgate", push_args);
    INFO(commit_hook.out << commit_hook.err);
    CHECK(commit_hook.exit_code == 0);
  }
}
