// Hostile input: huge and sparse files, one enormous line, file names that are not UTF-8, device
// nodes, and a pathological regex. Each must be scanned correctly or skipped, never hang or crash,
// and reports must stay valid.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "scanner/util/utf8.h"
#include "support/test_support.h"

using lgtest::KeyGen;
using lgtest::run_leakgate;
using nlohmann::json;
using lgtest::numbered;

TEST_CASE("a sparse file over 4 GiB with a key past 4 GiB is scanned to the end") {
  KeyGen g(600);
  lgtest::TempDir t;
  const auto path = t.path() / "huge.bin";
  std::string k(1, '\n');
  k.append(g.anthropic_api()).push_back('\n');
  {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    const off_t at = (off_t{1} << 32) + 12345;  // past Hyperscan's 32-bit block length
    REQUIRE(::pwrite(fd, k.data(), k.size(), at) == static_cast<ssize_t>(k.size()));
    ::close(fd);
  }
  auto r = lgtest::scan({"dir", t.path().string()});
  CHECK(r.exit_code == 1);
  const json& f = r.findings;
  REQUIRE(f.size() == 1);
  CHECK(f[0]["line"] == 2);
  CHECK(f[0]["column"] == 1);
}

TEST_CASE("a 100 MB single line and non-UTF-8 file names give valid reports") {
  KeyGen g(601);
  lgtest::TempDir t;
  std::string line(100u << 20, 'a');
  for (size_t i = 0; i < line.size(); i += 97) line[i] = ',';
  const std::string k = g.anthropic_api();
  line[77'777'777] = ' ';
  line.replace(77'777'778, k.size(), k);
  line[77'777'778 + k.size()] = ' ';
  t.write("one-line.min.js", line);
  const std::string weird = std::string("bad\xff\xfe name\x1b[31m.env");
  t.write(weird, "K=" + g.anthropic_api() + "\n");
  for (std::string fmt : {"json", "sarif", "csv", "jsonl", "text"}) {
    auto r = run_leakgate({"dir", ".", "--format", fmt}, "", t.path());
    INFO(fmt);
    CHECK(r.exit_code == 1);
    CHECK(leakgate::is_valid_utf8(r.out));
    CHECK(r.out.find('\x1b') == std::string::npos);
    if (fmt == "json" || fmt == "sarif") CHECK_NOTHROW(json::parse(r.out));
  }
  const json j = lgtest::scan({"dir", "."}, "", t.path()).findings;
  REQUIRE(j.size() == 2);
  bool weird_seen = false, line_seen = false;
  for (const auto& f : j) {
    if (f.contains("file_base64")) weird_seen = f["file_base64"] == leakgate::base64_encode(weird);
    if (f["file"] == "one-line.min.js") line_seen = f["column"] == 77'777'779;
  }
  CHECK(weird_seen);
  CHECK(line_seen);
}

