// A compiled rule set saved to disk: the serialized Hyperscan databases plus each rule's engine
// mode and window, so a later process (a git hook, a CI step) loads it in about a millisecond
// instead of compiling for hundreds. The key covers everything the result depends on: every
// pattern and flag, the window cap, the fingerprint of the code that compiles it
// (database_fingerprint.h), the Hyperscan version and the CPU's features. That material is stored
// in the file and compared byte for byte on load, so the file name only needs a cheap hash (no
// cryptographic library initialised on the start-up path). A missing, stale, colliding or corrupt
// file is a cache miss — never an error: every length, count and field read back is checked
// against the file and its type here, and CompiledRuleset checks that the modes fit its rules.
// Files hold patterns only (rules and keywords), never scanned content, and are written 0600 and
// renamed into place.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scanner/ruleset/engine_mode.h"
#include "scanner/util/hyperscan_handles.h"

namespace leakgate {

struct CachedRuleMode {
  EngineMode mode = EngineMode::kExact;  // read back only when the number names a mode
  uint32_t window = 0;
  bool bounded = true;
  bool own = false;  // the rule has a database of its own (CompiledRule::own_database)
  std::string note;
};

struct CachedDatabase {
  HsDatabase database;          // the rules'
  HsDatabase keyword_database;  // the keywords'
  std::vector<HsDatabase> own_databases;  // in rule order, one per rule marked `own`
  std::vector<CachedRuleMode> rules;
};

class DatabaseCache {
 public:
  // `dir` empty: the default ($LEAKGATE_CACHE_DIR, else $XDG_CACHE_HOME/leakgate, else
  // ~/.cache/leakgate); disabled when LEAKGATE_NO_CACHE is set or no directory can be found.
  explicit DatabaseCache(std::filesystem::path dir = {});

  struct Key {
    std::string name;      // file name stem: a hash of `material`
    std::string material;  // the caller's description of the inputs, plus hs_version() and the platform
  };

  bool enabled() const { return !dir_.empty(); }
  Key key(const std::string& material) const;
  // nullopt when there is no entry for `key` or it is malformed: a length past the end of the
  // file, a field missing or out of its type's range, a database Hyperscan does not take.
  std::optional<CachedDatabase> load(const Key& key) const;
  void store(const Key& key, const hs_database_t* db, const hs_database_t* keyword_db,
             const std::vector<const hs_database_t*>& own_dbs, const std::vector<CachedRuleMode>& rules) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace leakgate
