// The scan driver in-process: one policy for every source, what a worker's failure does, the
// dedupe that depends on whether items are versions, the queue's termination with listings.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <new>
#include <set>
#include <stdexcept>

#include "scanner/pipeline/scan_driver.h"
#include "scanner/pipeline/work_queue.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/source/dir_source.h"
#include "support/test_support.h"

using namespace leakgate;
using lgtest::KeyGen;

namespace {

// A source held in memory: files by path, optionally under listing items ("dir/"), optionally as
// versions of a history (ids and earlier versions), with a hook to make one item's read fail.
class MemorySource : public Source {
 public:
  struct Entry {
    std::string path;
    std::string data;
    uint32_t order = 0;
    std::vector<std::string> earlier;  // contents of earlier versions
  };
  std::vector<Entry> entries;
  void add(std::string path, std::string data, uint32_t order = 0, std::vector<std::string> earlier = {}) {
    entries.push_back(Entry{std::move(path), std::move(data), order, std::move(earlier)});
  }
  SourceTraits traits_value;
  std::string throw_on;  // reading this path throws `throw_what`
  enum class Throw { kNone, kBadAlloc, kRuntime, kReaderCreation } throw_what = Throw::kNone;
  unsigned listings = 0;  // spread the entries over this many listing items (0: all at top level)
  std::atomic<unsigned> readers_made{0};

  SourceTraits traits() const override { return traits_value; }
  std::string name() const override { return "memory"; }

  SourceSummary produce(ItemFeed& feed, ScanProgress*) override {
    std::vector<Item> items;
    if (listings) {
      for (unsigned l = 0; l < listings; ++l) {
        Item it;
        it.path = lgtest::numbered("dir", l);
        it.listing = true;
        items.push_back(std::move(it));
      }
    } else {
      for (size_t i = 0; i < entries.size(); ++i) items.push_back(item_for(i));
    }
    feed.push(items);
    return {};
  }

  std::unique_ptr<SourceReader> reader() override {
    if (throw_what == Throw::kReaderCreation && readers_made++ == 0) throw Error("cannot open the thing");
    return std::make_unique<Reader>(*this);
  }

 private:
  Item item_for(size_t i) const {
    Item it;
    it.path = entries[i].path;
    it.order = entries[i].order;
    it.id.bytes[0] = static_cast<unsigned char>(i + 1);  // versions are told apart by id
    it.id.bytes[1] = static_cast<unsigned char>((i + 1) >> 8);
    for (size_t v = 0; v < entries[i].earlier.size(); ++v) {
      ObjectId old;
      old.bytes[19] = static_cast<unsigned char>(v + 1);
      old.bytes[18] = static_cast<unsigned char>(i + 1);
      old.bytes[17] = static_cast<unsigned char>((i + 1) >> 8);
      it.earlier.push_back(old);
    }
    return it;
  }

  class Bytes : public Content {
   public:
    explicit Bytes(std::string d) : data_(std::move(d)) {}
    std::optional<std::string_view> in_memory() override { return std::string_view(data_); }
    size_t read(char*, size_t) override { return 0; }

   private:
    std::string data_;
  };

  class Reader : public SourceReader {
   public:
    explicit Reader(MemorySource& s) : s_(s) {}
    Opened open(const Item& item, uint64_t) override {
      if (item.path == s_.throw_on) {
        if (s_.throw_what == Throw::kBadAlloc) throw std::bad_alloc();
        if (s_.throw_what == Throw::kRuntime) throw std::runtime_error("matcher exploded");
      }
      // An item's id says which entry it is (bytes 0-1), or which earlier version (bytes 17-19).
      if (item.id.bytes[19] != 0) {
        const size_t i = item.id.bytes[18] + (size_t{item.id.bytes[17]} << 8) - 1;
        return {ItemStatus::kRead, {}, std::make_unique<Bytes>(s_.entries.at(i).earlier.at(item.id.bytes[19] - 1))};
      }
      const size_t i = item.id.bytes[0] + (size_t{item.id.bytes[1]} << 8) - 1;
      if (i >= s_.entries.size()) return {ItemStatus::kMissing, "not here", nullptr};
      return {ItemStatus::kRead, {}, std::make_unique<Bytes>(s_.entries[i].data)};
    }
    void list(const Item& item, std::vector<Item>& out, std::vector<Unlisted>&) override {
      const unsigned l = static_cast<unsigned>(std::stoul(item.path.substr(3)));
      for (size_t i = l; i < s_.entries.size(); i += s_.listings) out.push_back(s_.item_for(i));
    }