TEST_CASE("device nodes are skipped without being read") {
  lgtest::TempDir t;
  t.write("plain.txt", "nothing\n");
  if (::geteuid() == 0) {  // creating a device node needs root; CI runs as root
    REQUIRE(::mknod((t.path() / "zero").c_str(), S_IFCHR | 0600, makedev(1, 5)) == 0);  // /dev/zero: endless
    auto r = run_leakgate({"dir", t.path().string(), "--stats"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("special=1") != std::string::npos);
  }
}

TEST_CASE("pathological regexes finish: automata, not backtracking") {
  // Nested, ambiguous repetitions that make a backtracking engine exponential on a long run with
  // no terminator; Hyperscan and RE2 are linear. CTest's per-test timeout is the guard against a
  // hang; the assertions are about the answers.
  lgtest::TempDir t;
  const auto rules = t.write("rules.toml", "[[rules]]\nid = \"nested\"\nregex = '''(?:[a-z]|[a-z]{2})+(?:[0-9]|[a-z][0-9])*!'''\n");
  KeyGen g(602);
  std::string input = g.random("lower", 4u << 20);
  auto r = run_leakgate({"stdin", "-c", rules.string()}, input);
  CHECK(r.exit_code == 0);
  input.back() = '!';
  auto hit = lgtest::scan({"stdin", "-c", rules.string()}, input);
  CHECK(hit.exit_code == 1);
  CHECK(hit.findings.size() == 1);
}

TEST_CASE("files that shrink, grow, vanish and reappear during a scan never crash it or hide a stable key") {
  // A writer thread churns 300 files (truncate, rewrite longer, unlink, recreate, swap a file for a
  // directory) while the scanner runs over the same tree again and again. Whatever a churned file
  // looks like when it is read, the run must end normally, name any file it could not read, and
  // still find the one key that never changes.
  KeyGen g(603);
  lgtest::TempDir t;
  const std::string stable = g.anthropic_api();
  t.write("stable/key.txt", "k=" + stable + "\n");
  const std::string filler(64 * 1024, 'z');
  for (int i = 0; i < 300; ++i) t.write(numbered("churn/f", i), filler);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    std::mt19937 rng(603);
    const auto dir = t.path() / "churn";
    while (!stop.load()) {
      const auto p = dir / numbered("f", static_cast<long>(rng() % 300));
      std::error_code ec;
      switch (rng() % 5) {
        case 0: ::truncate(p.c_str(), 0); break;
        case 1: ::truncate(p.c_str(), static_cast<off_t>(rng() % (256 * 1024))); break;
        case 2: std::filesystem::remove_all(p, ec); break;
        case 3: std::filesystem::remove_all(p, ec); std::filesystem::create_directory(p, ec); break;
        default: {
          std::filesystem::remove_all(p, ec);
          std::ofstream(p, std::ios::binary) << filler << filler;
        }
      }
    }
  });
  int runs = 0, clean_exits = 0;
  for (; runs < 15; ++runs) {
    auto r = lgtest::scan({"dir", t.path().string(), "--no-redact"});
    if (r.exit_code != 1) {
      INFO(r.err);
      CHECK(r.exit_code == 1);
      continue;
    }
    const json& f = r.findings;
    REQUIRE(f.size() == 1);
    CHECK(f[0]["secret"] == stable);
    // Anything reported on stderr is about a churned path, never the stable one.
    CHECK(r.err.find("stable") == std::string::npos);
    ++clean_exits;
  }
  stop = true;
  writer.join();
  CHECK(clean_exits == runs);
}

TEST_CASE("100,000 small files are all scanned, and keys among them all found") {
  KeyGen g(604);
  lgtest::TempDir t;
  std::vector<std::string> keys;
  for (int d = 0; d < 100; ++d) {
    const auto dir = t.path() / numbered("d", d);
    std::filesystem::create_directory(dir);
    for (int i = 0; i < 1000; ++i) {
      std::ofstream out(dir / numbered("f", i).append(".txt"), std::ios::binary);
      out << "file " << d << "/" << i << "\n";
      if (i == d * 7) {
        keys.push_back(g.anthropic_api());
        out << "key=" << keys.back() << "\n";
      }
    }
  }
  auto r = lgtest::scan({"dir", t.path().string(), "--stats"});
  CHECK(r.exit_code == 1);
  CHECK(r.findings.size() == keys.size());
  CHECK(r.err.find("files=100000") != std::string::npos);
}

TEST_CASE("permission denied: the unreadable file and directory are named, the rest is scanned") {
  // Root reads everything, so as root (CI) the scan runs as nobody via setpriv(1), the way an
  // unprivileged user meets a tree it cannot fully read.
  KeyGen g(605);
  lgtest::TempDir t;
  std::filesystem::permissions(t.path(), std::filesystem::perms::all);  // reachable by nobody
  t.write("open/key.txt", "k=" + g.anthropic_api() + "\n");
  t.write("closed-file.txt", "k=" + g.anthropic_api() + "\n");
  t.write("closed-dir/inner.txt", "k=" + g.anthropic_api() + "\n");
  namespace fs = std::filesystem;
  for (const char* p : {"open", "closed-dir"}) fs::permissions(t.path() / p, fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec | fs::perms::group_read | fs::perms::group_exec);
  fs::permissions(t.path() / "open" / "key.txt", fs::perms::owner_read | fs::perms::others_read | fs::perms::group_read);
  fs::permissions(t.path() / "closed-file.txt", fs::perms::none);
  fs::permissions(t.path() / "closed-dir", fs::perms::none);
  std::vector<std::string> argv;
  if (::geteuid() == 0) argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
  argv.push_back(LEAKGATE_BINARY);
  for (const std::string& a : std::vector<std::string>{"dir", t.path().string(), "--format", "json"}) argv.push_back(a);
  const auto run = lgtest::run_command(argv, "", {}, {{"LEAKGATE_NO_CACHE", "1"}});
  fs::permissions(t.path() / "closed-dir", fs::perms::owner_all);  // so TempDir can clean up
  const auto r = lgtest::parse_scan(run);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const json& f = r.findings;
  REQUIRE(f.size() == 1);
  CHECK(f[0]["file"] == "open/key.txt");
  CHECK(r.err.find("closed-file.txt") != std::string::npos);
  CHECK(r.err.find("closed-dir") != std::string::npos);
  CHECK(r.err.find("ermission denied") != std::string::npos);
}

