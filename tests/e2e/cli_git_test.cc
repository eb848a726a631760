// `leakgate git` on repositories built by the tests with the real git CLI.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <set>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using lgtest::GitRepo;
using lgtest::KeyGen;
using lgtest::run_leakgate;
using nlohmann::json;

namespace {

json scan(const GitRepo& repo, std::vector<std::string> extra = {}, int expect = -1) {
  std::vector<std::string> args{"git", repo.path().string(), "--no-redact"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = lgtest::scan(args);
  INFO("stderr: " << r.err);
  if (expect >= 0) REQUIRE(r.exit_code == expect);
  return r.findings;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("git: a key added then removed is found, credited to the commit that added it") {
  KeyGen g(200);
  GitRepo repo;
  repo.write("README", "hello\n");
  repo.commit("initial");
  const std::string k = g.anthropic_api();
  repo.write("config.py", "KEY = '" + k + "'\n");
  const std::string added = repo.commit("add config");
  repo.write("config.py", "KEY = os.environ['KEY']\n");
  repo.commit("remove key");
  const json f = scan(repo, {}, 1);
  REQUIRE(f.size() == 1);
  CHECK(f[0]["secret"] == k);
  CHECK(f[0]["commit"] == added);
  CHECK(f[0]["file"] == "config.py");
  CHECK(f[0]["line"] == 1);
  CHECK(f[0]["author"] == "Test Author");
  CHECK(f[0]["email"] == "author@example.com");
  CHECK(f[0]["message"] == "add config");
  CHECK(f[0]["date"].get<std::string>().rfind("2024-01-01T00:00:", 0) == 0);
  CHECK(f[0]["blob"].get<std::string>().size() == 40);
  // Redacted by default, and the working tree (now clean) would not show it.
  auto red = run_leakgate({"git", repo.path().string()});
  CHECK(red.out.find(k) == std::string::npos);
  CHECK(run_leakgate({"dir", repo.path().string()}).exit_code == 0);
}

TEST_CASE("git: libgit2 is loaded on first use, when it cannot be, git scans fail clearly and dir still works") {
  KeyGen g(201);
  GitRepo repo;
  repo.write("config.py", "KEY = '" + g.anthropic_api() + "'\n");
  repo.commit("add config");
  // A broken library of the same soname earlier in the search path stands in for a missing one.
  lgtest::TempDir lib;
  lib.write(LEAKGATE_LIBGIT2_SONAME, "not an ELF file\n");
  const std::map<std::string, std::string> env{{"LD_LIBRARY_PATH", lib.path().string()}};
  auto git = run_leakgate({"git", repo.path().string()}, "", {}, env);
  CHECK(git.exit_code == 2);
  CHECK(git.err.find("libgit2 could not be loaded") != std::string::npos);
  CHECK(git.err.find(LEAKGATE_LIBGIT2_SONAME) != std::string::npos);
  auto staged = run_leakgate({"git", "--staged", repo.path().string()}, "", {}, env);
  CHECK(staged.exit_code == 2);
  // `dir` never touches libgit2, so it neither loads nor needs it.
  auto dir = run_leakgate({"dir", repo.path().string(), "-q"}, "", {}, env);
  INFO(dir.err);
  CHECK(dir.exit_code == 1);
  // And with the real library, the same scan works.
  CHECK(run_leakgate({"git", repo.path().string(), "-q"}).exit_code == 1);
}

TEST_CASE("git: every ref is scanned — unmerged branches and annotated tags — and --branch narrows") {
  KeyGen g(201);
  GitRepo repo;
  repo.write("a.txt", "base\n");
  repo.commit("base");
  repo.git({"checkout", "-q", "-b", "feature"});
  const std::string kb = g.anthropic_api();
  repo.write("feature.txt", kb + "\n");
  repo.commit("feature work");
  repo.git({"checkout", "-q", "main"});
  // A commit only an annotated tag reaches.
  repo.git({"checkout", "-q", "--detach"});
  const std::string kt = g.anthropic_api();
  repo.write("tagged.txt", kt + "\n");
  repo.commit("tagged only");
  repo.git({"tag", "-a", "v1", "-m", "release"});
  repo.git({"checkout", "-q", "main"});
  CHECK(lgtest::distinct_values(scan(repo, {}, 1), "secret") == std::set<std::string>{kb, kt});
  CHECK(scan(repo, {"--branch", "main"}, 0).empty());
  const json feat = scan(repo, {"--branch", "feature"}, 1);
  REQUIRE(feat.size() == 1);
  CHECK(feat[0]["secret"] == kb);
  // A branch that does not exist is an error (exit 2, named), not a clean scan; the readers that
  // were already waiting for blobs stop cleanly.
  auto typo = run_leakgate({"git", repo.path().string(), "--branch", "featur"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("featur") != std::string::npos);
  CHECK(typo.out.empty());
}

TEST_CASE("git: an evil merge's own content is found and credited to the merge") {
  KeyGen g(202);
  GitRepo repo;
  repo.write("a.txt", "one\n");
  repo.commit("base");
  repo.git({"checkout", "-q", "-b", "side"});
  repo.write("b.txt", "side\n");
  repo.commit("side");
  repo.git({"checkout", "-q", "main"});
  repo.write("c.txt", "main\n");
  repo.commit("main");
  repo.git({"merge", "-q", "--no-commit", "--no-ff", "side"});
  const std::string k = g.anthropic_api();
  repo.write("merge-only.txt", "k=" + k + "\n");
  const std::string merge = repo.commit("merge side");
  const json f = scan(repo, {}, 1);
  REQUIRE(f.size() == 1);
  CHECK(f[0]["commit"] == merge);
  CHECK(f[0]["file"] == "merge-only.txt");
}

TEST_CASE("git: renames and a blob kept across 40 commits are reported once, at the first commit") {
  KeyGen g(203);
  GitRepo repo;
  const std::string k = g.anthropic_api();
  repo.write("secrets/key.txt", "k=" + k + "\n");
  const std::string first = repo.commit("add key");
  for (int i = 0; i < 40; ++i) {
    repo.write("counter.txt", std::to_string(i) + "\n");
    repo.commit("tick " + std::to_string(i));
  }
  repo.git({"mv", "secrets/key.txt", "moved.txt"});
  repo.commit("rename");
  const json f = scan(repo, {}, 1);
  REQUIRE(f.size() == 1);
  CHECK(f[0]["commit"] == first);
  CHECK(f[0]["file"] == "secrets/key.txt");
}

TEST_CASE("git: a binary blob and a deleted directory are scanned, gitlinks are skipped") {
  KeyGen g(204);
  GitRepo repo;
  std::string bin(3000, '\0');
  for (size_t i = 0; i < bin.size(); ++i) bin[i] = static_cast<char>(i * 7);
  const std::string kb = g.anthropic_api(), kd = g.anthropic_api();
  repo.write("assets/blob.bin", bin + kb + std::string(1, '\0') + bin);
  repo.write("old/dir/deep.cfg", "token=" + kd + "\n");
  repo.commit("add");
  repo.git({"rm", "-r", "-q", "old"});
  // A gitlink (submodule entry) pointing at a commit that is not in this repository.
  repo.git({"update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,vendor/sub"});
  repo.commit("remove old, add submodule");
  CHECK(lgtest::distinct_values(scan(repo, {}, 1), "secret") == std::set<std::string>{kb, kd});
}

TEST_CASE("git --range reports only what the range introduces, merges included") {
  KeyGen g(205);
  GitRepo repo;
  const std::string old_key = g.anthropic_api();
  repo.write("settings.env", "OLD=" + old_key + "\n");
  repo.commit("old key on main");
  repo.git({"checkout", "-q", "-b", "pr"});
  // Editing the file that already holds a key: the old key is not new.
  const std::string new_key = g.anthropic_api();
  repo.write("settings.env", "OLD=" + old_key + "\nNEW=" + new_key + "\n");
  repo.commit("add new key");
  // Added then removed inside the range: still reported.
  const std::string transient = g.anthropic_api();
  repo.write("tmp.txt", transient + "\n");
  repo.commit("oops");
  repo.git({"rm", "-q", "tmp.txt"});
  repo.commit("remove oops");
  CHECK(lgtest::distinct_values(scan(repo, {"--range", "main..pr"}, 1), "secret") ==
        std::set<std::string>{new_key, transient});

  // A merge inside the range: a side branch adds a key, the PR merges it.
  repo.git({"checkout", "-q", "-b", "side", "main"});
  const std::string side_key = g.anthropic_api();
  repo.write("side.txt", side_key + "\n");
  repo.commit("side key");
  repo.git({"checkout", "-q", "pr"});
  repo.git({"merge", "-q", "--no-ff", "-m", "merge side", "side"});
  CHECK(lgtest::distinct_values(scan(repo, {"--range", "main..pr"}, 1), "secret") ==
        std::set<std::string>{new_key, transient, side_key});
  // Nothing new between identical ends, and main..main is clean.
  CHECK(scan(repo, {"--range", "pr..pr"}, 0).empty());
  auto bad = run_leakgate({"git", repo.path().string(), "--range", "main..nope"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("nope") != std::string::npos);
}

TEST_CASE("git --staged: only what the next commit would introduce") {
  KeyGen g(206);
  GitRepo repo;
  // Before the first commit HEAD is unborn: everything staged is new.
  const std::string first = g.anthropic_api();
  repo.write("a.txt", first + "\n");
  repo.git({"add", "a.txt"});
  json f = scan(repo, {"--staged"}, 1);
  REQUIRE(f.size() == 1);
  CHECK(f[0]["secret"] == first);
  CHECK_FALSE(f[0].contains("commit"));
  repo.commit("first");
  // Already committed: not new. A staged edit of that file adding a line: only the new key.
  CHECK(scan(repo, {"--staged"}, 0).empty());
  const std::string staged = g.anthropic_api();
  repo.write("a.txt", first + "\n" + staged + "\n");
  repo.git({"add", "a.txt"});
  // Unstaged change and untracked file: not in the commit.
  repo.write("untracked.txt", g.anthropic_api() + "\n");
  repo.write("a.txt", first + "\n" + staged + "\n" + g.anthropic_api() + "\n");
  f = scan(repo, {"--staged"}, 1);
  REQUIRE(f.size() == 1);
  CHECK(f[0]["secret"] == staged);
  CHECK(f[0]["line"] == 2);
  // Without a git binary on PATH, the libgit2 path gives the same answer.
  auto no_git = lgtest::scan({"git", repo.path().string(), "--staged", "--no-redact"}, "", {}, {{"PATH", "/nonexistent"}});
  CHECK(no_git.exit_code == 1);
  const json& f2 = no_git.findings;
  REQUIRE(f2.size() == 1);
  CHECK(f2[0]["secret"] == staged);
  // A staged rename of a committed file is not a new secret.
  repo.git({"checkout", "--", "a.txt"});
  repo.git({"reset", "-q"});
  repo.git({"mv", "a.txt", "b.txt"});
  CHECK(scan(repo, {"--staged"}, 0).empty());
  CHECK(run_leakgate({"git", repo.path().string(), "--staged"}, "", {}, {{"PATH", "/nonexistent"}}).exit_code == 0);
}

TEST_CASE("git: bare, empty, not-a-repo and corrupt-object cases") {
  KeyGen g(207);
  GitRepo repo;
  const std::string k = g.anthropic_api();
  repo.write("k.txt", k + "\n");
  repo.commit("key");
  // A bare clone scans the same.
  lgtest::TempDir bare;
  REQUIRE(lgtest::run_command({"git", "clone", "-q", "--bare", repo.path().string(), (bare.path() / "r.git").string()}).exit_code == 0);
  auto b = lgtest::scan({"git", (bare.path() / "r.git").string()});
  CHECK(b.exit_code == 1);
  CHECK(b.findings.size() == 1);
  // An empty repository: nothing to scan, clean.
  GitRepo empty;
  CHECK(run_leakgate({"git", empty.path().string()}).exit_code == 0);
  CHECK(run_leakgate({"git", empty.path().string(), "--staged"}).exit_code == 0);
  // Not a repository: exit 2 with a clear message.
  lgtest::TempDir plain;
  auto nr = run_leakgate({"git", plain.path().string()});
  CHECK(nr.exit_code == 2);
  CHECK(nr.err.find("not a git repository") != std::string::npos);
  // A corrupt loose blob: named by id, the rest goes on, exit 2 when nothing else was found.
  GitRepo bad;
  bad.write("good.txt", "fine\n");
  bad.write("bad.txt", "this blob will be corrupted\n");
  bad.commit("two files");
  const std::string id = trim(bad.git({"rev-parse", "HEAD:bad.txt"}));
  const auto obj = bad.path() / ".git" / "objects" / id.substr(0, 2) / id.substr(2);
  std::filesystem::permissions(obj, std::filesystem::perms::owner_all);
  lgtest::TempDir scratch;
  scratch.write("garbage", "not zlib at all");
  std::filesystem::copy_file(scratch.path() / "garbage", obj, std::filesystem::copy_options::overwrite_existing);
  auto c = run_leakgate({"git", bad.path().string()});
  CHECK(c.exit_code == 2);
  CHECK(c.err.find(id) != std::string::npos);
  // With a key elsewhere the key is still reported (exit 1).
  bad.write("key.txt", g.anthropic_api() + "\n");
  bad.commit("key");
  CHECK(run_leakgate({"git", bad.path().string()}).exit_code == 1);
}

TEST_CASE("git --max-blob-size skips and names large blobs") {
  KeyGen g(208);
  GitRepo repo;
  repo.write("big.txt", std::string(5000, 'a') + " " + g.anthropic_api() + "\n");
  repo.commit("big");
  auto r = run_leakgate({"git", repo.path().string(), "--max-blob-size", "1000"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("big.txt") != std::string::npos);
  CHECK(r.err.find("max-blob-size") != std::string::npos);
}

TEST_CASE("git: a shallow clone scans what it has, a repository owned by another user needs --trust-repo") {
  KeyGen g(209);
  GitRepo repo;
  repo.write("old.txt", g.anthropic_api() + "\n");
  repo.commit("old");
  const std::string k = g.anthropic_api();
  repo.write("new.txt", k + "\n");
  repo.commit("new");
  lgtest::TempDir t;
  const auto shallow = t.path() / "shallow";
  REQUIRE(lgtest::run_command({"git", "clone", "-q", "--depth", "1", "file://" + repo.path().string(), shallow.string()}).exit_code == 0);
  auto r = lgtest::scan({"git", shallow.string(), "--no-redact"});
  CHECK(r.exit_code == 1);
  const json& f = r.findings;
  // The tip commit's tree holds both files; the parent is beyond the boundary.
  CHECK(f.size() == 2);

  if (::geteuid() == 0) {  // only root can hand a directory to another user
    const auto owned = t.path() / "owned";
    REQUIRE(lgtest::run_command({"git", "clone", "-q", repo.path().string(), owned.string()}).exit_code == 0);
    REQUIRE(lgtest::run_command({"chown", "-R", "65534:65534", owned.string()}).exit_code == 0);
    auto denied = run_leakgate({"git", owned.string()});
    CHECK(denied.exit_code == 2);
    CHECK(denied.err.find("--trust-repo") != std::string::npos);
    CHECK(denied.err.find("safe.directory") != std::string::npos);
    CHECK(run_leakgate({"git", owned.string(), "--trust-repo"}).exit_code == 1);
  }
}

TEST_CASE("git --range in a depth-1 clone says the base is missing from the shallow clone and how to fetch it") {
  KeyGen g(210);
  GitRepo repo;
  repo.write("a.txt", "one\n");
  const std::string base = repo.commit("base");
  repo.write("b.txt", "two\n");
  repo.commit("middle");
  repo.write("c.txt", g.anthropic_api() + "\n");
  const std::string head = repo.commit("head");
  lgtest::TempDir t;
  const auto shallow = t.path() / "shallow";
  REQUIRE(lgtest::run_command({"git", "clone", "-q", "--depth", "1", "file://" + repo.path().string(), shallow.string()}).exit_code == 0);

  auto r = run_leakgate({"git", shallow.string(), "--range", base + ".." + head});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("the range's base '" + base + "' is not in this shallow clone") != std::string::npos);
  CHECK(r.err.find("fetch-depth: 0") != std::string::npos);
  CHECK(r.err.find("GIT_DEPTH: 0") != std::string::npos);
  CHECK(r.err.find("git fetch --deepen") != std::string::npos);
  CHECK(r.err.find("revspec") == std::string::npos);

  // A missing head is named as the head.
  const std::string unknown(40, 'e');
  auto h = run_leakgate({"git", shallow.string(), "--range", head + ".." + unknown});
  CHECK(h.exit_code == 2);
  CHECK(h.err.find("the range's head '" + unknown + "' is not in this shallow clone") != std::string::npos);

  // Once the history is fetched, the same range scans.
  REQUIRE(lgtest::run_command({"git", "-C", shallow.string(), "fetch", "-q", "--unshallow"}).exit_code == 0);
  auto ok = run_leakgate({"git", shallow.string(), "--range", base + ".." + head});
  INFO(ok.err);
  CHECK(ok.exit_code == 1);

  // In a full clone, a base that is not there (say, never fetched) is named too.
  auto full = run_leakgate({"git", repo.path().string(), "--range", unknown + ".." + head});
  CHECK(full.exit_code == 2);
  CHECK(full.err.find("the range's base '" + unknown + "' is not in this repository") != std::string::npos);
}

TEST_CASE("git: an unreadable tree is named, the rest of the history is still scanned") {
  KeyGen g(210);
  GitRepo repo;
  repo.write("dir/a.txt", "plain\n");
  repo.commit("one");
  const std::string k = g.anthropic_api();
  repo.write("top.txt", k + "\n");
  repo.commit("two");
  const std::string tree = trim(repo.git({"rev-parse", "HEAD:dir"}));
  const auto obj = repo.path() / ".git" / "objects" / tree.substr(0, 2) / tree.substr(2);
  std::filesystem::permissions(obj, std::filesystem::perms::owner_all);
  {
    std::ofstream out(obj, std::ios::binary | std::ios::trunc);
    out << "garbage, not zlib";
  }
  auto r = lgtest::scan({"git", repo.path().string(), "--no-redact"});
  CHECK(r.exit_code == 1);  // the key in top.txt is still found
  CHECK(r.err.find(tree) != std::string::npos);
  const json& f = r.findings;
  REQUIRE(f.size() == 1);
  CHECK(f[0]["secret"] == k);
}

TEST_CASE("git --shard: the merged shards equal the unsharded scan, for 1, 2 and 7 shards") {
  KeyGen g(211);
  GitRepo repo;
  for (int i = 0; i < 12; ++i) {
    repo.write("svc" + std::to_string(i % 4) + "/config" + std::to_string(i) + ".env", "KEY=" + g.anthropic_api() + "\n");
    if (i % 3 == 0) repo.write("shared.txt", "token " + g.anthropic_api() + "\n");  // edited: many versions
    repo.commit("step " + std::to_string(i));
  }
  repo.write("svc0/config0.env", "KEY=rotated-out\n");
  repo.commit("rotate");
  auto whole = lgtest::scan({"git", repo.path().string()});
  REQUIRE(whole.exit_code == 1);
  const json& expected = whole.findings;
  REQUIRE(expected.size() >= 12);
  lgtest::TempDir out;
  for (int n : {1, 2, 7}) {
    std::vector<std::string> merge_args{"merge", "-o", (out.path() / "merged.json").string()};
    for (int k = 0; k < n; ++k) {
      const std::string file = (out.path() / ("shard" + std::to_string(k) + ".json")).string();
      auto s = run_leakgate({"git", repo.path().string(), "--shard", std::to_string(k) + "/" + std::to_string(n),
                             "--format", "json", "-o", file});
      REQUIRE(s.exit_code <= 1);
      merge_args.push_back(file);
    }
    auto m = run_leakgate(merge_args);
    CHECK(m.exit_code == 1);
    const json merged = json::parse(lgtest::read_file(out.path() / "merged.json"));
    INFO("shards: " << n);
    REQUIRE(merged.size() == expected.size());
    for (size_t i = 0; i < merged.size(); ++i) {
      CHECK(merged[i]["fingerprint"] == expected[i]["fingerprint"]);
      CHECK(merged[i]["commit"] == expected[i]["commit"]);
      CHECK(merged[i]["file"] == expected[i]["file"]);
      CHECK(merged[i]["line"] == expected[i]["line"]);
      CHECK(merged[i]["secret"] == expected[i]["secret"]);
    }
  }
  CHECK(run_leakgate({"git", repo.path().string(), "--shard", "3/3"}).exit_code == 2);
}

namespace {
// A fast-import commit: `mark` on `ref`, with `parents` (marks), setting or deleting files.
std::string fi_commit(const std::string& ref, int mark, const std::vector<int>& parents,
                      const std::vector<std::pair<std::string, std::string>>& files, const std::string& msg) {
  // Built with append: GCC 12 warns falsely (-Wstringop-overflow) on "literal" + std::to_string().
  std::string s;
  s.append("commit ").append(ref).append("\nmark :").append(std::to_string(mark)).append("\n");
  s.append("committer T <t@example.com> ").append(std::to_string(1700000000 + mark)).append(" +0000\n");
  s.append("data ").append(std::to_string(msg.size())).append("\n").append(msg).append("\n");
  for (size_t i = 0; i < parents.size(); ++i)
    s.append(i == 0 ? "from :" : "merge :").append(std::to_string(parents[i])).append("\n");
  for (const auto& [path, content] : files) {
    if (content.empty()) {
      s.append("D ").append(path).append("\n");
    } else {
      s.append("M 100644 inline ").append(path).append("\ndata ").append(std::to_string(content.size()));
      s.append("\n").append(content).append("\n");
    }
  }
  return s.append("\n");
}
}  // namespace

TEST_CASE("git: a corrupt pack — the damaged object is named and the rest scanned, and a truncated pack fails clearly") {
  KeyGen g(211);
  GitRepo repo;
  std::string damaged_blob;
  for (int i = 0; i < 20; ++i) {
    repo.write(lgtest::numbered("f", i).append(".txt"), g.random("alnum", 4000) + "\n");
    repo.commit("file " + std::to_string(i));
  }
  const std::string k = g.anthropic_api();
  repo.write("key.txt", "k=" + k + "\n");
  repo.commit("key");
  // One pack, no deltas (every object stored whole), so damaging one object's bytes breaks only it.
  repo.git({"-c", "pack.window=0", "repack", "-a", "-d", "-f", "-q"});
  const std::string victim = trim(repo.git({"rev-parse", "HEAD:f7.txt"}));
  std::filesystem::path pack;
  for (const auto& e : std::filesystem::directory_iterator(repo.path() / ".git" / "objects" / "pack"))
    if (e.path().extension() == ".pack") pack = e.path();
  REQUIRE(!pack.empty());
  // The object's offset from the index; overwrite the middle of its zlib stream.
  uint64_t offset = 0;
  {
    std::istringstream idx(lgtest::run_command({"git", "show-index"}, lgtest::read_file(std::filesystem::path(pack).replace_extension(".idx"))).out);
    std::string line;
    while (std::getline(idx, line)) {
      std::istringstream ls(line);
      uint64_t off = 0;
      std::string id;
      ls >> off >> id;
      if (id == victim) offset = off;
    }
  }
  REQUIRE(offset > 0);
  std::filesystem::permissions(pack, std::filesystem::perms::owner_all);
  {
    std::fstream f(pack, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset + 40));
    const std::string junk(200, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto r = lgtest::scan({"git", repo.path().string(), "--no-redact"});
  INFO(r.err);
  CHECK(r.exit_code == 1);  // the key is still found
  CHECK(r.err.find(victim) != std::string::npos);
  const json& f = r.findings;
  REQUIRE(f.size() == 1);
  CHECK(f[0]["secret"] == k);
  // A pack cut in half: whatever can no longer be read is named, and the run ends with exit 2.
  std::filesystem::resize_file(pack, std::filesystem::file_size(pack) / 2);
  auto cut = run_leakgate({"git", repo.path().string()});
  INFO(cut.err);
  CHECK(cut.exit_code == 2);
  CHECK(cut.err.find("unreadable") != std::string::npos);
  CHECK(cut.out.find(k) == std::string::npos);
}

TEST_CASE("git: a very deep history, a very wide one and a deeply nested tree (no recursion blow-up)") {
  KeyGen g(212);
  const std::string k_deep = g.anthropic_api(), k_wide = g.anthropic_api(), k_nested = g.anthropic_api();
  // Deep: 30,000 commits in one line; the key lives in commit 15,000 only.
  {
    GitRepo repo;
    std::string stream;
    for (int i = 1; i <= 30000; ++i) {
      std::vector<std::pair<std::string, std::string>> files{{"counter.txt", std::to_string(i) + "\n"}};
      if (i == 15000) files.push_back({"key.txt", "k=" + k_deep + "\n"});
      if (i == 15001) files.push_back({"key.txt", ""});
      stream += fi_commit("refs/heads/main", i, i == 1 ? std::vector<int>{} : std::vector<int>{i - 1}, files,
                          lgtest::numbered("c", i));
    }
    repo.git({"fast-import", "--quiet"}, stream);
    const json f = scan(repo, {}, 1);
    REQUIRE(f.size() == 1);
    CHECK(f[0]["secret"] == k_deep);
    CHECK(f[0]["commit"] == trim(repo.git({"rev-parse", "main~15000"})));
    CHECK(scan(repo, {"--range", "main~14000..main"}, 0).empty());
  }
  // Wide: 3,000 branches off one root, then one octopus merge of 100 of them; the key is on branch 2,345.
  {
    GitRepo repo;
    std::string stream = fi_commit("refs/heads/main", 1, {}, {{"root.txt", "root\n"}}, "root");
    for (int b = 0; b < 3000; ++b) {
      std::string content = "branch " + std::to_string(b) + "\n";
      if (b == 2345) content += "k=" + k_wide + "\n";
      stream += fi_commit(lgtest::numbered("refs/heads/b", b), 2 + b, {1},
                          {{lgtest::numbered("b", b).append(".txt"), content}}, lgtest::numbered("b", b));
    }
    std::vector<int> parents;
    for (int b = 0; b < 100; ++b) parents.push_back(2 + b);
    stream += fi_commit("refs/heads/main", 5000, parents, {}, "octopus");
    repo.git({"fast-import", "--quiet"}, stream);
    const json f = scan(repo, {}, 1);
    REQUIRE(f.size() == 1);
    CHECK(f[0]["secret"] == k_wide);
    CHECK(f[0]["commit"] == trim(repo.git({"rev-parse", "b2345"})));
  }
  // Nested: a file 400 directories down.
  {
    GitRepo repo;
    std::string path;
    for (int d = 0; d < 400; ++d) path += "d/";
    path += "key.txt";
    repo.git({"fast-import", "--quiet"}, fi_commit("refs/heads/main", 1, {}, {{path, "k=" + k_nested + "\n"}}, "deep"));
    const json f = scan(repo, {}, 1);
    REQUIRE(f.size() == 1);
    CHECK(f[0]["file"] == path);
  }
}

TEST_CASE("git: trees nest at most 4,096 deep (git's core.maxTreeDepth), deeper is reported, not a stack overflow") {
  KeyGen g(213);
  const std::string k_bottom = g.anthropic_api(), k_top = g.anthropic_api();
  for (int dirs : {4095, 4096, 20000}) {
    INFO("directories: " << dirs);
    GitRepo repo;
    std::string path;
    for (int d = 0; d < dirs; ++d) path += "d/";
    path += "key.txt";
    repo.git({"fast-import", "--quiet"},
             fi_commit("refs/heads/main", 1, {}, {{path, "k=" + k_bottom + "\n"}, {"top.txt", "k=" + k_top + "\n"}}, "deep"));
    auto r = lgtest::scan({"git", repo.path().string(), "--no-redact"});
    INFO("stderr: " << r.err.substr(0, 400));
    const std::set<std::string> found = r.distinct("secret");
    CHECK(r.exit_code == 1);  // findings outrank the unscanned tree (CLI.md), which stderr names
    CHECK(found.count(k_top) == 1);
    if (dirs < 4096) {
      CHECK(found.count(k_bottom) == 1);
    } else {
      CHECK(found.count(k_bottom) == 0);
      CHECK(r.err.find("nested deeper than 4096 trees") != std::string::npos);
    }
  }
}

TEST_CASE("git: a damaged loose object is named and the rest is scanned (libgit2 1.5 hung or overran on these)") {
  KeyGen g(214);
  const std::string k = g.anthropic_api();
  GitRepo repo;
  repo.write("keys.txt", "k=" + k + "\n");
  std::string text;
  for (int i = 0; i < 400; ++i) text.append("row ").append(std::to_string(i * 7919 % 10007)).append(" of the table\n");
  repo.write("big.txt", text);
  repo.commit("add");
  const std::string id = trim(repo.git({"rev-parse", "HEAD:big.txt"}));
  const auto file = repo.path() / ".git" / "objects" / id.substr(0, 2) / id.substr(2);
  REQUIRE(std::filesystem::exists(file));
  std::filesystem::permissions(file, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  const std::string sound = lgtest::read_file(file);
  auto damage = [&](const std::string& bytes, const std::string& why) {
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << bytes;
    }
    auto r = lgtest::scan({"git", repo.path().string(), "--no-redact"});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 1);
    const json& f = r.findings;
    REQUIRE(f.size() == 1);
    CHECK(f[0]["secret"] == k);
    CHECK(r.err.find("corrupt loose object " + id + ": " + why) != std::string::npos);
  };
  damage(sound.substr(0, sound.size() / 2), "truncated");  // the hang of libgit2#7342
  damage(sound.substr(0, 2), "truncated");                 // the zlib header alone
  // A header that claims fewer bytes than the body holds (the overrun of libgit2#7177).
  std::string raw = "blob 12";
  raw.push_back('\0');
  raw += text;
  uLongf n = compressBound(raw.size());
  std::string lying(n, '\0');
  REQUIRE(compress(reinterpret_cast<Bytef*>(lying.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), raw.size()) == Z_OK);
  lying.resize(n);
  damage(lying, "longer than its header says");
  // Put back, it reads as before.
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << sound;
  }
  CHECK(run_leakgate({"git", repo.path().string()}).exit_code == 1);
}
