// The compiled-database cache: keyed by the code that builds it, and a damaged entry is a miss.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "scanner/ruleset/compiled_ruleset.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/ruleset/database_cache.h"
#include "scanner/ruleset/database_fingerprint.h"
#include "support/test_support.h"

using namespace leakgate;
using lgtest::count_rule;
using lgtest::scan_text;
namespace fs = std::filesystem;

namespace {

// Three rules, one of each kind a cache entry describes: `hexkw` has a database of its own (no
// literal, a keyword), `lit` is bounded in the main database, `tail` unbounded (the window cap).
constexpr const char* kRules = R"(
[[rules]]
id = "hexkw"
regex = '''[0-9a-f]{40}'''
keywords = ["vendorq"]
[[rules]]
id = "lit"
regex = '''zq_[a-z]{12}'''
[[rules]]
id = "tail"
regex = '''zt_[a-z]{8}[a-z]*'''
keywords = ["zt_"]
)";

std::vector<fs::path> entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".hsdb") out.push_back(e.path());
  return out;
}

// A cache file in its three parts (database_cache.cc): magic, material length and material; the
// meta JSON; the databases.
struct EntryParts {
  std::string head, meta, databases;
};

EntryParts split_entry(const std::string& bytes) {
  const size_t magic = std::strlen("leakgate-hsdb-4\n");
  uint64_t material = 0, meta = 0;
  std::memcpy(&material, bytes.data() + magic, 8);
  const size_t meta_at = magic + 8 + material;
  std::memcpy(&meta, bytes.data() + meta_at, 8);
  return {bytes.substr(0, meta_at), bytes.substr(meta_at + 8, meta), bytes.substr(meta_at + 8 + meta)};
}

std::string join_entry(const EntryParts& p) {
  std::string out = p.head;
  const uint64_t n = p.meta.size();
  out.append(reinterpret_cast<const char*>(&n), 8).append(p.meta).append(p.databases);
  return out;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

// The set finds what it should: whatever the cache held, a rule set that compiles must scan right.
void scans_right(const std::shared_ptr<const CompiledRuleset>& set, lgtest::KeyGen& g) {
  CHECK(count_rule(scan_text("id " + g.random("hex", 40) + " for VendorQ", 0, set), "hexkw") == 1);
  CHECK(count_rule(scan_text("id " + g.random("hex", 40) + " for nobody", 0, set), "hexkw") == 0);
  CHECK(count_rule(scan_text("x zq_" + g.random("lower", 12) + " y", 0, set), "lit") == 1);
  CHECK(count_rule(scan_text("x zt_" + g.random("lower", 30) + " y", 0, set), "tail") == 1);
}

}  // namespace

