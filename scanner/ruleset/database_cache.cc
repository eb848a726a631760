#include "scanner/ruleset/database_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scanner/util/fd_reader.h"

namespace leakgate {

namespace {
// v4: magic, u64 material length, material, u64 meta length, meta (JSON), then the rule database,
// the keyword database and each own database, each as u64 length + serialized bytes (length 0:
// none); the rules marked `own` in the meta say how many own databases there are.
constexpr char kMagic[] = "leakgate-hsdb-4\n";

bool take_u64(std::string_view& in, uint64_t& v) {
  if (in.size() < 8) return false;
  std::memcpy(&v, in.data(), 8);
  in.remove_prefix(8);
  return true;
}

void put_u64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }

// The field `name` of `j` as an unsigned integer no larger than `max`. get<>() alone would turn a
// negative number into a huge one and a float into an integer (undefined behaviour when it does
// not fit), so the JSON type is checked first.
bool take_uint(const nlohmann::json& j, const char* name, uint64_t max, uint64_t& out) {
  const auto it = j.find(name);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  out = it->get<uint64_t>();
  return out <= max;
}

bool take_bool(const nlohmann::json& j, const char* name, bool& out) {
  const auto it = j.find(name);
  if (it == j.end() || !it->is_boolean()) return false;
  out = it->get<bool>();
  return true;
}

// One rule's entry of the meta JSON; false when a field is missing, of another type or out of
// range for its C++ type (the mode: a number that names no EngineMode). Whether the values make
// sense for the rules is the caller's check.
bool take_rule(const nlohmann::json& r, CachedRuleMode& out) {
  uint64_t mode = 0, window = 0;
  const auto note = r.is_object() ? r.find("note") : r.end();
  if (!r.is_object() || !take_uint(r, "mode", UINT64_MAX, mode) || !take_uint(r, "window", UINT32_MAX, window) ||
      !take_bool(r, "bounded", out.bounded) || !take_bool(r, "own", out.own) || note == r.end() || !note->is_string())
    return false;
  const std::optional<EngineMode> named = engine_mode_from_number(mode);
  if (!named) return false;
  out.mode = *named;
  out.window = static_cast<uint32_t>(window);
  out.note = note->get<std::string>();
  return true;
}

// The whole file in one read (it is a few hundred KB to a few MB).
std::optional<std::string> slurp(const std::filesystem::path& p) {
  UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  try {
    return read_all(fd.get());
  } catch (const ReadError&) {
    return std::nullopt;
  }
}
}  // namespace

DatabaseCache::DatabaseCache(std::filesystem::path dir) {
  if (std::getenv("LEAKGATE_NO_CACHE")) return;
  if (dir.empty()) {
    if (const char* d = std::getenv("LEAKGATE_CACHE_DIR"); d && *d) dir = d;
    else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) dir = std::filesystem::path(x) / "leakgate";
    else if (const char* h = std::getenv("HOME"); h && *h) dir = std::filesystem::path(h) / ".cache" / "leakgate";
  }
  dir_ = dir;
}

DatabaseCache::Key DatabaseCache::key(const std::string& material) const {
  hs_platform_info_t plat{};
  hs_populate_platform(&plat);
  std::ostringstream k;
  k << hs_version() << '\n' << plat.tune << ' ' << plat.cpu_features << '\n' << material;
  Key key{{}, k.str()};
  // Names the file only; load() compares the stored material, so a collision is just a miss.
  char name[40];
  std::snprintf(name, sizeof name, "%016zx-%zx", std::hash<std::string_view>{}(key.material), key.material.size());
  key.name = name;
  return key;
}

std::optional<CachedDatabase> DatabaseCache::load(const Key& key) const {
  if (!enabled()) return std::nullopt;
  const auto file = slurp(dir_ / (key.name + ".hsdb"));
  if (!file) return std::nullopt;
  std::string_view data = *file;
  const size_t magic = sizeof kMagic - 1;
  if (data.size() < magic || data.compare(0, magic, kMagic) != 0) return std::nullopt;
  data.remove_prefix(magic);
  uint64_t material_len = 0, json_len = 0;
  if (!take_u64(data, material_len) || material_len > data.size()) return std::nullopt;
  if (data.substr(0, material_len) != key.material) return std::nullopt;  // stale or colliding entry
  data.remove_prefix(material_len);
  if (!take_u64(data, json_len) || json_len > data.size()) return std::nullopt;
  CachedDatabase out;
  const auto j = nlohmann::json::parse(data.substr(0, json_len), nullptr, /*allow_exceptions=*/false);
  const auto rules = j.is_object() ? j.find("rules") : j.end();
  if (rules == j.end() || !rules->is_array()) return std::nullopt;
  for (const auto& r : *rules)
    if (!take_rule(r, out.rules.emplace_back())) return std::nullopt;
  data.remove_prefix(json_len);
  out.own_databases.resize(
      static_cast<size_t>(std::count_if(out.rules.begin(), out.rules.end(), [](const auto& r) { return r.own; })));
  std::vector<HsDatabase*> targets{&out.database, &out.keyword_database};
  for (auto& d : out.own_databases) targets.push_back(&d);
  for (HsDatabase* target : targets) {
    uint64_t len = 0;
    if (!take_u64(data, len) || len > data.size()) return std::nullopt;
    if (len > 0) {
      hs_database_t* db = nullptr;
      if (hs_deserialize_database(data.data(), len, &db) != HS_SUCCESS) return std::nullopt;
      target->reset(db);
    }
    data.remove_prefix(len);
  }
  if (!data.empty()) return std::nullopt;
  for (const auto& d : out.own_databases)
    if (!d) return std::nullopt;
  if (!out.own_databases.empty() && !out.database) return std::nullopt;  // their keywords live there
  return out;
}

void DatabaseCache::store(const Key& key, const hs_database_t* db, const hs_database_t* keyword_db,
                          const std::vector<const hs_database_t*>& own_dbs,
                          const std::vector<CachedRuleMode>& rules) const {
  if (!enabled()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return;
  nlohmann::json j;
  j["rules"] = nlohmann::json::array();
  for (const auto& r : rules)
    j["rules"].push_back(
        {{"mode", engine_mode_number(r.mode)}, {"window", r.window}, {"bounded", r.bounded}, {"own", r.own}, {"note", r.note}});
  const std::string meta = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out(kMagic, sizeof kMagic - 1);
  put_u64(out, key.material.size());
  out += key.material;
  put_u64(out, meta.size());
  out += meta;
  std::vector<const hs_database_t*> all{db, keyword_db};
  all.insert(all.end(), own_dbs.begin(), own_dbs.end());
  for (const hs_database_t* d : all) {
    char* bytes = nullptr;
    size_t len = 0;
    if (d && hs_serialize_database(d, &bytes, &len) != HS_SUCCESS) return;
    put_u64(out, len);
    if (bytes) {
      out.append(bytes, len);
      std::free(bytes);
    }
  }
  // Write to a private temp file and rename: readers never see a half-written database.
  std::string tmp = (dir_ / (key.name + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return;
  bool ok = true;
  for (size_t off = 0; off < out.size();) {
    const ssize_t w = ::write(fd, out.data() + off, out.size() - off);
    if (w <= 0) {
      ok = false;
      break;
    }
    off += static_cast<size_t>(w);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), (dir_ / (key.name + ".hsdb")).c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace leakgate
