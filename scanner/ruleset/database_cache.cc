#include "scanner/ruleset/database_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scanner/util/sha256.h"

namespace leakgate {

namespace {
constexpr char kMagic[] = "leakgate-hsdb-1\n";
}

DatabaseCache::DatabaseCache(std::filesystem::path dir) {
  if (std::getenv("LEAKGATE_NO_CACHE")) return;
  if (dir.empty()) {
    if (const char* d = std::getenv("LEAKGATE_CACHE_DIR"); d && *d) dir = d;
    else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) dir = std::filesystem::path(x) / "leakgate";
    else if (const char* h = std::getenv("HOME"); h && *h) dir = std::filesystem::path(h) / ".cache" / "leakgate";
  }
  dir_ = dir;
}

std::string DatabaseCache::key(const std::string& material) const {
  hs_platform_info_t plat{};
  hs_populate_platform(&plat);
  std::ostringstream k;
  k << hs_version() << '\n' << plat.tune << ' ' << plat.cpu_features << '\n' << material;
  return sha256_hex(k.str());
}

std::optional<CachedDatabase> DatabaseCache::load(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  std::ifstream in(dir_ / (key + ".hsdb"), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  const size_t magic = sizeof kMagic - 1;
  if (data.size() < magic + 8 || data.compare(0, magic, kMagic) != 0) return std::nullopt;
  uint64_t json_len = 0;
  std::memcpy(&json_len, data.data() + magic, 8);
  if (json_len > data.size() - magic - 8) return std::nullopt;
  CachedDatabase out;
  try {
    const auto j = nlohmann::json::parse(data.substr(magic + 8, json_len));
    for (const auto& r : j.at("rules"))
      out.rules.push_back({r.at("mode").get<int>(), r.at("window").get<uint32_t>(), r.at("bounded").get<bool>(),
                           r.at("note").get<std::string>()});
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  const size_t db_off = magic + 8 + json_len;
  if (db_off < data.size()) {
    hs_database_t* db = nullptr;
    if (hs_deserialize_database(data.data() + db_off, data.size() - db_off, &db) != HS_SUCCESS) return std::nullopt;
    out.database.reset(db);
  }
  return out;
}

void DatabaseCache::store(const std::string& key, const hs_database_t* db, const std::vector<CachedRuleMode>& rules) const {
  if (!enabled()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return;
  nlohmann::json j;
  j["rules"] = nlohmann::json::array();
  for (const auto& r : rules)
    j["rules"].push_back({{"mode", r.mode}, {"window", r.window}, {"bounded", r.bounded}, {"note", r.note}});
  const std::string meta = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  char* bytes = nullptr;
  size_t len = 0;
  if (db && hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return;
  std::string out(kMagic, sizeof kMagic - 1);
  const uint64_t json_len = meta.size();
  out.append(reinterpret_cast<const char*>(&json_len), 8);
  out += meta;
  if (bytes) {
    out.append(bytes, len);
    std::free(bytes);
  }
  // Write to a private temp file and rename: readers never see a half-written database.
  std::string tmp = (dir_ / (key + ".tmp.XXXXXX")).string();
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
  if (!ok || std::rename(tmp.c_str(), (dir_ / (key + ".hsdb")).c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace leakgate
