// The real binary on temporary trees: what a user sees, exit codes and all.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <set>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using lgtest::KeyGen;
using lgtest::run_leakgate;
using lgtest::TempDir;
using nlohmann::json;

TEST_CASE("dir finds every planted key exactly once across file kinds, and nothing in placeholders") {
  KeyGen g(100);
  TempDir t;
  std::multiset<std::string> planted;
  auto key = [&] {
    std::string k = g.anthropic_api();
    planted.insert(k);
    return k;
  };
  t.write(".env", "ANTHROPIC_API_KEY=" + key() + "\nOTHER=1\n");
  t.write("config/settings.json", "{\"anthropic\": {\"api_key\": \"" + key() + "\"}, \"n\": 1}\n");
  t.write("deploy/values.yaml", "anthropic:\n  apiKey: " + key() + "\n");
  t.write("scripts/run.sh", "#!/bin/sh\nexport ANTHROPIC_API_KEY='" + key() + "'\n");
  t.write("nb/analysis.ipynb",
          "{\"cells\": [{\"source\": [\"import os\\n\", \"os.environ['K'] = \\\"" + key() + "\\\"\\n\"]}]}\n");
  std::string minified(2 << 20, 'a');
  for (size_t i = 0; i < minified.size(); i += 37) minified[i] = ';';
  const std::string mk = key();
  minified.replace(1'500'000, mk.size() + 2, "\"" + mk + "\"");
  t.write("web/app.min.js", minified);
  t.write("win/crlf.txt", "line one\r\nkey=" + key() + "\r\nline three\r\n");
  t.write(".hidden/dir/secret.txt", "k: " + key() + "\n");
  t.write("with space/ünïcødé name.txt", "token " + key() + "\n");
  std::string bin;
  for (int i = 0; i < 4096; ++i) bin.push_back(static_cast<char>((i * 131) & 0xff));
  t.write("bin/blob.bin", bin + std::string(1, '\0') + key() + std::string(3, '\0') + bin);
  // A 50 MB log with keys straddling 1, 4, 8, 16 and 32 MiB.
  std::string log;
  log.reserve(50u << 20);
  while (log.size() < (50u << 20)) log += "2024-01-01T00:00:00Z INFO request served in 12ms path=/api/v1/items\n";
  for (size_t mib : {1, 4, 8, 16, 32}) {
    const std::string k = key();
    const size_t at = (mib << 20) - 50;
    log.replace(at - 1, k.size() + 2, " " + k + " ");
  }
  t.write("logs/big.log", log);
  // Placeholders from the documentation: never reported.
  t.write("docs/README.md",
          "Set ANTHROPIC_API_KEY=sk-ant-api03-your-key-here\nThe Console shows sk-ant-api03-R2D...igAA\n"
          "key: sk-ant-api03-" + std::string(93, 'x') + "AA\nmasked: sk-ant-api03-" + std::string(93, '*') + "AA\n");
  // .git is never scanned.
  t.write(".git/config", "k=" + g.anthropic_api() + "\n");

  auto r = lgtest::scan({"dir", ".", "--no-redact", "-j", "2"}, "", t.path());
  CHECK(r.exit_code == 1);
  CHECK(r.values("secret") == planted);
  for (const auto& f : r.findings) {
    CHECK(f["rule_id"] == "anthropic-api-key");
    CHECK(f["file"].get<std::string>().rfind(".git/", 0) != 0);
  }
  // Redacted by default: the same scan without --no-redact holds no full key, on stdout or stderr.
  auto red = run_leakgate({"dir", "."}, "", t.path());
  CHECK(red.exit_code == 1);
  for (const auto& k : planted) {
    CHECK(red.out.find(k) == std::string::npos);
    CHECK(red.err.find(k) == std::string::npos);
    CHECK(red.out.find(k.substr(0, 16) + "...") != std::string::npos);
  }
}

