// The immutable compiled form of a rule configuration, shared by every worker thread:
//  - one Hyperscan block-mode database holding every rule's regex (exactly, or in prefilter mode
//    when Hyperscan cannot take it as written);
//  - a second, small one holding every rule keyword as a caseless literal. It runs only over a
//    block where a rule with keywords has a hit: kept in the main database, the ~90 built-in
//    keywords ("token", "secret", "sk"…) cost about a tenth of every scan, hits or not;
//  - a database of its own for each rule that has keywords but no literal Hyperscan could look
//    for (gitleaks' sourcegraph-access-token accepts any 40 hex digits): in the main database
//    such a rule runs its automaton over every byte, a third of the gitleaks set's Hyperscan
//    time on git/git. The main database holds its keywords instead, and its own database runs
//    only over a block where one of them occurs, which is where its hits could count anyway;
//  - per rule, an RE2 program (Latin-1, i.e. byte semantics like Hyperscan without HS_FLAG_UTF8)
//    that confirms a hit and extracts the secret inside a bounded window ending at the hit.
// No rule is dropped silently: each carries the engine mode it ended up in and why.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <re2/set.h>

#include "scanner/util/hyperscan_handles.h"
#include "scanner/ruleset/database_fingerprint.h"
#include "scanner/ruleset/engine_mode.h"
#include "scanner/ruleset/lazy_regex.h"
#include "scanner/ruleset/rule.h"

namespace leakgate {

struct CachedDatabase;  // database_cache.h

struct CompiledAllowlist {
  AllowCondition condition = AllowCondition::kOr;
  RegexTarget target = RegexTarget::kSecret;
  std::vector<std::unique_ptr<LazyRegex>> regexes;
  std::vector<std::unique_ptr<LazyRegex>> paths;
  std::vector<std::string> stopwords;  // lower-case
  std::vector<std::string> commits;
};

// A rule's leading context when RE2 confirms without it (context_prefix.h): which bytes it may
// span and how many, to find where the whole regex's match starts.
class LeadingContext {
 public:
  LeadingContext(std::unique_ptr<LazyRegex> atom, uint32_t max_repeat) : atom_(std::move(atom)), max_(max_repeat) {}
  // Where the whole regex's match begins when the regex without its context matched at `start`,
  // in a search of `text` begun at `from`: the earliest byte from which every byte up to `start`
  // is in the class, at most `max_repeat` of them, not before `from`.
  uint64_t whole_match_start(std::string_view text, uint64_t from, uint64_t start) const;

 private:
  std::unique_ptr<LazyRegex> atom_;  // the repeated class, with the regex's leading flags
  uint32_t max_;
  mutable std::once_flag once_;
  mutable std::array<bool, 256> in_{};  // built from atom_ on first use
};

struct CompiledRule {
  Rule rule;
  EngineMode mode = EngineMode::kExact;
  std::string mode_note;             // why Hyperscan did not take it exactly, if it did not
  std::unique_ptr<LazyRegex> regex;  // null for path-only rules; may lack leading context (see context_prefix.h)
  std::unique_ptr<LeadingContext> lead;  // set when `regex` lacks the leading context
  std::string hs_pattern;            // what the database holds for this rule; empty: rule.regex
  std::unique_ptr<LazyRegex> path;   // null: every path
  uint32_t window = 0;               // longest match, capped: how far before a hit RE2 looks
  bool bounded = true;               // false: the regex has no maximum width (window is the cap)
  bool own_database = false;         // in a database of its own, not database() (see the top)
  std::vector<uint32_t> keyword_ids; // indexes into keywords()
  std::vector<CompiledAllowlist> allowlists;
  // The regex Hyperscan holds for this rule.
  const std::string& database_pattern() const { return hs_pattern.empty() ? rule.regex : hs_pattern; }
};

struct CompileOptions {
  // Longest confirmation window for a regex without a maximum width. A secret longer than this is
  // cut there; 16 KiB holds any PEM private key block.
  uint32_t unbounded_window = 16 * 1024;
  // Load and save the compiled database in the on-disk cache (see database_cache.h).
  bool use_cache = true;
  std::string cache_dir;  // empty: the default location
  // Goes into the cache key: the code that built an entry (database_fingerprint.h). Tests set
  // another to stand for a build whose compile code differs.
  std::string code_fingerprint = std::string(database_code_fingerprint());
  // Drop a rule's leading optional context (`[\w.-]{0,50}?`) where that cannot change what is
  // found (context_prefix.h). Off only to test that claim.
  bool strip_context = true;
  // Give literal-free rules with keywords a database of their own (see the top). Off only to test
  // that this never changes what is found.
  bool own_databases = true;
};

class CompiledRuleset {
 public:
  // Throws Error naming the rule if a regex is not valid RE2 syntax or an allowlist is broken.
  static std::shared_ptr<const CompiledRuleset> compile(RuleConfig config, CompileOptions options = {});