   private:
    MemorySource& s_;
  };
};

ScanDriverOptions threads(unsigned n) {
  ScanDriverOptions o;
  o.threads = n;
  return o;
}

std::multiset<std::string> found_at(const ScanResult& r) {
  std::multiset<std::string> out;
  for (const auto& f : r.findings) out.insert(f.file + ":" + std::to_string(f.line));
  return out;
}

}  // namespace

TEST_CASE("the driver scans every item of a source once, on any number of readers, through listings") {
  KeyGen keys(7);
  MemorySource src;
  std::multiset<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    std::string body = "x = 1\n";
    if (i % 7 == 0) {
      body += "token = \"" + keys.github_pat() + "\"\n";
      expected.insert(lgtest::numbered("f", i) + ":2");
    }
    src.add(lgtest::numbered("f", i), body);
  }
  for (unsigned listings : {0u, 1u, 5u}) {
    for (unsigned n : {1u, 2u, 8u}) {
      INFO("listings " << listings << ", readers " << n);
      src.listings = listings;
      const ScanResult r = run_scan(src, lgtest::builtin_rules(), threads(n));
      CHECK(r.stats.files == 300);
      CHECK(found_at(r) == expected);
      CHECK(r.errors.empty());
      // Findings come out in one order whatever the readers did.
      CHECK(std::is_sorted(r.findings.begin(), r.findings.end(), finding_less));
    }
  }
}

TEST_CASE("a worker's exception stops the scan with an Error naming it, never std::terminate or a hang") {
  KeyGen keys(8);
  MemorySource src;
  for (int i = 0; i < 2000; ++i) src.add(lgtest::numbered("f", i), "token = \"" + keys.github_pat() + "\"\n");
  src.throw_on = "f1234";
  src.listings = 3;  // failures while listings are in hand must not leave the others waiting
  SECTION("memory exhausted") {
    src.throw_what = MemorySource::Throw::kBadAlloc;
    const std::string msg = lgtest::error_message([&] { run_scan(src, lgtest::builtin_rules(), threads(4)); });
    CHECK(msg.find("ran out of memory") != std::string::npos);
  }
  SECTION("any other exception") {
    src.throw_what = MemorySource::Throw::kRuntime;
    const std::string msg = lgtest::error_message([&] { run_scan(src, lgtest::builtin_rules(), threads(4)); });
    CHECK(msg == "the scan stopped: matcher exploded");
  }
}

TEST_CASE("a reader that cannot open its source is an input error, and the other readers scan everything") {
  KeyGen keys(9);
  MemorySource src;
  for (int i = 0; i < 64; ++i) src.add(lgtest::numbered("f", i), "token = \"" + keys.github_pat() + "\"\n");
  src.throw_what = MemorySource::Throw::kReaderCreation;
  std::vector<InputError> reported;
  ScanDriverOptions o = threads(3);
  o.on_error = [&](const InputError& e) { reported.push_back(e); };
  const ScanResult r = run_scan(src, lgtest::builtin_rules(), o);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].what == "memory");
  CHECK(r.errors[0].reason == "cannot open the thing");
  CHECK(reported.size() == 1);
  CHECK(r.findings.size() == 64);
}

