#include "support/match_oracle.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace leakgate {

std::set<Match> re2_oracle(const CompiledRuleset& rules, std::string_view text) {
  std::set<Match> out;
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (uint32_t id = 0; id < rules.rules().size(); ++id) {
    const CompiledRule& r = rules.rules()[id];
    if (!r.regex) continue;
    if (!r.rule.keywords.empty() && std::none_of(r.rule.keywords.begin(), r.rule.keywords.end(), [&](const std::string& k) {
          return lower.find(k) != std::string::npos;
        }))
      continue;
    const RE2& re = r.regex->get();
    const int n = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> g(static_cast<size_t>(n));
    size_t pos = 0;
    const re2::StringPiece all(text.data(), text.size());
    while (pos <= text.size() && re.Match(all, pos, text.size(), RE2::UNANCHORED, g.data(), n)) {
      const re2::StringPiece* s = &g[0];
      if (r.rule.secret_group > 0) s = &g[r.rule.secret_group];
      else
        for (int i = 1; i < n; ++i)
          if (!g[i].empty()) {
            s = &g[i];
            break;
          }
      const uint64_t ms = static_cast<uint64_t>(g[0].data() - text.data()), me = ms + g[0].size();
      uint64_t resume = me;
      if (s->data() && !s->empty()) {
        const uint64_t ss = static_cast<uint64_t>(s->data() - text.data());
        out.emplace(id, ss, ss + s->size());
        resume = ss + s->size();
      }
      pos = std::max<uint64_t>(resume, ms + 1);
    }
  }
  return out;
}

std::set<Match> as_matches(const std::vector<RawMatch>& raw) {
  std::set<Match> out;
  for (const auto& m : raw) out.emplace(m.rule, m.secret_start, m.secret_end);
  return out;
}

}  // namespace leakgate
