// The match stage on in-memory input: block boundaries, overlapping hits, positions, odd bytes.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "scanner/match/filters.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/util/fd_reader.h"
#include "scanner/report/redact.h"
#include "support/test_support.h"

using lgtest::count_rule;
using lgtest::KeyGen;
using lgtest::scan_text;

TEST_CASE("a key at offset 0 and at the end of input without newline is found") {
  KeyGen g(1);
  const std::string k = g.anthropic_api();
  auto f = scan_text(k);
  REQUIRE(count_rule(f, "anthropic-api-key") == 1);
  CHECK(f[0].line == 1);
  CHECK(f[0].column == 1);
  CHECK(f[0].secret == k);
  CHECK(f[0].end_column == k.size());
}

TEST_CASE("a key is found whatever delimiter follows it") {
  KeyGen g(2);
  for (std::string after : std::vector<std::string>{")", "]", ">", "}", ",", "&", ";", "\"", "'", "`", std::string(1, '\0'), "\\n", " ", "\r\n"}) {
    const std::string k = g.anthropic_api();
    auto f = scan_text("x = (" + k + after + "tail");
    INFO("delimiter " << after);
    REQUIRE(count_rule(f, "anthropic-api-key") == 1);
    CHECK(f[0].secret == k);
  }
}

TEST_CASE("a key glued to more token characters is not a key") {
  KeyGen g(3);
  const std::string k = g.anthropic_api();
  CHECK(count_rule(scan_text("x" + k), "anthropic-api-key") == 0);
  CHECK(count_rule(scan_text(k + "b"), "anthropic-api-key") == 0);
  CHECK(count_rule(scan_text(k.substr(0, k.size() - 3) + "AA"), "anthropic-api-key") == 0);
}

TEST_CASE("two secrets on one line, separated by a single delimiter, are both found") {
  KeyGen g(4);
  const std::string a = g.anthropic_api(), b = g.anthropic_api();
  auto f = scan_text("keys=" + a + "," + b + "\n");
  REQUIRE(count_rule(f, "anthropic-api-key") == 2);
  CHECK(f[0].column == 6);
  CHECK(f[1].column == 6 + a.size() + 1);
}

TEST_CASE("line and column count newlines, CRLF and NUL bytes") {
  KeyGen g(5);
  const std::string k = g.anthropic_api();
  std::string text = "a\r\nbb\r\n";
  text += std::string("\0\0\0", 3);
  text += "\r\n   '" + k + "'\r\n";
  auto f = scan_text(text);
  REQUIRE(count_rule(f, "anthropic-api-key") == 1);
  CHECK(f[0].line == 4);
  CHECK(f[0].column == 5);
}

TEST_CASE("invalid UTF-8 around a key does not hide it") {
  KeyGen g(6);
  const std::string k = g.anthropic_api();
  auto f = scan_text("\xff\xfe\xc3(" + k + "\x80\xff");
  REQUIRE(count_rule(f, "anthropic-api-key") == 1);
  CHECK(f[0].secret == k);
}

namespace {
// Each planted (offset, secret) is found once by `rule`, and nothing else by it.
void check_planted(std::vector<leakgate::Finding> f, const std::string& rule,
                   const std::vector<std::pair<size_t, std::string>>& planted) {
  REQUIRE(count_rule(f, rule) == planted.size());
  std::sort(f.begin(), f.end(), [](auto& a, auto& b) { return a.offset < b.offset; });
  for (size_t i = 0; i < planted.size(); ++i) {
    CHECK(f[i].offset == planted[i].first);
    CHECK(f[i].secret == planted[i].second);
  }
}
}  // namespace

