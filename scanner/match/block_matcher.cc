#include "scanner/match/block_matcher.h"

#include <algorithm>
#include <cctype>

#include "scanner/util/error.h"

namespace leakgate {

BlockMatcher::BlockMatcher(std::shared_ptr<const CompiledRuleset> rules)
    : rules_(std::move(rules)),
      scratch_(rules_->make_scratch()),
      hits_(rules_->rules().size()),
      keyword_seen_(rules_->keywords().size(), 0),
      trigger_base_(static_cast<uint32_t>(rules_->rules().size())),
      own_triggered_(rules_->own_databases().size(), 0) {}

int BlockMatcher::on_keyword(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) noexcept {
  static_cast<BlockMatcher*>(ctx)->keyword_seen_[id] = 1;
  return 0;
}

int BlockMatcher::on_hit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) noexcept {
  auto* self = static_cast<BlockMatcher*>(ctx);
  if (id >= self->trigger_base_) {
    self->own_triggered_[id - self->trigger_base_] = 1;
    return 0;
  }
  ++self->stats_.hs_hits;
  const uint32_t window = self->rules_->rules()[id].window;
  const uint64_t from = to > window ? to - window : 0;
  auto& ranges = self->hits_[id];
  if (ranges.empty()) {
    self->touched_.push_back(id);
    ranges.push_back({from, to});
    return 0;
  }
  // Hits arrive mostly in end order: extend the last range when the new window touches it.
  Range& last = ranges.back();
  if (from <= last.end && to >= last.start) {
    last.start = std::min<uint64_t>(last.start, from);
    last.end = std::max<uint64_t>(last.end, to);
  } else {
    ranges.push_back({from, to});
  }
  return 0;
}

bool BlockMatcher::holds_keyword(const CompiledRule& r, std::string_view text) const {
  const auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  return std::any_of(r.keyword_ids.begin(), r.keyword_ids.end(), [&](uint32_t k) {
    const std::string& kw = rules_->keywords()[k];
    return std::search(text.begin(), text.end(), kw.begin(), kw.end(), same) != text.end();
  });
}

bool BlockMatcher::keyword_gate(const CompiledRule& r, std::string_view block) {
  // A rule with its own database was only scanned because one of its keywords occurs here.
  if (r.keyword_ids.empty() || r.own_database) return true;
  if (!keywords_scanned_) {
    // First rule with keywords to need them in this block: one pass of the keyword database.
    keywords_scanned_ = true;
    std::fill(keyword_seen_.begin(), keyword_seen_.end(), 0);
    if (const hs_database_t* kdb = rules_->keyword_database()) {
      hs_error_t rc = hs_scan(kdb, block.data(), static_cast<unsigned>(block.size()), 0, scratch_.get(), &on_keyword, this);
      if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
        throw Error("Hyperscan keyword scan failed (error " + std::to_string(rc) + ")");
    }
  }
  for (uint32_t k : r.keyword_ids)
    if (keyword_seen_[k]) return true;
  return false;
}

void BlockMatcher::scan(std::string_view block, std::vector<RawMatch>& out) {
  if (block.size() >= (uint64_t{1} << 32)) throw Error("internal: block of 4 GiB or more passed to Hyperscan");
  ++stats_.blocks;
  stats_.bytes += block.size();
  keywords_scanned_ = false;
  touched_.clear();
  const auto run = [&](const hs_database_t* db) {
    hs_error_t rc = hs_scan(db, block.data(), static_cast<unsigned>(block.size()), 0, scratch_.get(), &on_hit, this);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) throw Error("Hyperscan scan failed (error " + std::to_string(rc) + ")");
  };
  std::fill(own_triggered_.begin(), own_triggered_.end(), 0);
  if (const hs_database_t* db = rules_->database()) run(db);
  for (size_t o = 0; o < own_triggered_.size(); ++o)
    if (own_triggered_[o]) {
      ++stats_.own_scans;
      run(rules_->own_databases()[o].database.get());
    }
  std::sort(touched_.begin(), touched_.end());
  for (uint32_t id : touched_) {
    auto& ranges = hits_[id];
    const CompiledRule& r = rules_->rules()[id];
    // Confirmed first, gated after: a match that holds one of the rule's keywords settles the gate
    // without a pass of the keyword database over the block. (A rule whose keywords are absent
    // pays for its confirmations; exact-mode hits are real matches, so that is rare.)
    const size_t first = out.size();
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
    uint64_t start = ranges[0].start, end = ranges[0].end;
    for (size_t i = 1; i < ranges.size(); ++i) {
      if (ranges[i].start <= end) {
        end = std::max(end, ranges[i].end);
      } else {
        confirm(id, block, start, end, out);
        start = ranges[i].start;
        end = ranges[i].end;
      }
    }
    confirm(id, block, start, end, out);
    ranges.clear();
    if (out.size() == first || r.keyword_ids.empty() || r.own_database) continue;
    const bool in_a_match = std::any_of(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [&](const RawMatch& m) {
      return holds_keyword(r, block.substr(m.match_start, m.match_end - m.match_start));
    });
    if (!in_a_match && !keyword_gate(r, block)) out.resize(first);
  }
  for (uint32_t id : rules_->re2_only_rules())
    if (keyword_gate(rules_->rules()[id], block)) confirm(id, block, 0, block.size(), out);
}

void BlockMatcher::confirm(uint32_t rule, std::string_view block, uint64_t start, uint64_t end,
                           std::vector<RawMatch>& out) {
  ++stats_.ranges_confirmed;
  const CompiledRule& r = rules_->rules()[rule];
  const RE2& re = r.regex->get();
  const int ngroups = re.NumberOfCapturingGroups() + 1;
  if (groups_.size() < static_cast<size_t>(ngroups)) groups_.resize(static_cast<size_t>(ngroups));
  const re2::StringPiece text(block.data(), block.size());
  uint64_t pos = start;
  while (pos <= end) {
    if (!re.Match(text, pos, end, RE2::UNANCHORED, groups_.data(), ngroups)) break;
    const auto& m = groups_[0];
    RawMatch rm;
    rm.rule = rule;
    rm.match_start = static_cast<uint64_t>(m.data() - block.data());
    rm.match_end = rm.match_start + m.size();
    if (r.lead) rm.match_start = r.lead->whole_match_start(block, pos, rm.match_start);
    // gitleaks' rule: the configured secret group, else the first non-empty group, else the match.
    const re2::StringPiece* secret = &m;
    if (r.rule.secret_group > 0) {
      if (r.rule.secret_group < ngroups) secret = &groups_[r.rule.secret_group];
    } else {
      for (int g = 1; g < ngroups; ++g)
        if (!groups_[g].empty()) {
          secret = &groups_[g];
          break;
        }
    }
    if (secret->data() != nullptr && !secret->empty()) {
      rm.secret_start = static_cast<uint64_t>(secret->data() - block.data());
      rm.secret_end = rm.secret_start + secret->size();
      out.push_back(rm);
      ++stats_.matches;
    }
    // Resume after the secret, not after the whole match: a rule that consumes the delimiter after
    // a key (`,` in `k1,k2`) must still see that delimiter as the leading boundary of the next key.
    const uint64_t resume = secret->data() != nullptr && !secret->empty()
                                ? static_cast<uint64_t>(secret->data() - block.data()) + secret->size()
                                : rm.match_end;
    pos = std::max(resume, rm.match_start + 1);
  }
}

}  // namespace leakgate
