// Bytes → confirmed matches for one block. Per worker thread: it owns the Hyperscan scratch and the
// hit buffers, and borrows the shared immutable CompiledRuleset.
//
// Hyperscan runs without start-of-match tracking, so a hit is only an end offset. For each rule the
// hits become windows [end - window, end]; overlapping windows merge into ranges, and RE2 searches
// each range (with the whole block as context, so \b, ^ and \z see the real neighbours) to confirm
// the match and extract the secret. Dense hits therefore cost one RE2 pass per range, not per hit.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "scanner/ruleset/compiled_ruleset.h"

namespace leakgate {

struct RawMatch {
  uint32_t rule = 0;
  uint64_t match_start = 0, match_end = 0;    // offsets in the block
  uint64_t secret_start = 0, secret_end = 0;  // offsets in the block
};

struct MatchStats {
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  uint64_t hs_hits = 0;
  uint64_t own_scans = 0;  // passes of a rule's own database (see compiled_ruleset.h)
  uint64_t ranges_confirmed = 0;
  uint64_t matches = 0;
};

class BlockMatcher {
 public:
  explicit BlockMatcher(std::shared_ptr<const CompiledRuleset> rules);
  BlockMatcher(const BlockMatcher&) = delete;
  BlockMatcher& operator=(const BlockMatcher&) = delete;

  // Appends the confirmed matches in `block` to `out` (unordered). A block must be < 4 GiB
  // (Hyperscan's block length is 32-bit); callers split larger inputs.
  void scan(std::string_view block, std::vector<RawMatch>& out);

  const CompiledRuleset& rules() const { return *rules_; }
  const MatchStats& stats() const { return stats_; }

 private:
  struct Range {
    uint64_t start, end;
  };
  static int on_keyword(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* ctx) noexcept;
  static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* ctx) noexcept;
  void confirm(uint32_t rule, std::string_view block, uint64_t start, uint64_t end, std::vector<RawMatch>& out);
  // Whether one of the rule's keywords (if it has any) occurs in the block, case-insensitively; true
  // without looking for a rule with its own database (it only ran where a keyword occurs).
  bool keyword_gate(const CompiledRule& r, std::string_view block);
  // Whether one of the rule's keywords occurs in `text`, case-insensitively.
  bool holds_keyword(const CompiledRule& r, std::string_view text) const;

  std::shared_ptr<const CompiledRuleset> rules_;
  HsScratch scratch_;
  std::vector<std::vector<Range>> hits_;  // per rule
  std::vector<uint32_t> touched_;         // rules with hits in this block
  std::vector<uint8_t> keyword_seen_;  // valid once keywords_scanned_
  bool keywords_scanned_ = false;
  uint32_t trigger_base_;              // ids from here on: an own database's keyword occurs
  std::vector<uint8_t> own_triggered_; // per CompiledRuleset::own_databases(), in this block
  std::vector<re2::StringPiece> groups_;
  MatchStats stats_;
};

}  // namespace leakgate