TEST_CASE("keys straddling block boundaries are found exactly once") {
  KeyGen g(7);
  const size_t block = 64 * 1024;  // raised to the scanner's minimum if smaller
  std::string text(1 << 20, 'z');
  for (size_t i = 0; i < text.size(); i += 61) text[i] = '\n';
  std::vector<std::pair<size_t, std::string>> planted;
  // Every offset near several candidate boundaries: whatever the real block size is, many keys
  // cross a boundary, start on it or end on it.
  for (size_t pos = 3000; pos + 200 < text.size(); pos += 7919) {
    const std::string k = g.anthropic_api();
    text[pos] = ' ';
    text.replace(pos + 1, k.size(), k);
    text[pos + 1 + k.size()] = ' ';
    planted.emplace_back(pos + 1, k);
  }
  for (size_t bs : {block, size_t(200 * 1024), size_t(8 << 20)}) {
    INFO("block size " << bs);
    check_planted(scan_text(text, bs), "anthropic-api-key", planted);
  }
}

TEST_CASE("a match whose leading context RE2 skips is found exactly once across block boundaries") {
  // RE2 confirms without `[\w.-]{0,50}?` and the match start is walked back over it, into the
  // run of `z` before each key: which block owns a match goes by that start, as with the whole
  // regex in RE2.
  const std::string toml = R"(
[[rules]]
id = "ctx"
regex = '''(?i)[\w.-]{0,50}?zkey=([0-9a-f]{32})'''
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''^nothing-like-this''']
)";
  const auto [whole, stripped] = lgtest::compile_context_variants(toml);
  REQUIRE(stripped->rules()[0].lead != nullptr);
  KeyGen g(11);
  std::string text(1 << 20, 'z');
  for (size_t i = 0; i < text.size(); i += 61) text[i] = '\n';
  std::vector<std::pair<size_t, std::string>> planted;
  for (size_t pos = 2500; pos + 200 < text.size(); pos += 6007) {
    const std::string k = "zkey=" + g.random("hex", 32);
    text.replace(pos, k.size(), k);
    text[pos + k.size()] = ' ';
    planted.emplace_back(pos + 5, k.substr(5));
  }
  for (size_t bs : {size_t(64 * 1024), size_t(200 * 1024), size_t(8 << 20)}) {
    for (const auto& set : {whole, stripped}) {
      INFO("block size " << bs << (set == whole ? ", whole regex" : ", split"));
      check_planted(scan_text(text, bs, set), "ctx", planted);
    }
  }
}

TEST_CASE("line numbers stay right across blocks") {
  KeyGen g(8);
  std::string text;
  for (int i = 0; i < 40000; ++i) text += "line " + std::to_string(i) + " of filler text\n";
  const std::string k = g.anthropic_api();
  text += "secret: " + k + "\n";
  auto small = scan_text(text, 64 * 1024);
  auto big = scan_text(text);
  REQUIRE(count_rule(small, "anthropic-api-key") == 1);
  REQUIRE(count_rule(big, "anthropic-api-key") == 1);
  CHECK(small[0].line == 40001);
  CHECK(small[0].column == 9);
  CHECK(small[0].line == big[0].line);
}

TEST_CASE("a key inside a 10 MB line is found") {
  KeyGen g(9);
  std::string text(10 << 20, 'q');
  for (size_t i = 0; i < text.size(); i += 50) text[i] = ' ';
  const std::string k = g.anthropic_api();
  const size_t at = 7'000'001;
  text[at - 1] = '"';
  text.replace(at, k.size(), k);
  text[at + k.size()] = '"';
  auto f = scan_text(text, 1 << 20);
  REQUIRE(count_rule(f, "anthropic-api-key") == 1);
  CHECK(f[0].line == 1);
  CHECK(f[0].column == at + 1);
}

TEST_CASE("placeholders are not leaks") {
  KeyGen g(10);
  CHECK(scan_text("ANTHROPIC_API_KEY=sk-ant-api03-your-key-here\n").empty());
  CHECK(scan_text("key: sk-ant-api03-R2D...igAA\n").empty());
  CHECK(scan_text("key: sk-ant-api03-" + std::string(93, 'x') + "AA\n").empty());
  CHECK(scan_text("key: sk-ant-api03-" + std::string(93, 'X') + "AA\n").empty());
  CHECK(scan_text("key: sk-ant-api03-" + std::string(93, '*') + "AA\n").empty());
  CHECK(leakgate::looks_like_placeholder("sk-ant-api03-" + std::string(93, '0') + "AA"));
  CHECK_FALSE(leakgate::looks_like_placeholder(g.anthropic_api()));
}

TEST_CASE("inline allow markers suppress the line only") {
  KeyGen g(11);
  const std::string a = g.anthropic_api(), b = g.anthropic_api();
  auto f = scan_text("k1 = \"" + a + "\" # leakgate:allow\nk2 = \"" + b + "\"\n");
  REQUIRE(count_rule(f, "anthropic-api-key") == 1);
  CHECK(f[0].secret == b);
  CHECK(scan_text("k = '" + a + "' // gitleaks:allow").empty());
}

TEST_CASE("a marker earlier on a line longer than a block still applies to the line's key") {
  KeyGen g(13);
  const std::string key = g.github_pat(), near(50000, 'b'), far(70000, 'b');
  // Block size 1 is raised to the smallest block the scanner allows (a few hundred KiB): some of
  // these prefixes put a block boundary between the marker and the key, which once cut the line
  // at the boundary and lost the marker (found by the source-equivalence property test).
  for (size_t block : {size_t{1}, size_t{0}}) {
    for (size_t pre : {size_t{0}, size_t{100000}, size_t{150000}, size_t{200000}, size_t{300000}}) {
      INFO("block size " << block << ", marker at " << pre);
      const std::string head(pre, 'a');
      CHECK(scan_text(head + " # leakgate:allow " + near + " " + key + "\nnext\n", block).empty());
      CHECK(scan_text(head + " // gitleaks:allow " + near + " " + key + "\n", block).empty());
      // A marker on the line before does not carry into the next line, however long that one is.
      CHECK(scan_text(head + " # leakgate:allow\n" + near + " " + key + "\n", block).size() == 1);
      // Nor one further back than a line is followed (64 KiB), as within one block.
      CHECK(scan_text(head + " # leakgate:allow " + far + " " + key + "\n", block).size() == 1);
    }
  }
}

TEST_CASE("a marker or a line allowlist on the next line does not apply to a key that ends its line") {
  KeyGen g(12);
  // The rule's trailing boundary consumes the newline after a bare key: the key's line still ends
  // there (found by the source-equivalence property test: the next line's marker hid the key).
  for (const std::string& key : {g.github_pat(), g.anthropic_api()}) {
    INFO(key.substr(0, 7));
    CHECK(scan_text("x " + key + "\n# leakgate:allow\n").size() == 1);
    CHECK(scan_text("x " + key + "\r\n# leakgate:allow\r\n").size() == 1);
    CHECK(scan_text("x " + key + " # leakgate:allow\nnext\n").empty());
  }
  auto rules = leakgate::CompiledRuleset::compile(leakgate::parse_config(
      "[extend]\nuseDefault = true\n[[allowlists]]\nregexTarget = \"line\"\nregexes = ['''^# reviewed''']\n",
      "test.toml"));
  const std::string key = g.github_pat();
  CHECK(scan_text("x " + key + "\n# reviewed\n", 0, rules).size() == 1);
  CHECK(scan_text("# reviewed " + key + "\n", 0, rules).empty());
}

