// How a compiled rule runs (compiled_ruleset.h), on its own so that the rule cache
// (database_cache.h), which stores each rule's mode as a number, can read it back as one.
#pragma once

#include <cstdint>
#include <optional>

namespace leakgate {

// The values are what a cache file stores: never renumber one (the code fingerprint would turn
// every cached entry into a miss anyway, but a number must never silently mean another mode).
enum class EngineMode : uint8_t {
  kExact = 0,      // Hyperscan matches the regex as written; RE2 extracts the secret
  kPrefilter = 1,  // Hyperscan matches a superset (HS_FLAG_PREFILTER); RE2 confirms
  kRe2Only = 2,    // Hyperscan rejects even the prefilter form; RE2 scans the whole block (slow path)
  kPathOnly = 3,   // no regex: the rule flags files by path
};
inline constexpr EngineMode kLastEngineMode = EngineMode::kPathOnly;

const char* engine_mode_name(EngineMode m);

// The number a cache file holds for `m`, and the mode a number read back names: nullopt for one
// that names none (a damaged or foreign file), checked before anything is cast.
constexpr uint64_t engine_mode_number(EngineMode m) { return static_cast<uint64_t>(m); }
constexpr std::optional<EngineMode> engine_mode_from_number(uint64_t n) {
  if (n > engine_mode_number(kLastEngineMode)) return std::nullopt;
  return static_cast<EngineMode>(n);
}

}  // namespace leakgate
