// Hostile input: huge and sparse files, one enormous line, file names that are not UTF-8, device
// nodes, and a pathological regex. Each must be scanned correctly or skipped, never hang or crash,
// and reports must stay valid.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "scanner/util/utf8.h"
#include "support/test_support.h"

using lgtest::KeyGen;
using lgtest::run_leakgate;
using nlohmann::json;

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
  auto r = run_leakgate({"dir", t.path().string(), "--format", "json"});
  CHECK(r.exit_code == 1);
  const json f = json::parse(r.out);
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
  auto j = json::parse(run_leakgate({"dir", ".", "--format", "json"}, "", t.path()).out);
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
  auto hit = run_leakgate({"stdin", "-c", rules.string(), "--format", "json"}, input);
  CHECK(hit.exit_code == 1);
  CHECK(json::parse(hit.out).size() == 1);
}
