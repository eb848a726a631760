// Property: the same content under the same configuration gets the same verdict through every
// source — `leakgate dir`, `leakgate stdin` (one file at a time), `leakgate git` (the history that
// committed it), `git --staged` (staged on an empty repository, and on top of a commit without it)
// and `git --range BASE..HEAD` — and each verdict is the one a small model of the configuration
// predicts. Trees, keys and configurations are generated from a fixed seed (printed on failure).
//
// The differences between sources that are meant to be there, and how the test encodes them:
// - git reports one finding per fingerprint (rule, path, secret), at its earliest introduction;
//   dir and stdin report every occurrence. git's expected set is dir's, reduced that way.
// - stdin names its input "-": a path allowlist, a path-only rule or a .leakgateignore entry taken
//   from a path does not apply to it, and its fingerprints are those of "-". It reads
//   .leakgate.toml and .leakgateignore from the current directory.
// - --range reads the configuration from the range's base, so the config is committed there;
//   what that base commit holds is not new to --range, nor to --staged on top of it.
// Two real divergences it found, between block positions and between lines rather than between
// sources, are fixed in the content scanner (described where the markers are generated: "Once
// KNOWN DIVERGENCE 1 and 2"); findings in .leakgateignore itself are described at generated_only().
// LEAKGATE_TEST_DUMP_DIR=DIR copies each scenario's tree to DIR/scenario-N, to rerun it by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include "support/test_support.h"

using lgtest::GitRepo;
using lgtest::KeyGen;
using nlohmann::json;

namespace {

constexpr uint64_t kSeed = 20240611;
constexpr int kScenarios = 10;

// What a finding is compared on. Path-only findings have line 0, column 0 and no secret.
using Row = std::tuple<std::string, std::string, int64_t, int64_t, std::string>;  // rule, file, line, column, secret
using Rows = std::multiset<Row>;
using FpRow = std::pair<Row, std::string>;  // with the fingerprint
using FpRows = std::multiset<FpRow>;

Row row_of(const json& f) {
  return {f.at("rule_id").get<std::string>(), f.at("file").get<std::string>(), f.at("line").get<int64_t>(),
          f.at("column").get<int64_t>(), f.at("secret").get<std::string>()};
}
Rows rows_of(const json& findings) {
  Rows out;
  for (const auto& f : findings) out.insert(row_of(f));
  return out;
}
FpRows fp_rows_of(const json& findings) {
  FpRows out;
  for (const auto& f : findings) out.insert({row_of(f), f.at("fingerprint").get<std::string>()});
  return out;
}

std::string show(const Row& r) {
  std::ostringstream s;
  s << std::get<0>(r) << " " << std::get<1>(r) << ":" << std::get<2>(r) << ":" << std::get<3>(r) << " "
    << std::get<4>(r).substr(0, 24);
  return s.str();
}
std::string show(const FpRow& r) { return show(r.first) + " " + r.second; }

// "" when equal, else what is missing from `actual` and what it has in excess.
template <typename Set>
std::string diff(const Set& expected, const Set& actual) {
  std::vector<typename Set::value_type> missing, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(extra));
  std::string out;
  for (const auto& r : missing) out += "\n  missing: " + show(r);
  for (const auto& r : extra) out += "\n  extra:   " + show(r);
  return out;
}