TEST_CASE("the cache key holds the code fingerprint: an entry another build wrote is never loaded") {
  const std::string fp(database_code_fingerprint());
  CHECK(fp.size() == 64);
  CHECK(fp.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(CompileOptions{}.code_fingerprint == fp);  // the default is this build's

  lgtest::TempDir dir;
  CompileOptions a;
  a.cache_dir = (dir.path() / "cache").string();
  a.code_fingerprint = std::string(64, 'a');
  CompileOptions b = a;
  b.code_fingerprint = std::string(64, 'b');
  const RuleConfig cfg = parse_config(kRules, "fp.toml");
  CHECK_FALSE(CompiledRuleset::compile(cfg, a)->from_cache());
  REQUIRE(entries(a.cache_dir).size() == 1);
  // The same rules under another fingerprint: a key of its own, so a's entry is not read...
  CHECK_FALSE(CompiledRuleset::compile(cfg, b)->from_cache());
  CHECK(entries(a.cache_dir).size() == 2);
  // ...nor overwritten, and each build loads its own.
  lgtest::KeyGen g(311);
  for (const auto& o : {a, b}) {
    auto again = CompiledRuleset::compile(cfg, o);
    CHECK(again->from_cache());
    scans_right(again, g);
  }
}

TEST_CASE("the test process has a rule cache of its own, never the user's") {
  const char* dir = std::getenv("LEAKGATE_CACHE_DIR");
  REQUIRE(dir != nullptr);
  CHECK(fs::equivalent(fs::path(dir).parent_path(), fs::temp_directory_path()));
  CHECK(fs::path(dir).filename().string().rfind("leakgate-test-", 0) == 0);
  CHECK(std::getenv("LEAKGATE_NO_CACHE") == nullptr);
  // Default options use it: a rule set this process has not compiled before is a miss, then a hit.
  const RuleConfig cfg = parse_config(R"([[rules]]
id = "harness-only"
regex = '''zh_[a-z]{10}'''
)", "harness.toml");
  const size_t before = entries(dir).size();
  CHECK_FALSE(CompiledRuleset::compile(cfg)->from_cache());
  CHECK(entries(dir).size() == before + 1);
  CHECK(CompiledRuleset::compile(cfg)->from_cache());
}

TEST_CASE("a cache entry with a value out of range is a miss: recompiled, never a crash or a wrong database") {
  lgtest::TempDir dir;
  CompileOptions o;
  o.cache_dir = (dir.path() / "cache").string();
  const RuleConfig cfg = parse_config(kRules, "bad-cache.toml");
  lgtest::KeyGen g(312);
  REQUIRE_FALSE(CompiledRuleset::compile(cfg, o)->from_cache());
  const auto files = entries(o.cache_dir);
  REQUIRE(files.size() == 1);
  const fs::path entry = files[0];
  const std::string good = lgtest::read_file(entry);
  const EntryParts parts = split_entry(good);
  const auto meta = nlohmann::json::parse(parts.meta);
  // What the compile wrote, so that each damage below is a change of one value.
  REQUIRE(meta["rules"].size() == 3);
  REQUIRE(meta["rules"][0]["own"] == true);
  REQUIRE(meta["rules"][1]["own"] == false);
  REQUIRE(meta["rules"][2]["bounded"] == false);
  const uint32_t cap = CompileOptions{}.unbounded_window;
  REQUIRE(meta["rules"][2]["window"] == cap);

  using Edit = std::function<void(nlohmann::json&)>;
  const std::vector<std::pair<std::string, Edit>> meta_edits = {
      {"an engine mode that does not exist", [](auto& j) { j["rules"][1]["mode"] = 7; }},
      {"the first number past the last engine mode", [](auto& j) { j["rules"][1]["mode"] = 4; }},
      {"a mode that names one only cut to 32 bits", [](auto& j) { j["rules"][1]["mode"] = (1ull << 32) | 1; }},
      {"a mode that is a string", [](auto& j) { j["rules"][1]["mode"] = "0"; }},
      {"path-only for a rule with a regex", [](auto& j) { j["rules"][1]["mode"] = 3; }},
      {"a negative mode", [](auto& j) { j["rules"][1]["mode"] = -1; }},
      {"a mode that is not an integer", [](auto& j) { j["rules"][1]["mode"] = 0.5; }},
      {"a window past the cap", [&](auto& j) { j["rules"][1]["window"] = cap + 1; }},
      {"a window past uint32", [](auto& j) { j["rules"][1]["window"] = 1ull << 40; }},
      {"a negative window", [](auto& j) { j["rules"][1]["window"] = -1; }},
      {"a window too large for any integer", [](auto& j) { j["rules"][1]["window"] = 1e30; }},
      {"a zero window", [](auto& j) { j["rules"][1]["window"] = 0; }},
      {"unbounded with a window short of the cap", [](auto& j) { j["rules"][2]["window"] = 20; }},
      {"RE2-only yet bounded", [](auto& j) { j["rules"][1]["mode"] = 2; }},
      {"a bool that is a string", [](auto& j) { j["rules"][1]["bounded"] = "yes"; }},
      {"an own database moved to a rule without keywords",
       [](auto& j) {
         j["rules"][0]["own"] = false;
         j["rules"][1]["own"] = true;
       }},
      {"a rule missing", [](auto& j) { j["rules"].erase(2); }},
      {"a rule added", [](auto& j) { j["rules"].push_back(j["rules"][1]); }},
      {"a rule that is not an object", [](auto& j) { j["rules"][1] = 5; }},
      {"rules that are not an array", [](auto& j) { j["rules"] = {{"a", 1}}; }},
      {"a note that is not a string", [](auto& j) { j["rules"][1]["note"] = 3; }},
      {"a field missing", [](auto& j) { j["rules"][1].erase("window"); }},
  };
  std::vector<std::pair<std::string, std::string>> damaged;
  for (const auto& [what, edit] : meta_edits) {
    auto j = meta;
    edit(j);
    damaged.emplace_back(what, join_entry({parts.head, j.dump(), parts.databases}));
  }
  // Lengths and bytes: a count past the end of the file, a database Hyperscan's checksum refuses,
  // a file cut short or with bytes left over, meta that is not JSON.
  const uint64_t huge = ~0ull;
  std::string long_meta = good;
  std::memcpy(long_meta.data() + parts.head.size(), &huge, 8);
  damaged.emplace_back("a meta length past the end", long_meta);
  std::string long_material = good;
  std::memcpy(long_material.data() + std::strlen("leakgate-hsdb-4\n"), &huge, 8);
  damaged.emplace_back("a material length past the end", long_material);
  std::string long_db = good;
  std::memcpy(long_db.data() + parts.head.size() + 8 + parts.meta.size(), &huge, 8);
  damaged.emplace_back("a database length past the end", long_db);
  uint64_t main_db = 0;
  std::memcpy(&main_db, parts.databases.data(), 8);
  REQUIRE(main_db > 64);
  std::string flipped = good;
  flipped[good.size() - parts.databases.size() + 8 + main_db / 2] ^= 0x5a;
  damaged.emplace_back("a flipped byte inside a database", flipped);
  damaged.emplace_back("a truncated file", good.substr(0, good.size() - 9));
  damaged.emplace_back("bytes left over", good + "x");
  damaged.emplace_back("meta that is not JSON", join_entry({parts.head, "{\"rules\": [", parts.databases}));

  for (const auto& [what, bytes] : damaged) {
    INFO(what);
    write_bytes(entry, bytes);
    auto set = CompiledRuleset::compile(cfg, o);
    CHECK_FALSE(set->from_cache());
    REQUIRE(set->rules().size() == 3);
    CHECK(set->rules()[0].own_database);
    CHECK(set->rules()[1].window == 15);
    CHECK(set->rules()[2].window == cap);
    scans_right(set, g);
  }
  // The recompile rewrote a good entry each time, and it loads.
  write_bytes(entry, good);
  auto cached = CompiledRuleset::compile(cfg, o);
  CHECK(cached->from_cache());
  scans_right(cached, g);
}

TEST_CASE("the cache reads each engine mode back as the mode its number names, and a number naming none is a miss") {
  // The numbers a file holds are the enum's: 0..3, fixed, each its own mode.
  const std::vector<std::pair<uint64_t, EngineMode>> numbered = {
      {0, EngineMode::kExact}, {1, EngineMode::kPrefilter}, {2, EngineMode::kRe2Only}, {3, EngineMode::kPathOnly}};
  for (const auto& [n, m] : numbered) {
    CHECK(engine_mode_number(m) == n);
    CHECK(engine_mode_from_number(n) == m);
  }
  for (uint64_t n : {uint64_t{4}, uint64_t{255}, uint64_t{256}, (uint64_t{1} << 32) | 1, ~uint64_t{0}}) {
    INFO(n);
    CHECK_FALSE(engine_mode_from_number(n));
  }

  // Through a file: DatabaseCache::load() itself refuses the entry, before any rule set sees it.
  lgtest::TempDir dir;
  const DatabaseCache cache(dir.path() / "cache");
  REQUIRE(cache.enabled());
  const DatabaseCache::Key key = cache.key("modes-test");
  cache.store(key, nullptr, nullptr, {}, {CachedRuleMode{EngineMode::kRe2Only, 40, false, false, "why"}});
  const auto files = entries(dir.path() / "cache");
  REQUIRE(files.size() == 1);
  const std::string good = lgtest::read_file(files[0]);
  const EntryParts parts = split_entry(good);
  const auto loaded = cache.load(key);
  REQUIRE(loaded);
  REQUIRE(loaded->rules.size() == 1);
  CHECK(loaded->rules[0].mode == EngineMode::kRe2Only);
  CHECK(nlohmann::json::parse(parts.meta)["rules"][0]["mode"] == 2);
  auto with_mode = [&](const nlohmann::json& mode) {
    auto j = nlohmann::json::parse(parts.meta);
    j["rules"][0]["mode"] = mode;
    write_bytes(files[0], join_entry({parts.head, j.dump(), parts.databases}));
    return cache.load(key);
  };
  for (const auto& [n, m] : numbered) {
    INFO(n);
    const auto hit = with_mode(n);
    REQUIRE(hit);
    CHECK(hit->rules[0].mode == m);
  }
  for (const nlohmann::json& bad : {nlohmann::json(4), nlohmann::json(7), nlohmann::json((1ull << 32) | 2),
                                    nlohmann::json(~0ull), nlohmann::json(-1), nlohmann::json(2.0),
                                    nlohmann::json("2"), nlohmann::json(true), nlohmann::json(nullptr)}) {
    INFO(bad.dump());
    CHECK_FALSE(with_mode(bad));
  }
}