TEST_CASE("Anthropic keys redact to the Console hint") {
  KeyGen g(12);
  const std::string k = g.anthropic_api();
  const std::string hint = leakgate::redact(k);
  CHECK(hint == k.substr(0, 16) + "..." + k.substr(k.size() - 4));
  CHECK(hint.find(k.substr(16, 20)) == std::string::npos);
  const std::string admin = g.anthropic_admin();
  CHECK(leakgate::redact(admin) == admin.substr(0, 18) + "..." + admin.substr(admin.size() - 4));
  CHECK(leakgate::redact("hunter2hunter2hunter2") == "hunt...");
  CHECK(leakgate::redact("short") == "s...");
}

TEST_CASE("entropy is Shannon bits per byte") {
  CHECK(leakgate::shannon_entropy("") == 0.0);
  CHECK(leakgate::shannon_entropy("aaaa") == 0.0);
  CHECK(leakgate::shannon_entropy("abcd") == Approx(2.0));
  CHECK(leakgate::shannon_entropy("0123456789abcdef") == Approx(4.0));
}

TEST_CASE("streams delivered in short, uneven reads (pipes) give the same findings as one buffer") {
  KeyGen g(13);
  std::string text;
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) {
    text += "line " + std::to_string(i) + " filler filler filler filler\n";
    if (i % 7 == 0) {
      keys.push_back(g.anthropic_api());
      text += "export ANTHROPIC_API_KEY=" + keys.back() + "\n";
    }
  }
  std::string big;
  for (int r = 0; r < 40; ++r) big += text;  // ~1.7 MB, several 64 KiB blocks
  const auto whole = scan_text(big, 64 * 1024);
  leakgate::ContentScannerOptions o;
  o.block_size = 64 * 1024;
  leakgate::ContentScanner scanner(lgtest::builtin_rules(), o);
  std::mt19937 rng(5);
  size_t pos = 0;
  std::vector<leakgate::Finding> streamed;
  const uint64_t n = scanner.scan_stream(
      [&](char* buf, size_t want) {
        const size_t take = std::min<size_t>({want, big.size() - pos, 1 + rng() % 4096});
        std::memcpy(buf, big.data() + pos, take);
        pos += take;
        return take;
      },
      leakgate::ScanTarget{"test.txt", {}}, streamed);
  CHECK(n == big.size());
  REQUIRE(streamed.size() == whole.size());
  CHECK(count_rule(streamed, "anthropic-api-key") == keys.size() * 40);
  for (size_t i = 0; i < whole.size(); ++i) {
    CHECK(streamed[i].offset == whole[i].offset);
    CHECK(streamed[i].line == whole[i].line);
    CHECK(streamed[i].column == whole[i].column);
  }
}