// git's view of dir's findings: one per fingerprint, the first in the file.
FpRows earliest_per_fingerprint(const FpRows& all) {
  std::map<std::string, FpRow> first;
  for (const auto& r : all) {  // ordered by rule, file, line, column: the first seen is the earliest
    first.emplace(r.second, r);
  }
  FpRows out;
  for (const auto& [fp, r] : first) out.insert(r);
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The configuration features a scenario turns on, all in one .leakgate.toml (+ .leakgateignore).
struct Features {
  bool add_rule = false;     // corp-token, a rule of our own
  bool path_rule = false;    // p12-cert: a path-only rule
  bool path_allow = false;   // global allowlist of paths under vendor/
  bool regex_allow = false;  // global allowlist of secrets holding the infix kAllowInfix
  bool line_allow = false;   // global allowlist of lines holding kLineMarker
  bool stopwords = false;    // global stopword kStopword
  bool ignore = false;       // .leakgateignore with some findings' fingerprints
  std::vector<std::string> block;  // --block-size for every run of the scenario, or nothing

  std::string describe() const {
    std::string d;
    const std::vector<std::pair<bool, const char*>> all{
        {add_rule, "added-rule"},     {path_rule, "path-only-rule"}, {path_allow, "path-allowlist"}, {regex_allow, "regex-allowlist"},
        {line_allow, "line-allowlist"}, {stopwords, "stopwords"},      {ignore, "ignore-file"}};
    for (const auto& [on, name] : all)
      if (on) d += std::string(name) + " ";
    return d + (block.empty() ? "block=default" : "block=" + block[1]);
  }
};

constexpr const char* kAllowInfix = "qzallowq";  // letters only: it fits every key's random part
constexpr const char* kStopword = "fxstopw";
constexpr const char* kLineMarker = "FIXTURE-LINE";

std::string toml_for(const Features& f) {
  std::string t = "# generated by source_equivalence_test\n";
  if (f.add_rule)
    t += "[[rules]]\nid = \"corp-token\"\ndescription = \"our own tokens\"\nregex = '''corp_[a-z0-9]{24}'''\n"
         "keywords = [\"corp_\"]\n\n";
  if (f.path_rule) t += "[[rules]]\nid = \"p12-cert\"\ndescription = \"a PKCS#12 file\"\npath = '''\\.p12$'''\n\n";
  if (f.path_allow) t += "[[allowlists]]\ndescription = \"vendored\"\npaths = ['''(?:^|/)vendor/''']\n\n";
  if (f.regex_allow) t += "[[allowlists]]\ndescription = \"fixture keys\"\nregexes = ['''(?i)" + std::string(kAllowInfix) + "''']\n\n";
  if (f.line_allow)
    t += "[[allowlists]]\ndescription = \"fixture lines\"\nregexTarget = \"line\"\nregexes = ['''" + std::string(kLineMarker) +
         "''']\n\n";
  if (f.stopwords) t += "[[allowlists]]\ndescription = \"stopwords\"\nstopwords = [\"" + std::string(kStopword) + "\"]\n\n";
  return t;
}

struct Planted {
  std::string rule, secret;
  size_t offset;
};

struct File {
  std::string path, content;
  std::vector<Planted> keys;
  bool ends_in_key = false;  // the last line written ends with a key's last byte
};

// Line (1-based), column (1-based) and the whole line of the byte at `offset`.
struct Where {
  int64_t line, column;
  std::string text;
};
Where where(const std::string& content, size_t offset) {
  const int64_t line = 1 + std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
  const size_t nl = offset == 0 ? std::string::npos : content.rfind('\n', offset - 1);
  const size_t start = nl == std::string::npos ? 0 : nl + 1;
  const size_t end = std::min(content.find('\n', offset), content.size());
  return {line, static_cast<int64_t>(offset - start) + 1, content.substr(start, end - start)};
}

bool vendored(const std::string& path) { return path.rfind("vendor/", 0) == 0 || path.find("/vendor/") != std::string::npos; }
bool p12(const std::string& path) { return path.size() > 4 && path.compare(path.size() - 4, 4, ".p12") == 0; }

// Whether `k` in `file` survives everything that does not depend on the path.
bool survives_content_filters(const Features& f, const File& file, const Planted& k) {
  if (k.rule == "corp-token" && !f.add_rule) return false;
  const std::string line = where(file.content, k.offset).text;
  if (line.find("leakgate:allow") != std::string::npos || line.find("gitleaks:allow") != std::string::npos) return false;
  if (f.line_allow && line.find(kLineMarker) != std::string::npos) return false;
  if (f.regex_allow && lower(k.secret).find(kAllowInfix) != std::string::npos) return false;
  if (f.stopwords && lower(k.secret).find(kStopword) != std::string::npos) return false;
  return true;
}

using Triple = std::tuple<std::string, std::string, std::string>;  // rule, file, secret: what a fingerprint names

Rows model_dir(const Features& f, const std::vector<File>& files, const std::set<Triple>& ignored) {
  Rows out;
  for (const auto& file : files) {
    if (f.path_allow && vendored(file.path)) continue;
    if (f.path_rule && p12(file.path) && !ignored.count({"p12-cert", file.path, ""}))
      out.insert({"p12-cert", file.path, 0, 0, ""});
    for (const auto& k : file.keys) {
      if (!survives_content_filters(f, file, k) || ignored.count({k.rule, file.path, k.secret})) continue;
      const Where w = where(file.content, k.offset);
      out.insert({k.rule, file.path, w.line, w.column, k.secret});
    }
  }
  return out;
}

Rows model_stdin(const Features& f, const File& file, const std::set<std::pair<std::string, std::string>>& ignored) {
  Rows out;
  for (const auto& k : file.keys) {
    if (!survives_content_filters(f, file, k) || ignored.count({k.rule, k.secret})) continue;
    const Where w = where(file.content, k.offset);
    out.insert({k.rule, "-", w.line, w.column, k.secret});
  }
  return out;
}

// Builds one scenario's files from the generator.
class TreeGen {
 public:
  explicit TreeGen(uint64_t seed) : rng_(seed), keys_(seed ^ 0x9e3779b97f4a7c15ULL) {}

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Scenario 0 has no configuration at all, scenario 1 every feature; the others draw theirs.
  Features features(int scenario) {
    Features f;
    if (scenario == 0) return f;
    if (scenario == 1) {
      f.add_rule = f.path_rule = f.path_allow = f.regex_allow = f.line_allow = f.stopwords = f.ignore = true;
      f.block = {"--block-size", "1"};
      return f;
    }
    f.add_rule = chance(0.5);
    f.path_rule = chance(0.5);
    f.path_allow = chance(0.5);
    f.regex_allow = chance(0.5);
    f.line_allow = chance(0.5);
    f.stopwords = chance(0.5);
    f.ignore = chance(0.5);
    switch (pick(3)) {
      case 0: break;
      case 1: f.block = {"--block-size", "1"}; break;  // raised to the smallest block the rules allow
      default: f.block = {"--block-size", std::to_string(60000 + pick(200000))};
    }
    return f;
  }

  std::string key(const std::string& rule, const std::string& infix) {
    if (rule == "corp-token") {
      std::string body = keys_.random("lalnum", 24 - infix.size());
      body.insert(pick(body.size() + 1), lower(infix));
      return "corp_" + body;
    }
    return keys_.for_rule(rule, infix);
  }

  // A fresh key of a random rule: sometimes carrying the allowlisted infix or the stopword.
  Planted fresh_key() {
    static const std::vector<std::string> rules = [] {
      auto v = KeyGen::generated_rule_ids();
      v.push_back("corp-token");
      return v;
    }();
    const std::string rule = rules[pick(rules.size())];
    std::string infix;
    if (chance(0.12)) infix = kAllowInfix;
    else if (chance(0.12)) infix = kStopword;
    return {rule, key(rule, infix), 0};
  }

  std::string filler_line() {
    static const char* words[] = {"lorem", "ipsum", "dolor", "sit", "amet", "build", "deploy", "config", "value",
                                  "42", "7", "service", "region", "cluster", "timeout", "retries", "name"};
    std::string s;
    const size_t n = 1 + pick(9);
    for (size_t i = 0; i < n; ++i) s += std::string(i ? " " : "") + words[pick(std::size(words))];
    return s;
  }

  // Appends `k` on a line of its own, in a random context, maybe with markers; records its offset.
  void put_key_line(File& file, Planted k, const std::string& eol) {
    static const std::pair<const char*, const char*> contexts[] = {
        {"", ""}, {"cfg: ", ""}, {"export X_VAR=", ""}, {"x = \"", "\""}, {"  - '", "'"}, {"{\"v\": \"", "\"}"},
        {"\t", " and more words"}, {"a ", ","}, {"(", ")"}};
    const auto& [pre, post] = contexts[pick(std::size(contexts))];
    std::string lead, trail;
    // Once KNOWN DIVERGENCE 1: a marker far from its key on a line longer than a block was missed
    // when a block started between the two (the line was cut at the block's start), so the verdict
    // depended on where blocks fell. Fixed in the content scanner (the marker is carried across
    // the boundary) and tested there ("a marker earlier on a line longer than a block ..."); the
    // markers here stay within a few bytes of their key, so the block size cannot matter to them.
    switch (pick(8)) {
      case 0: trail = "  # leakgate:allow"; break;
      case 1: lead = "// gitleaks:allow "; break;
      case 2: trail = std::string("  # ") + kLineMarker; break;
      default: break;
    }
    // Once KNOWN DIVERGENCE 2: a key that ends its line was suppressed by a marker on the NEXT
    // line (the rule's trailing boundary consumed the '\n' and the line's end was looked for after
    // it). Fixed in the content scanner; markers now follow such lines too, so every case checks it.
    std::string line = lead + pre;
    k.offset = file.content.size() + line.size();
    line += k.secret + post + trail;
    // Sometimes a second key on the same line, sharing its markers.
    std::optional<Planted> second;
    if (chance(0.15)) {
      second = fresh_key();
      second->offset = file.content.size() + line.size() + 1;
      line += " " + second->secret;
    }
    file.content += line + eol;
    file.ends_in_key = second ? true : (std::string(post).empty() && trail.empty());
    file.keys.push_back(k);
    if (second) file.keys.push_back(*second);
  }

  void add_filler(File& file, const std::string& eol) {
    file.content += filler_line() + eol;
    file.ends_in_key = false;
  }

  File small_file(const std::string& path, const std::vector<File>& others) {
    File file{path, {}, {}};
    const std::string eol = chance(0.2) ? "\r\n" : "\n";
    if (chance(0.15)) {
      static constexpr char kBinary[] = "\x00\x01\x02\x7f binary head ";
      file.content += std::string(kBinary, sizeof kBinary - 1) + eol;
    }
    const size_t nkeys = pick(6);  // 0 to 5 keys
    for (size_t i = 0; i < nkeys; ++i) {
      for (size_t j = pick(4); j > 0; --j) add_filler(file, eol);
      Planted k = fresh_key();
      if (!file.keys.empty() && chance(0.2)) k = file.keys[pick(file.keys.size())];  // the same secret again
      else if (chance(0.1)) {  // a secret another file holds too
        for (const auto& o : others)
          if (!o.keys.empty()) k = o.keys[pick(o.keys.size())];
      }
      put_key_line(file, k, eol);
    }
    for (size_t j = pick(3); j > 0; --j) add_filler(file, eol);
    if (chance(0.3) && !file.content.empty() && file.content.back() == '\n') {  // no newline at the end
      file.content.pop_back();
      if (!file.content.empty() && file.content.back() == '\r') file.content.pop_back();
    }
    return file;
  }

  // ~200 KB: keys straddling 64 KiB and 128 KiB, and runs of key lines so that small blocks'
  // boundaries fall inside keys.
  File big_file(const std::string& path) {
    File file{path, {}, {}};
    auto fill_to = [&](size_t target) {
      while (file.content.size() + 100 < target) add_filler(file, "\n");
    };
    for (size_t boundary : {size_t{65536}, size_t{131072}}) {
      fill_to(boundary - 150);
      Planted k = fresh_key();
      const size_t split = 1 + pick(k.secret.size() - 1);  // bytes of the key before the boundary
      REQUIRE(file.content.size() + split + 1 < boundary);
      file.content += std::string(boundary - split - file.content.size() - 1, 'z') + " ";
      k.offset = file.content.size();
      file.content += k.secret + "\n";
      file.ends_in_key = true;
      file.keys.push_back(k);
      for (int i = 0; i < 150; ++i) put_key_line(file, fresh_key(), "\n");
    }
    fill_to(200000);
    return file;
  }

  std::vector<File> files() {
    static const char* dirs[] = {"", "src/", "config/", "vendor/", "app/vendor/", "vendorish/", "deep/a/b/c/", ".hidden/"};
    static const char* names[] = {"settings.env", "app.py", "notes.md", "data.json", "cert.p12", "keys.p12", "run.sh"};
    std::vector<File> out;
    std::set<std::string> used;
    const size_t n = 5 + pick(4);
    while (out.size() < n) {
      const std::string path = std::string(dirs[pick(std::size(dirs))]) + names[pick(std::size(names))];
      if (!used.insert(path).second) continue;
      out.push_back(small_file(path, out));
    }
    if (chance(0.5)) out.push_back(big_file(std::string(dirs[pick(std::size(dirs))]) + "big.log"));
    return out;
  }

 private:
  std::mt19937_64 rng_;
  KeyGen keys_;
};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The findings in the generated files. The others must be the one known kind: a .leakgateignore
// line naming, say, an aws-access-key-id fingerprint reads as `access-key-id:<16 hex>` to the
// generic-secret rule (leakgate's own .leakgateignore says so of one of its lines).
Rows generated_only(const json& findings, const std::vector<File>& files) {
  std::set<std::string> paths;
  for (const auto& f : files) paths.insert(f.path);
  Rows out;
  for (const auto& f : findings) {
    const Row r = row_of(f);
    if (paths.count(std::get<1>(r))) {
      out.insert(r);
    } else {
      INFO("a finding outside the generated files: " << show(r));
      CHECK(std::get<0>(r) == "generic-secret");
      CHECK(std::get<1>(r) == ".leakgateignore");
    }
  }
  return out;
}

// Without the findings in `paths` (what a base commit already holds is not new).
FpRows without(const FpRows& rows, const std::vector<std::string>& paths) {
  FpRows out;
  for (const auto& r : rows)
    if (std::find(paths.begin(), paths.end(), std::get<1>(r.first)) == paths.end()) out.insert(r);
  return out;
}

void check_exit(const lgtest::ScanRun& r) {
  INFO(r.err);
  CHECK(r.exit_code == (r.findings.empty() ? 0 : 1));
}

}  // namespace

