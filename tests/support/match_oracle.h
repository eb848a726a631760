// The oracle for differential tests of the match stage: RE2 alone, over the whole input, with the
// same keyword gate and secret-group rule as the engine. Shared by the unit test and the fuzzer.
#pragma once

#include <cstdint>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "scanner/match/block_matcher.h"

namespace leakgate {

using Match = std::tuple<uint32_t, uint64_t, uint64_t>;  // rule, secret start, secret end

std::set<Match> re2_oracle(const CompiledRuleset& rules, std::string_view text);
std::set<Match> as_matches(const std::vector<RawMatch>& raw);

}  // namespace leakgate