TEST_CASE("exit codes: 0 clean, 1 findings, --exit-code, 2 for a missing path or a broken rule file") {
  KeyGen g(101);
  TempDir t;
  t.write("clean.txt", "nothing to see\n");
  CHECK(run_leakgate({"dir", t.path().string()}).exit_code == 0);
  t.write("dirty.txt", "k=" + g.anthropic_api() + "\n");
  CHECK(run_leakgate({"dir", t.path().string()}).exit_code == 1);
  CHECK(run_leakgate({"dir", t.path().string(), "--exit-code", "7"}).exit_code == 7);
  auto missing = run_leakgate({"dir", (t.path() / "nope").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("nope") != std::string::npos);
  const auto bad = t.write("rules/bad.toml", "[[rules]]\nid = \"broken-rule\"\nregex = '''([a-z'''\n");
  auto broken = run_leakgate({"dir", t.path().string(), "-c", bad.string()});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find("broken-rule") != std::string::npos);
  CHECK(broken.err.find("bad.toml") != std::string::npos);
  CHECK(run_leakgate({"dir", "--format", "yaml"}).exit_code == 2);
  CHECK(run_leakgate({"frobnicate"}).exit_code == 2);
}

TEST_CASE("an unreadable input is named on stderr, the scan goes on, and a clean result becomes exit 2") {
  KeyGen g(102);
  TempDir t;
  t.write("a.txt", "fine\n");
  // Reading /proc/self/mem at offset 0 fails with EIO for every user, root included.
  auto clean = run_leakgate({"dir", t.path().string(), "/proc/self/mem"});
  CHECK(clean.exit_code == 2);
  CHECK(clean.err.find("/proc/self/mem") != std::string::npos);
  t.write("b.txt", "k=" + g.anthropic_api() + "\n");
  auto dirty = lgtest::scan({"dir", t.path().string(), "/proc/self/mem"});
  CHECK(dirty.exit_code == 1);
  CHECK(dirty.findings.size() == 1);
}

TEST_CASE("FIFOs, sockets and symlinks are skipped without blocking, symlinks are not followed") {
  KeyGen g(103);
  TempDir t;
  t.write("real/key.txt", "k=" + g.anthropic_api() + "\n");
  REQUIRE(::mkfifo((t.path() / "pipe").c_str(), 0600) == 0);
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sp = (t.path() / "sock").string();
  REQUIRE(sp.size() < sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sp.c_str());
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::filesystem::create_directory_symlink(t.path() / "real", t.path() / "link-to-real");
  std::filesystem::create_symlink(t.path() / "missing", t.path() / "dangling");
  std::filesystem::create_directory_symlink(t.path(), t.path() / "real" / "loop");
  auto r = lgtest::scan({"dir", "."}, "", t.path());
  ::close(s);
  CHECK(r.exit_code == 1);
  const json& arr = r.findings;
  REQUIRE(arr.size() == 1);
  CHECK(arr[0]["file"] == "real/key.txt");
}

TEST_CASE("baseline, .leakgateignore and inline allow suppress known findings") {
  KeyGen g(104);
  TempDir t;
  const std::string a = g.anthropic_api(), b = g.anthropic_api();
  t.write("a.txt", "k=" + a + "\n");
  t.write("b.txt", "k=" + b + "  # leakgate:allow test fixture\n");
  auto first = run_leakgate({"dir", ".", "--format", "json", "-o", "base.json"}, "", t.path());
  CHECK(first.exit_code == 1);
  const json base = json::parse(lgtest::read_file(t.path() / "base.json"));
  REQUIRE(base.size() == 1);
  CHECK(base[0]["file"] == "a.txt");
  CHECK(run_leakgate({"dir", ".", "--baseline", "base.json"}, "", t.path()).exit_code == 0);
  // A new key still fails the gate under the baseline.
  t.write("c.txt", "k=" + g.anthropic_api() + "\n");
  auto again = lgtest::scan({"dir", ".", "--baseline", "base.json"}, "", t.path());
  CHECK(again.exit_code == 1);
  REQUIRE(again.findings.size() == 1);
  t.write(".leakgateignore", again.findings[0]["fingerprint"].get<std::string>() + "\n");
  CHECK(run_leakgate({"dir", ".", "--baseline", "base.json"}, "", t.path()).exit_code == 0);
  CHECK(run_leakgate({"dir", ".", "--baseline", "nope.json"}, "", t.path()).exit_code == 2);
  // A file named alone in the current directory: that directory is the scanned root, whose
  // .leakgateignore applies (the root used to be empty, and the ignore file was never read).
  CHECK(run_leakgate({"dir", "c.txt"}, "", t.path()).exit_code == 0);
  CHECK(run_leakgate({"dir", "a.txt"}, "", t.path()).exit_code == 1);
}