TEST_CASE("property: dir, stdin, git history, git --staged and git --range give the same verdict on generated trees") {
  std::mt19937_64 seeds(kSeed);
  size_t planted = 0, reported = 0, runs = 0, ignored_entries = 0, stdin_ignored_entries = 0;
  for (int s = 0; s < kScenarios; ++s) {
    const uint64_t seed = seeds();
    TreeGen gen(seed);
    const Features feat = gen.features(s);
    const std::vector<File> files = gen.files();
    INFO("seed " << kSeed << ", scenario " << s << " (its own seed " << seed << "): " << feat.describe());
    for (const auto& f : files) planted += f.keys.size();

    GitRepo repo;
    const auto root = repo.path();
    const std::string toml = toml_for(feat);
    std::vector<std::string> base_files{"README.base"};
    repo.write("README.base", "the base side\n");
    if (toml.find("[[") != std::string::npos) {
      repo.write(".leakgate.toml", toml);
      base_files.push_back(".leakgate.toml");
    }
    for (const auto& f : files) repo.write(f.path, f.content);
    const auto& block = feat.block;

    // Ignore entries: some of dir's findings by their fingerprint, and one of stdin's (path "-").
    std::set<Triple> ignored;
    std::set<std::pair<std::string, std::string>> ignored_stdin;
    if (feat.ignore) {
      const auto before = lgtest::scan(with({"dir", ".", "--no-redact"}, block), "", root);
      ++runs;
      CHECK(diff(model_dir(feat, files, {}), generated_only(before.findings, files)) == "");
      std::string text = "# reviewed fixtures\n";
      for (const auto& f : before.findings)
        if (gen.chance(0.3)) {
          text += f["fingerprint"].get<std::string>() + (gen.chance(0.5) ? "  # a reviewed fixture\n" : "\n");
          ignored.insert({f["rule_id"].get<std::string>(), f["file"].get<std::string>(), f["secret"].get<std::string>()});
        }
      const File& one = files[gen.pick(files.size())];
      const auto in = lgtest::scan(with({"stdin", "--no-redact"}, block), one.content, root);
      ++runs;
      if (!in.findings.empty()) {
        const json& f = in.findings[gen.pick(in.findings.size())];
        text += f["fingerprint"].get<std::string>() + "\n";
        ignored_stdin.insert({f["rule_id"].get<std::string>(), f["secret"].get<std::string>()});
      }
      ignored_entries += ignored.size();
      stdin_ignored_entries += ignored_stdin.size();
      repo.write(".leakgateignore", text);
      base_files.push_back(".leakgateignore");
    }

    if (const char* dump = std::getenv("LEAKGATE_TEST_DUMP_DIR")) {  // to rerun a scenario by hand
      const auto to = std::filesystem::path(dump) / lgtest::numbered("scenario-", s);
      std::filesystem::remove_all(to);
      std::filesystem::create_directories(to);
      for (const auto& e : std::filesystem::directory_iterator(root))
        if (e.path().filename() != ".git") std::filesystem::copy(e.path(), to / e.path().filename(), std::filesystem::copy_options::recursive);
    }

    // dir: the model's answer exactly.
    const auto dir = lgtest::scan(with({"dir", ".", "--no-redact"}, block), "", root);
    ++runs;
    check_exit(dir);
    const Rows expected_dir = model_dir(feat, files, ignored);
    CHECK(diff(expected_dir, generated_only(dir.findings, files)) == "");
    reported += dir.findings.size();
    const FpRows dir_fp = fp_rows_of(dir.findings);
    const FpRows expected_git = earliest_per_fingerprint(dir_fp);

    // The block size does not change the verdict.
    {
      const std::vector<std::string> other = block.empty() ? std::vector<std::string>{"--block-size", "1"} : std::vector<std::string>{};
      const auto again = lgtest::scan(with({"dir", ".", "--no-redact"}, other), "", root);
      ++runs;
      INFO("dir with the other block size");
      CHECK(diff(dir_fp, fp_rows_of(again.findings)) == "");
    }

    // stdin, file by file, from the tree's root (its config and ignore file apply).
    for (const auto& f : files) {
      const auto in = lgtest::scan(with({"stdin", "--no-redact"}, block), f.content, root);
      ++runs;
      INFO("stdin < " << f.path);
      check_exit(in);
      CHECK(diff(model_stdin(feat, f, ignored_stdin), rows_of(in.findings)) == "");
    }

    // git --staged on an empty repository: everything staged is new.
    repo.git({"add", "-A"});
    {
      const auto staged = lgtest::scan(with({"git", ".", "--staged", "--no-redact"}, block), "", root);
      ++runs;
      INFO("git --staged, no commit yet");
      check_exit(staged);
      CHECK(diff(expected_git, fp_rows_of(staged.findings)) == "");
    }
    // git --staged on top of a commit that holds only the configuration.
    repo.git({"rm", "-r", "-q", "--cached", "."});
    repo.git(with({"add", "--"}, base_files));
    repo.git({"commit", "-q", "-m", "base: configuration only"});
    const std::string base = repo.git({"rev-parse", "HEAD"}).substr(0, 40);
    repo.git({"add", "-A"});
    {
      const auto staged = lgtest::scan(with({"git", ".", "--staged", "--no-redact"}, block), "", root);
      ++runs;
      INFO("git --staged on top of the base commit");
      check_exit(staged);
      CHECK(diff(without(expected_git, base_files), fp_rows_of(staged.findings)) == "");
      // Without a git binary on PATH, libgit2 reads the index: the same answer.
      const auto no_git = lgtest::scan(with({"git", ".", "--staged", "--no-redact"}, block), "", root, {{"PATH", "/nonexistent"}});
      ++runs;
      INFO("git --staged through libgit2");
      check_exit(no_git);
      CHECK(diff(fp_rows_of(staged.findings), fp_rows_of(no_git.findings)) == "");
    }
    // Two commits over the base, the files split between them.
    repo.git({"reset", "-q"});
    std::vector<std::string> first{"add", "--"};
    for (const auto& f : files)
      if (gen.chance(0.5)) first.push_back(f.path);
    if (first.size() > 2) repo.git(first);
    repo.git({"commit", "-q", "--allow-empty", "-m", "first half"});
    repo.git({"add", "-A"});
    repo.git({"commit", "-q", "--allow-empty", "-m", "second half"});
    const std::string head = repo.git({"rev-parse", "HEAD"}).substr(0, 40);
    {
      const auto history = lgtest::scan(with({"git", ".", "--no-redact"}, block), "", root);
      ++runs;
      INFO("git history");
      check_exit(history);
      CHECK(diff(expected_git, fp_rows_of(history.findings)) == "");
    }
    {
      const auto range = lgtest::scan(with({"git", ".", "--range", base + ".." + head, "--no-redact"}, block), "", root);
      ++runs;
      INFO("git --range base..head");
      check_exit(range);
      CHECK(diff(without(expected_git, base_files), fp_rows_of(range.findings)) == "");
      CHECK(range.err.find("changes the scanner's configuration") == std::string::npos);
    }
  }
  // The generator must exercise something: keys found, keys suppressed, ignore entries of both kinds.
  INFO("planted " << planted << " keys, " << reported << " dir findings, " << runs << " leakgate runs, "
                  << ignored_entries << " + " << stdin_ignored_entries << " ignore entries");
  CHECK(reported > 100);
  CHECK(reported < planted);
  CHECK(ignored_entries > 0);
  CHECK(stdin_ignored_entries > 0);
}