TEST_CASE("a read error mid-stream is reported, not swallowed") {
  leakgate::ContentScanner scanner(lgtest::builtin_rules());
  std::vector<leakgate::Finding> out;
  int calls = 0;
  CHECK_THROWS_AS(scanner.scan_stream(
                      [&](char* buf, size_t) -> size_t {
                        if (++calls > 2) throw leakgate::ReadError("Input/output error");
                        std::memset(buf, 'x', 10);
                        return 10;
                      },
                      leakgate::ScanTarget{"f", {}}, out),
                  leakgate::ReadError);
}

TEST_CASE("a file that shrank or grew after it was measured is scanned as it is when read") {
  // The directory walk sizes its buffer from fstat(); by the time it reads, the file may be
  // shorter (EOF early) or longer (read on to the real EOF). Both must scan exactly what is read.
  KeyGen g(14);
  const std::string key = g.anthropic_api();
  std::string grown(3u << 20, 'x');
  for (size_t i = 0; i < grown.size(); i += 80) grown[i] = '\n';
  grown += "\nk=" + key + "\n";
  const std::string shrunk = "k=" + key + "\n";
  leakgate::ContentScannerOptions o;
  o.block_size = 1u << 20;
  leakgate::ContentScanner scanner(lgtest::builtin_rules(), o);
  for (const auto& c : {std::pair{shrunk, uint64_t{5u << 20}}, std::pair{grown, uint64_t{10}},
                        std::pair{shrunk, uint64_t{0}}}) {
    const std::string& text = c.first;  // not a structured binding: clang 14 cannot capture those
    const uint64_t hint = c.second;
    INFO("size " << text.size() << ", hint " << hint);
    size_t pos = 0;
    std::vector<leakgate::Finding> out;
    const uint64_t n = scanner.scan_stream(
        [&](char* buf, size_t want) {
          const size_t take = std::min(want, text.size() - pos);
          std::memcpy(buf, text.data() + pos, take);
          pos += take;
          return take;
        },
        leakgate::ScanTarget{"f", {}}, out, hint);
    CHECK(n == text.size());
    REQUIRE(count_rule(out, "anthropic-api-key") == 1);
    CHECK(out[0].offset == text.size() - key.size() - 1);
  }
}