TEST_CASE("stdin is scanned and reported as -") {
  KeyGen g(105);
  const std::string k = g.anthropic_api();
  auto r = run_leakgate({"stdin", "--format", "jsonl"}, "hello\nkey: " + k + "\n");
  CHECK(r.exit_code == 1);
  const json f = json::parse(r.out);
  CHECK(f["file"] == "-");
  CHECK(f["line"] == 2);
  CHECK(f["column"] == 6);
  CHECK(r.out.find(k) == std::string::npos);
  CHECK(run_leakgate({"stdin"}, "nothing here\n").exit_code == 0);
}

TEST_CASE("every report format is written to -o and valid") {
  KeyGen g(106);
  TempDir t;
  t.write("x.env", "ANTHROPIC_API_KEY=" + g.anthropic_api() + "\n");
  for (std::string fmt : {"json", "sarif"}) {
    auto r = run_leakgate({"dir", ".", "-f", fmt, "-o", "out." + fmt}, "", t.path());
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_NOTHROW(json::parse(lgtest::read_file(t.path() / ("out." + fmt))));
  }
  auto csv = run_leakgate({"dir", ".", "-f", "csv"}, "", t.path());
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 2);
}

TEST_CASE("rules list and rules check on the built-in set and on gitleaks' config") {
  auto list = run_leakgate({"rules", "list"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("anthropic-api-key") != std::string::npos);
  auto check = run_leakgate({"rules", "check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("0 failing") != std::string::npos);
  auto gl = run_leakgate({"rules", "check", LEAKGATE_TEST_DATA_DIR "/gitleaks/gitleaks.toml"});
  CHECK(gl.exit_code == 0);
  CHECK(gl.out.find("222 rules") != std::string::npos);
  TempDir t;
  const auto bad = t.write("bad.toml", "[[rules]]\nid = \"ok-rule\"\nregex = 'abc'\n"
                                       "examples = ['xx abc']\nnegatives = ['abd']\n"
                                       "[[rules]]\nid = \"wrong-example\"\nregex = 'zzz[0-9]'\nexamples = ['zzz']\n");
  auto r = run_leakgate({"rules", "check", bad.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("FAIL wrong-example") != std::string::npos);
  CHECK(r.out.find("ok   ok-rule") != std::string::npos);
}

TEST_CASE("rules list and rules check say which rules are generic, from the key or the id") {
  auto list = run_leakgate({"rules", "list", "-f", "json", "--no-local-config"});
  REQUIRE(list.exit_code == 0);
  std::set<std::string> generic;
  for (const auto& r : json::parse(list.out)) {
    REQUIRE(r.contains("generic"));
    if (r["generic"].get<bool>()) generic.insert(r["id"].get<std::string>());
  }
  CHECK(generic == std::set<std::string>{"generic-secret"});
  auto check = run_leakgate({"rules", "check"});
  CHECK(check.exit_code == 0);
  const std::string note = "     generic: its findings yield to a specific rule's on the same bytes\n";
  const size_t at = check.out.find(" generic-secret ");
  REQUIRE(at != std::string::npos);
  CHECK(check.out.find(note, at) == check.out.find('\n', at) + 1);  // the line right after the rule's
  CHECK(check.out.find(note) == check.out.rfind(note));              // and for no other rule
  // A user's file: the key marks a rule, and it is applied (no "keys leakgate does not apply" notice).
  TempDir t;
  t.write("r.toml", "[[rules]]\nid = \"corp-catchall\"\nregex = '''corp=(\\S{12,})'''\nsecretGroup = 1\n"
                    "keywords = [\"corp=\"]\ngeneric = true\n"
                    "[[rules]]\nid = \"generic-corp\"\nregex = '''gcorp=(\\S{12,})'''\nsecretGroup = 1\n"
                    "keywords = [\"gcorp=\"]\ngeneric = false\n");
  auto mine = run_leakgate({"rules", "list", "-f", "json", "-c", "r.toml"}, "", t.path());
  INFO(mine.err);
  REQUIRE(mine.exit_code == 0);
  CHECK(mine.err.find("does not apply") == std::string::npos);
  const json rules = json::parse(mine.out);
  REQUIRE(rules.size() == 2);
  CHECK(rules[0]["generic"] == true);
  CHECK(rules[1]["generic"] == false);
}

TEST_CASE("rules check --pedantic: the built-in rules keep their conventions, a bad file names rule and check") {
  auto builtin = run_leakgate({"rules", "check", "--pedantic"});
  INFO(builtin.out);
  CHECK(builtin.exit_code == 0);
  CHECK(builtin.out.find("0 failing (pedantic)") != std::string::npos);
  TempDir t;
  const auto bad = t.write("bad.toml", "[[rules]]\nid = \"vendor-q\"\ndescription = \"q\"\nregex = '''vendorq_[a-z]{12}'''\n"
                                       "keywords = [\"vendorq_\", \"spare\"]\n"
                                       "examples = ['vendorq_{{lower:12}}', 'x vendorq_{{lower:12}}']\n"
                                       "negatives = ['vendorq_', 'vendorq_{{upper:12}}']\n");
  auto plain = run_leakgate({"rules", "check", bad.string()});
  CHECK(plain.exit_code == 0);
  auto r = run_leakgate({"rules", "check", "--pedantic", bad.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("FAIL vendor-q") != std::string::npos);
  CHECK(r.out.find("rule 'vendor-q': pedantic keyword-used: keyword 'spare' occurs in no example's finding") !=
        std::string::npos);
  CHECK(r.out.find("1 failing (pedantic)") != std::string::npos);
}

TEST_CASE("leakgate over its own source tree reports nothing") {
  // The sources, not the build directory: a failing test's log there may quote a generated key.
  // Run from the source root with relative paths, as a user runs `leakgate dir .`: the findings'
  // paths, and so the fingerprints in .leakgateignore, are the same as for `dir .`.
  std::vector<std::string> args{"dir", "-q"};
  for (const char* p : {"CMakeLists.txt", "README.md", "scanner", "cli", "rules", "tests", "bench", "scripts",
                        "docs", "hooks", ".ci", "Dockerfile", "action.yml", ".pre-commit-hooks.yaml", ".leakgateignore"}) {
    if (std::filesystem::exists(std::filesystem::path(LEAKGATE_SOURCE_DIR) / p)) args.push_back(p);
  }
  auto r = run_leakgate(args, "", LEAKGATE_SOURCE_DIR);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("leakgate over its own git history reports nothing") {
  // Every commit, not only the tree: a key-shaped literal once committed stays in history. The one
  // known fake placeholder (see .leakgateignore) is suppressed by its fingerprint, as a user would.
  const auto source = std::filesystem::path(LEAKGATE_SOURCE_DIR);
  INFO("the test suite runs from a git checkout of leakgate (CI clones it)");
  REQUIRE(std::filesystem::exists(source / ".git"));
  auto r = run_leakgate({"git", source.string(), "-q"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("files the user hands in: a directory or a device is an error, never an empty input, pipes work") {
  KeyGen g(106);
  TempDir t;
  t.write("tree/a.txt", "k=" + g.anthropic_api() + "\n");
  std::filesystem::create_directory(t.path() / "somedir");
  // Read as an empty rule file, a directory once gave a scan with no rules: exit 0 over a key.
  auto cfg = run_leakgate({"dir", "tree", "--config", "somedir"}, "", t.path());
  CHECK(cfg.exit_code == 2);
  CHECK(cfg.err.find("cannot read config file 'somedir': it is a directory") != std::string::npos);
  auto base = run_leakgate({"dir", "tree", "--baseline", "somedir"}, "", t.path());
  CHECK(base.exit_code == 2);
  CHECK(base.err.find("cannot read report 'somedir': it is a directory") != std::string::npos);
  auto merged = run_leakgate({"merge", "somedir", "-o", "m.json"}, "", t.path());
  CHECK(merged.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(t.path() / "m.json"));
  // A scanned tree's .leakgateignore that leads to a device is refused, not read forever.
  std::filesystem::create_symlink("/dev/zero", t.path() / "tree" / ".leakgateignore");
  auto ign = run_leakgate({"dir", "tree"}, "", t.path());
  CHECK(ign.exit_code == 2);
  CHECK(ign.err.find("ignore file") != std::string::npos);
  CHECK(ign.err.find("not a regular file") != std::string::npos);
  std::filesystem::remove(t.path() / "tree" / ".leakgateignore");
  // The admin key file is capped far lower: a key is ~110 bytes.
  t.write("big.key", std::string(70000, 'k'));
  auto big = run_leakgate({"keys", "list", "--admin-key-file", "big.key"}, "", t.path());
  CHECK(big.exit_code == 2);
  CHECK(big.err.find("cannot read admin key file 'big.key': larger than 65536 bytes") != std::string::npos);
  // A rule file through a pipe still works (--config <(...)).
  auto piped = lgtest::scan({"dir", "tree", "--config", "/dev/stdin"}, "[extend]\nuseDefault = true\n", t.path());
  CHECK(piped.exit_code == 1);
  CHECK(piped.findings.size() == 1);
}

TEST_CASE("the exit code for findings (--exit-code) is a process status: 0 to 255") {
  KeyGen g(107);
  TempDir t;
  t.write("a.txt", "k=" + g.anthropic_api() + "\n");
  CHECK(run_leakgate({"dir", ".", "--exit-code", "7"}, "", t.path()).exit_code == 7);
  CHECK(run_leakgate({"dir", ".", "--exit-code", "0"}, "", t.path()).exit_code == 0);
  // 256 would wrap to 0 and pass a gate that found a key.
  auto wrap = run_leakgate({"dir", ".", "--exit-code", "256"}, "", t.path());
  CHECK(wrap.exit_code == 2);
  CHECK(wrap.err.find("--exit-code") != std::string::npos);
}

TEST_CASE("a deleted working directory: stdin scans with the built-in rules") {
  KeyGen g(108);
  TempDir t;
  const std::string k = g.anthropic_api();
  std::filesystem::create_directory(t.path() / "gone");
  auto r = lgtest::parse_scan(lgtest::run_command(
      {"sh", "-c", "cd gone && rmdir ../gone && exec \"$0\" stdin --format json", LEAKGATE_BINARY}, "k=" + k + "\n", t.path()));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.findings.size() == 1);
}

TEST_CASE("merge and --baseline read statuses back by name, and refuse a status they do not know") {
  TempDir t;
  auto finding = [](const std::string& fp, int line, const std::string& verification, const std::string& revocation) {
    json f = {{"rule_id", "demo-rule"}, {"description", "demo"}, {"file", "a.txt"}, {"line", line}, {"column", 1},
              {"end_line", line}, {"end_column", 8}, {"secret", "demo...xy"}, {"redacted", true},
              {"secret_sha256", std::string(64, '0')}, {"fingerprint", fp}};
    f["verification"] = {{"status", verification}, {"http_status", 401}};
    f["revocation"] = {{"status", revocation}, {"message", "m"}, {"key_id", nullptr}};
    return f;
  };
  t.write("a.json", json::array({finding("demo-rule:00000000000000a1", 1, "dead", "not-live")}).dump());
  t.write("b.jsonl", finding("demo-rule:00000000000000b2", 2, "unknown", "error").dump() + "\n");
  auto merged = run_leakgate({"merge", "a.json", "b.jsonl", "-f", "text"}, "", t.path());
  INFO(merged.err);
  CHECK(merged.exit_code == 1);
  CHECK(merged.out == "a.txt:1:1: demo-rule demo...xy  [dead]  [not-live]\n"
                      "a.txt:2:1: demo-rule demo...xy  [unknown]  [error]\n");
  auto as_json = run_leakgate({"merge", "a.json", "b.jsonl"}, "", t.path());
  const json back = lgtest::parse_scan(as_json).findings;
  REQUIRE(back.size() == 2);
  CHECK(back[0]["verification"]["status"] == "dead");
  CHECK(back[0]["revocation"]["status"] == "not-live");
  CHECK(back[1]["verification"]["status"] == "unknown");
  CHECK(back[1]["revocation"]["status"] == "error");

  // A status that is not one of the names is the report's error, never read as some default.
  t.write("bad.json", json::array({finding("demo-rule:00000000000000c3", 3, "dead", "revoked")}).dump());
  t.write("tree/a.txt", "nothing here\n");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"merge", "a.json", "bad.json", "-o", "m.json"},
                                               std::vector<std::string>{"dir", "tree", "--baseline", "bad.json"}}) {
    auto r = run_leakgate(args, "", t.path());
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("leakgate: error: report 'bad.json', finding 1: field 'revocation.status' must be one of "
                     "deactivated, would-deactivate, already-inactive, not-found, ambiguous, not-ours, not-live, "
                     "declined, error, not 'revoked'\n") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(t.path() / "m.json"));
}