  const std::vector<CompiledRule>& rules() const { return rules_; }
  const std::vector<CompiledAllowlist>& global_allowlists() const { return global_allowlists_; }
  const std::vector<std::string>& keywords() const { return keywords_; }
  // Hyperscan ids: a rule's index in rules() (database() and own databases), a keyword's in
  // keywords() (keyword_database()). In database(), an id of rules().size() + i says a keyword of
  // own_databases()[i]'s rule occurs in the block. Either database may be null: no rule Hyperscan
  // takes, no keywords.
  const hs_database_t* database() const { return database_.get(); }
  const hs_database_t* keyword_database() const { return keyword_database_.get(); }
  struct OwnDatabase {
    uint32_t rule;
    HsDatabase database;
  };
  const std::vector<OwnDatabase>& own_databases() const { return own_databases_; }
  const std::vector<uint32_t>& re2_only_rules() const { return re2_only_; }
  const std::vector<uint32_t>& path_only_rules() const { return path_only_; }
  // Bytes two consecutive blocks of one file must share so that no match is cut: the longest window.
  uint32_t max_window() const { return max_window_; }
  double compile_ms() const { return compile_ms_; }
  // Whether findings under rule id `id` are a generic rule's (Rule::generic), which yield to a
  // specific rule's finding on the same bytes. By id because a Finding carries its rule's id; a
  // loaded config's ids are unique (a set built by hand that repeats one: generic if any is).
  bool generic_rule(std::string_view id) const;
  // The configuration files these rules came from (RuleConfig::sources).
  const std::vector<std::string>& config_sources() const { return config_sources_; }
  bool from_cache() const { return from_cache_; }
  size_t database_bytes() const;

  // A scratch sized for every database, one per worker.
  HsScratch make_scratch() const;

  // True if a global allowlist exempts `path` on the path alone (before the file is read). Every
  // such path pattern is matched in one pass, as one RE2::Set built on first use: gitleaks' config
  // has dozens, and trying them one by one cost several percent of a directory scan.
  bool path_exempt(std::string_view path) const;

 private:
  std::vector<CompiledRule> rules_;
  std::vector<CompiledAllowlist> global_allowlists_;
  std::vector<std::string> keywords_;
  std::vector<uint32_t> re2_only_;
  std::vector<uint32_t> path_only_;
  HsDatabase database_;
  HsDatabase keyword_database_;
  std::vector<OwnDatabase> own_databases_;
  uint32_t max_window_ = 0;
  double compile_ms_ = 0;
  bool from_cache_ = false;
  std::vector<std::string> config_sources_;
  std::vector<std::string> generic_ids_;  // sorted: the ids of the rules marked generic
  mutable std::once_flag exempt_once_;
  mutable std::unique_ptr<RE2::Set> exempt_paths_;  // null: no path-alone allowlist paths

  void compile_database(const CompileOptions& options);  // the passes below, in order
  void assign_modes(const CompileOptions& options);
  void compile_own_databases(const CompileOptions& options);
  void compile_shared_database(const CompileOptions& options);
  void compile_keyword_database();
  // Takes the databases and each rule's mode from a cache entry, if the entry could have been
  // written for these rules (see cached_entry_fits); false, and nothing changed, if not.
  bool adopt_cached(CachedDatabase& hit, uint32_t window_cap);
  template <class F>
  void for_each_database(F&& f) const {
    for (const hs_database_t* db : {database_.get(), keyword_database_.get()})
      if (db) f(db);
    for (const auto& o : own_databases_) f(o.database.get());
  }
};

}  // namespace leakgate