TEST_CASE("versions: one finding per fingerprint at the earliest order, minus what earlier versions held") {
  KeyGen keys(10);
  const std::string a = keys.github_pat(), b = keys.github_pat();
  MemorySource src;
  // The same secret at the same path in three versions (orders 5, 2, 9) and twice in one file.
  src.add("app.cfg", "k = \"" + a + "\"\n", 5);
  src.add("app.cfg", "\nk = \"" + a + "\"\n", 2);
  src.add("app.cfg", "\n\nk = \"" + a + "\"\n", 9);
  src.add("twice.cfg", "k = \"" + b + "\"\nk = \"" + b + "\"\n", 1);
  // A change whose earlier version already held `b`: not new.
  src.add("moved.cfg", "k = \"" + b + "\"\nj = \"" + a + "\"\n", 3, {"k = \"" + b + "\"\n"});
  SECTION("a history: versions") {
    src.traits_value.versions = true;
    const ScanResult r = run_scan(src, lgtest::builtin_rules(), threads(2));
    CHECK(found_at(r) == std::multiset<std::string>{"app.cfg:2", "twice.cfg:1", "moved.cfg:2"});
  }
  SECTION("files: every occurrence") {
    const ScanResult r = run_scan(src, lgtest::builtin_rules(), threads(2));
    CHECK(found_at(r) ==
          std::multiset<std::string>{"app.cfg:1", "app.cfg:2", "app.cfg:3", "twice.cfg:1", "twice.cfg:2", "moved.cfg:2"});
  }
}

TEST_CASE("the driver's policy: exempt paths are not read, the size cap and sharding apply to every source") {
  KeyGen keys(11);
  lgtest::TempDir dir;
  dir.write(".leakgate.toml", "[[allowlists]]\npaths = ['''^vendor/''']\n");
  dir.write("vendor/lib.txt", "k = \"" + keys.github_pat() + "\"\n");
  dir.write("big.txt", std::string(5000, 'x') + "\nk = \"" + keys.github_pat() + "\"\n");
  for (int i = 0; i < 40; ++i) dir.write(lgtest::numbered("s/f", i), "k = \"" + keys.github_pat() + "\"\n");
  const ConfigFiles local = disk_config_files(dir.path(), true);
  auto rules = CompiledRuleset::compile(resolve_scan_config("", &local));
  DirSource src({{dir.path().string(), ""}});
  ScanDriverOptions o = threads(2);
  o.max_size = 1000;
  const ScanResult r = run_scan(src, rules, o);
  CHECK(r.stats.skipped_exempt == 1);  // vendor/lib.txt, never opened
  CHECK(r.too_large == std::vector<std::string>{"big.txt"});
  CHECK(r.findings.size() == 40);

  // Shards partition the items: together they find exactly what one scan finds.
  std::multiset<std::string> together;
  for (uint32_t k = 0; k < 3; ++k) {
    DirSource shard_src({{dir.path().string(), ""}});
    ScanDriverOptions so = threads(2);
    so.shard_index = k;
    so.shard_count = 3;
    const ScanResult part = run_scan(shard_src, rules, so);
    CHECK(part.findings.size() < 40);
    for (const auto& f : part.findings) together.insert(f.file);
  }
  std::multiset<std::string> all;
  for (const auto& f : r.findings) all.insert(f.file);
  all.insert("big.txt");  // the shards ran without the cap
  CHECK(together == all);
}

TEST_CASE("the work queue: entries of a listing come next, a fair share per reader, drained only when nothing is in hand") {
  WorkQueue q(2);
  std::vector<Item> top(6);
  for (size_t i = 0; i < top.size(); ++i) top[i].path = lgtest::numbered("t", static_cast<long>(i));
  q.append(top);
  std::vector<Item> got;
  REQUIRE(q.take(got, 16));
  CHECK(got.size() == 3);  // 6 queued, 2 readers
  std::vector<Item> entries(2);
  entries[0].path = "e0";
  entries[1].path = "e1";
  q.prepend(entries);
  q.close();
  std::vector<Item> next;
  REQUIRE(q.take(next, 1));
  CHECK(next[0].path == "e0");  // depth-first: the listing's entries before the rest
  q.finished(3);
  q.finished(1);
  std::vector<std::string> rest;
  while (q.take(next, 16)) {
    for (auto& it : next) rest.push_back(it.path);
    q.finished(next.size());
  }
  CHECK(rest == std::vector<std::string>{"e1", "t3", "t4", "t5"});
  // Stopped: taking ends at once and appending throws, so a producer stops planning.
  WorkQueue s(1);
  s.stop();
  CHECK_FALSE(s.take(next, 4));
  std::vector<Item> more(1);
  CHECK_THROWS_AS(s.append(more), ScanStopped);
}