TEST_CASE("a tree deeper than the descriptor limit is scanned to the bottom") {
  // A listed directory keeps its descriptor while its entries are pending (they are opened relative
  // to it), so a deep tree could hold one per level. With 32 descriptors and 120 levels the walk
  // must stop keeping them and open by full path. At every level the subdirectory is named so
  // that readdir lists it before some of that level's files (the order is the filesystem's), and
  // one worker walks: the walk then descends while files of every level above are still pending.
  namespace fs = std::filesystem;
  KeyGen g(606);
  lgtest::TempDir t;
  fs::path level = t.path();
  size_t planted = 0, files = 0;
  for (int d = 0; d < 120; ++d) {
    for (const char* f : {"a.txt", "filler.txt", "m.txt", "z.txt"}) {
      std::ofstream(level / f) << "nothing here\n";
      ++files;
    }
    if (d % 20 == 19) {
      std::ofstream(level / "key.txt") << "k=" << g.anthropic_api() << "\n";
      ++planted;
      ++files;
    }
    fs::path next;
    for (const char* name : {"b", "d", "k", "q", "x", "s", "f", "w"}) {
      fs::create_directory(level / name);
      std::string last;
      for (const auto& e : fs::directory_iterator(level)) last = e.path().filename().string();
      if (last != name) {
        next = level / name;
        break;
      }
      fs::remove(level / name);
    }
    REQUIRE(!next.empty());
    level = next;
  }
  auto r = lgtest::parse_scan(lgtest::run_command({"prlimit", "--nofile=32:32", LEAKGATE_BINARY, "dir", t.path().string(),
                                                   "-j", "1", "--format", "json", "--stats"},
                                                  "", {}, {{"LEAKGATE_NO_CACHE", "1"}}));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.findings.size() == planted);
  CHECK(r.err.find("files=" + std::to_string(files) + " ") != std::string::npos);
  CHECK(r.err.find("unreadable=0") != std::string::npos);
}

TEST_CASE("a rule file with 10,000 rules compiles into one database and every rule still matches") {
  lgtest::TempDir t;
  std::string toml;
  std::string input;
  for (int i = 0; i < 10000; ++i) {
    const std::string n = std::to_string(i);
    toml.append("[[rules]]\nid = \"r").append(n).append("\"\nregex = '''tok").append(n).append("_[a-f0-9]{24}\\b'''\n");
    if (i % 1000 == 999) input.append("x tok").append(n).append("_0123456789abcdef01234567 y\n");
  }
  const auto rules = t.write("many.toml", toml);
  // Hyperscan takes seconds to compile this many patterns; the cache makes the second run a load.
  const std::map<std::string, std::string> env{{"LEAKGATE_CACHE_DIR", (t.path() / "cache").string()}};
  auto r = lgtest::scan({"stdin", "-c", rules.string()}, input, {}, env);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const json& f = r.findings;
  REQUIRE(f.size() == 10);
  const std::set<std::string> ids = r.distinct("rule_id");
  CHECK(ids.count("r999") == 1);
  CHECK(ids.count("r9999") == 1);
  auto again = lgtest::scan({"stdin", "-c", rules.string(), "--stats"}, input, {}, env);
  CHECK(again.exit_code == 1);
  CHECK(again.findings == f);
  CHECK(again.err.find("rules=10000") != std::string::npos);
  CHECK(again.err.find("loaded from cache") != std::string::npos);
}
