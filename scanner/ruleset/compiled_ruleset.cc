#include "scanner/ruleset/compiled_ruleset.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <functional>
#include <map>
#include <optional>

#include <re2/filtered_re2.h>

#include "scanner/ruleset/context_prefix.h"
#include "scanner/ruleset/database_cache.h"
#include "scanner/util/error.h"

namespace leakgate {

const char* engine_mode_name(EngineMode m) {
  switch (m) {
    case EngineMode::kExact: return "hyperscan";
    case EngineMode::kPrefilter: return "hyperscan-prefilter+re2";
    case EngineMode::kRe2Only: return "re2-only";
    case EngineMode::kPathOnly: return "path-only";
  }
  return "?";
}

namespace {

// Regexes whose RE2 program is built on first use. Every one is validated before the compiled set
// is used unless the set came from the on-disk cache, whose key covers every pattern (so they were
// validated when it was written).
struct Pending {
  const LazyRegex* re;
  std::string where;
};

std::unique_ptr<LazyRegex> lazy(const std::string& pattern, const std::string& where, std::vector<Pending>& pending) {
  auto re = std::make_unique<LazyRegex>(pattern);
  pending.push_back({re.get(), where});
  return re;
}

CompiledAllowlist compile_allowlist(const Allowlist& a, const std::string& where, std::vector<Pending>& pending) {
  CompiledAllowlist c;
  c.condition = a.condition;
  c.target = a.regex_target;
  for (const auto& r : a.regexes) c.regexes.push_back(lazy(r, where + " allowlist", pending));
  for (const auto& p : a.paths) c.paths.push_back(lazy(p, where + " allowlist path", pending));
  c.stopwords = a.stopwords;
  c.commits = a.commits;
  return c;
}

// A keyword as a Hyperscan regex: every byte escaped, so it matches literally.
std::string literal_pattern(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += "\\x";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

// One block-mode database from `patterns`. On failure `db` is null, `error` is Hyperscan's message
// and `bad` the index of the pattern it names (-1: none).
struct HsCompiled {
  HsDatabase db;
  int bad = -1;
  std::string error;
};

HsCompiled compile_block_database(const std::vector<std::string>& patterns, const std::vector<unsigned>& flags,
                                  const std::vector<unsigned>& ids) {
  std::vector<const char*> cpatterns;
  for (const auto& p : patterns) cpatterns.push_back(p.c_str());
  hs_database_t* db = nullptr;
  hs_compile_error_t* err_raw = nullptr;
  const hs_error_t rc = hs_compile_multi(cpatterns.data(), flags.data(), ids.data(),
                                         static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK, nullptr, &db, &err_raw);
  HsCompileError err(err_raw);
  HsCompiled out;
  if (rc == HS_SUCCESS) {
    out.db.reset(db);
  } else {
    out.bad = err ? err->expression : -1;
    out.error = err ? err->message : "unknown error";
  }
  return out;
}

// Asks Hyperscan whether it can take `pattern` with `flags`; fills the maximum match width.
bool hs_accepts(const std::string& pattern, unsigned flags, unsigned* max_width, std::string* why) {
  hs_expr_info_t* info_raw = nullptr;
  hs_compile_error_t* err_raw = nullptr;
  hs_error_t rc = hs_expression_info(pattern.c_str(), flags, &info_raw, &err_raw);
  HsExprInfo info(info_raw);
  HsCompileError err(err_raw);
  if (rc != HS_SUCCESS) {
    if (why) *why = err ? err->message : "rejected by Hyperscan";
    return false;
  }
  if (info && info->min_width == 0) {
    if (why) *why = "can match an empty string";
    return false;
  }
  if (max_width && info) *max_width = info->max_width;
  return true;
}

// Rules, among those Hyperscan takes that have keywords, that require no literal of two bytes or
// more: RE2's prefilter analysis (FilteredRE2) finds no set of strings one of which every match
// must contain. Hyperscan's speed comes from finding literals first; such a rule makes it run an
// automaton over every byte instead.
std::vector<uint32_t> literal_free_keyword_rules(const std::vector<CompiledRule>& rules) {
  re2::FilteredRE2 filter(/*min_atom_len=*/2);
  std::vector<uint32_t> added;  // FilteredRE2 id -> rule index
  for (uint32_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    if ((r.mode != EngineMode::kExact && r.mode != EngineMode::kPrefilter) || r.keyword_ids.empty()) continue;
    int id = -1;
    if (filter.Add(r.database_pattern(), re2_options(), &id) == RE2::NoError)
      added.push_back(i);
  }
  std::vector<uint32_t> out;
  if (added.empty()) return out;
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  std::vector<int> unfiltered;
  filter.AllPotentials({}, &unfiltered);  // with no atom seen, only the unfiltered ones can match
  for (int id : unfiltered) out.push_back(added[static_cast<size_t>(id)]);
  std::sort(out.begin(), out.end());
  return out;
}

// Every RE2 pattern compiles, or an Error names the first that does not.
void validate_regexes(const std::vector<Pending>& pending) {
  for (const Pending& p : pending)
    if (std::string err = p.re->validate(); !err.empty()) {
      std::string pattern = p.re->pattern();
      if (pattern.size() > 200) pattern = pattern.substr(0, 200) + "...";
      throw Error(p.where + ": invalid regex '" + pattern + "': " + err);
    }
}

// What a cached database depends on, besides the Hyperscan version and the CPU that
// DatabaseCache::key() adds. The code fingerprint stands for how compile_database() derives
// databases and modes from these inputs: it changes with the sources that decide that, so an entry
// written by a build that derived them differently is never loaded (a stale hit would serve a
// database the current code would not build, and hide the difference from the tests too).
std::string cache_material(const std::vector<CompiledRule>& rules, const std::vector<std::string>& keywords,
                           const std::vector<Pending>& pending, const CompileOptions& options) {
  std::string material = "code=" + options.code_fingerprint + " window=" + std::to_string(options.unbounded_window) +
                         " own=" + std::to_string(options.own_databases) + "\n";
  for (const auto& r : rules) {
    material += r.rule.regex + '\0' + r.hs_pattern + '\0' + (r.regex ? "r" : "p");
    for (uint32_t k : r.keyword_ids) material += ' ' + std::to_string(k);  // own databases' triggers
    material += '\n';
  }
  // Every RE2 pattern too: a hit means all of them were validated when the entry was written.
  for (const Pending& p : pending) material += "re:" + p.re->pattern() + '\n';
  for (const auto& k : keywords) material += "kw:" + k + '\n';
  return material;
}

// Whether `rule`'s cached mode is one compile_database() could have given it. The file is read
// back from disk: a value out of range must be a miss, never an engine mode that does not exist,
// a window past the cap (the blocks' overlap), or an own database for a rule nothing triggers.
bool cached_mode_fits(const CachedRuleMode& c, const CompiledRule& rule, uint32_t window_cap) {
  if (rule.mode == EngineMode::kPathOnly) return c.mode == EngineMode::kPathOnly && !c.own;
  const bool window_ok = c.window <= window_cap && (c.window > 0 || window_cap == 0) &&
                         (c.bounded || c.window == window_cap);
  switch (c.mode) {
    case EngineMode::kExact:
    case EngineMode::kPrefilter:
      return window_ok && (!c.own || !rule.keyword_ids.empty());
    case EngineMode::kRe2Only:
      return window_ok && !c.bounded && !c.own;
    case EngineMode::kPathOnly:
      return false;  // a rule with a regex is never path-only
  }
  return false;
}

// Whether `hit` could have been written for `rules`: one mode per rule, each possible, and a
// database wherever one is needed (an absent one would silently find nothing).
bool cached_entry_fits(const CachedDatabase& hit, const std::vector<CompiledRule>& rules, bool has_keywords,
                       uint32_t window_cap) {
  if (hit.rules.size() != rules.size()) return false;
  bool on_hyperscan = false;  // some rule is in the main database (or its keywords are, for an own database)
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!cached_mode_fits(hit.rules[i], rules[i], window_cap)) return false;
    const EngineMode m = hit.rules[i].mode;
    on_hyperscan = on_hyperscan || m == EngineMode::kExact || m == EngineMode::kPrefilter;
  }
  return on_hyperscan == (hit.database != nullptr) && has_keywords == (hit.keyword_database != nullptr);
}

void store_cached(const DatabaseCache& cache, const DatabaseCache::Key& key, const CompiledRuleset& set) {
  std::vector<CachedRuleMode> modes;
  for (const auto& r : set.rules())
    modes.push_back({r.mode, r.window, r.bounded, r.own_database, r.mode_note});
  std::vector<const hs_database_t*> own;
  for (const auto& o : set.own_databases()) own.push_back(o.database.get());
  cache.store(key, set.database(), set.keyword_database(), own, modes);
}

}  // namespace

std::shared_ptr<const CompiledRuleset> CompiledRuleset::compile(RuleConfig config, CompileOptions options) {
  const auto t0 = std::chrono::steady_clock::now();
  if (hs_valid_platform() != HS_SUCCESS)
    throw Error("this CPU lacks the instructions Hyperscan needs (SSSE3)");

  auto set = std::make_shared<CompiledRuleset>();
  set->config_sources_ = config.sources;
  std::map<std::string, uint32_t> keyword_index;
  std::vector<Pending> pending;
  for (auto& rule : config.rules) {
    CompiledRule cr;
    const std::string where = "rule '" + rule.id + "' (" + rule.origin + ")";
    if (!rule.path.empty()) cr.path = lazy(rule.path, where + " path", pending);
    for (const auto& a : rule.allowlists) cr.allowlists.push_back(compile_allowlist(a, where, pending));
    for (const auto& k : rule.keywords) {
      auto [it, inserted] = keyword_index.emplace(k, static_cast<uint32_t>(set->keywords_.size()));
      if (inserted) set->keywords_.push_back(k);
      cr.keyword_ids.push_back(it->second);
    }
    if (rule.regex.empty()) {
      cr.mode = EngineMode::kPathOnly;
    } else {
      std::string confirm = rule.regex;
      if (options.strip_context) {
        if (auto split = split_leading_context(rule.regex)) {
          cr.hs_pattern = split->rest;
          if (split->lazy && !split->top_level_alternation && split->capture_groups > 0) {
            confirm = split->rest;
            cr.lead = std::make_unique<LeadingContext>(lazy(split->atom, where + " leading context", pending),
                                                       split->max_repeat);
          }
        }
      }
      cr.regex = lazy(confirm, where, pending);
    }
    cr.rule = std::move(rule);
    set->rules_.push_back(std::move(cr));
  }
  for (const auto& a : config.allowlists)
    set->global_allowlists_.push_back(compile_allowlist(a, a.origin.empty() ? "global" : "global (" + a.origin + ")", pending));

  // The Hyperscan side is the expensive part (hundreds of ms for large rule sets): load it from the
  // cache when the same patterns were compiled before by the same code, Hyperscan and CPU.
  DatabaseCache cache(options.cache_dir);
  std::optional<DatabaseCache::Key> key;
  if (options.use_cache && cache.enabled()) {
    key = cache.key(cache_material(set->rules_, set->keywords_, pending, options));
    if (auto hit = cache.load(*key)) set->from_cache_ = set->adopt_cached(*hit, options.unbounded_window);
  }
  if (!set->from_cache_) {
    validate_regexes(pending);
    set->compile_database(options);
    if (key) store_cached(cache, *key, *set);
  }

  for (uint32_t i = 0; i < set->rules_.size(); ++i) {
    const auto& r = set->rules_[i];
    if (r.mode == EngineMode::kRe2Only) set->re2_only_.push_back(i);
    if (r.mode == EngineMode::kPathOnly) set->path_only_.push_back(i);
    if (r.rule.generic) set->generic_ids_.push_back(r.rule.id);
    set->max_window_ = std::max(set->max_window_, r.window);
  }
  std::sort(set->generic_ids_.begin(), set->generic_ids_.end());
  set->compile_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return set;
}

bool CompiledRuleset::generic_rule(std::string_view id) const {
  return std::binary_search(generic_ids_.begin(), generic_ids_.end(), id, std::less<>());
}

bool CompiledRuleset::adopt_cached(CachedDatabase& hit, uint32_t window_cap) {
  if (!cached_entry_fits(hit, rules_, !keywords_.empty(), window_cap)) return false;
  // load() gives one own database per rule marked `own`, in rule order.
  auto own_db = hit.own_databases.begin();
  for (uint32_t i = 0; i < rules_.size(); ++i) {
    auto& r = rules_[i];
    const CachedRuleMode& c = hit.rules[i];
    if (r.mode == EngineMode::kPathOnly) continue;
    r.mode = c.mode;
    r.window = c.window;
    r.bounded = c.bounded;
    r.mode_note = c.note;
    r.own_database = c.own;
    if (r.own_database) own_databases_.push_back({i, std::move(*own_db++)});
  }
  database_ = std::move(hit.database);
  keyword_database_ = std::move(hit.keyword_database);
  return true;
}

namespace {

unsigned hs_flags(const CompiledRule& r) { return r.mode == EngineMode::kPrefilter ? HS_FLAG_PREFILTER : 0u; }

// One step down when Hyperscan refuses a rule's database pattern: exact becomes prefilter, and
// prefilter becomes RE2 alone (unbounded, no database of its own).
void demote(CompiledRule& r, const std::string& msg, uint32_t unbounded_window) {
  if (r.mode == EngineMode::kExact) {
    r.mode = EngineMode::kPrefilter;
    r.mode_note = msg;
  } else {
    r.mode = EngineMode::kRe2Only;
    r.mode_note += (r.mode_note.empty() ? "" : "; ") + std::string("prefilter: ") + msg;
    r.bounded = false;
    r.window = unbounded_window;
    r.own_database = false;
  }
}

}  // namespace

// The passes: each rule's engine mode and window, the literal-free rules' own databases, the
// shared database, the keyword gate.
void CompiledRuleset::compile_database(const CompileOptions& options) {
  assign_modes(options);
  if (options.own_databases) compile_own_databases(options);
  compile_shared_database(options);
  compile_keyword_database();
}

void CompiledRuleset::assign_modes(const CompileOptions& options) {
  for (auto& cr : rules_) {
    if (cr.mode == EngineMode::kPathOnly) continue;
    const Rule& rule = cr.rule;
    unsigned width = 0;
    std::string why;
    if (hs_accepts(rule.regex, 0, &width, &why)) {
      cr.mode = EngineMode::kExact;
    } else if (std::string why2; hs_accepts(rule.regex, HS_FLAG_PREFILTER, &width, &why2)) {
      cr.mode = EngineMode::kPrefilter;
      cr.mode_note = why;
    } else {
      cr.mode = EngineMode::kRe2Only;
      cr.mode_note = why + "; prefilter: " + why2;
    }
    cr.bounded = cr.mode != EngineMode::kRe2Only && width != UINT_MAX;
    cr.window = cr.bounded ? std::min<uint32_t>(width, options.unbounded_window) : options.unbounded_window;
    // The window above is the whole regex's width; the database may hold it without its leading
    // context, in the same mode, when Hyperscan takes that form too.
    if (!cr.hs_pattern.empty() &&
        (cr.mode == EngineMode::kRe2Only ||
         !hs_accepts(cr.hs_pattern, cr.mode == EngineMode::kPrefilter ? HS_FLAG_PREFILTER : 0, nullptr, nullptr)))
      cr.hs_pattern.clear();
  }
}

// Literal-free rules with keywords first, each alone: one that Hyperscan then rejects even in
// prefilter form is left to RE2 (which gates it by keyword too).
void CompiledRuleset::compile_own_databases(const CompileOptions& options) {
  for (uint32_t i : literal_free_keyword_rules(rules_)) {
    CompiledRule& r = rules_[i];
    r.own_database = true;
    while (r.own_database) {
      HsCompiled compiled = compile_block_database({r.database_pattern()}, {hs_flags(r)}, {i});
      if (compiled.db) {
        own_databases_.push_back({i, std::move(compiled.db)});
        break;
      }
      if (compiled.bad < 0) throw Error("Hyperscan could not compile the database of rule '" + r.rule.id + "': " + compiled.error);
      demote(r, compiled.error, options.unbounded_window);
    }
  }
}

// One database for all other rules, plus the keywords of the rules with their own (ids past the
// rules'). hs_expression_info accepts a few patterns that the full compile then rejects
// ("pattern too large"): demote the named rule a step and try again.
void CompiledRuleset::compile_shared_database(const CompileOptions& options) {
  for (;;) {
    std::vector<std::string> patterns;
    std::vector<unsigned> flags, ids;
    for (uint32_t i = 0; i < rules_.size(); ++i) {
      const auto& r = rules_[i];
      if ((r.mode != EngineMode::kExact && r.mode != EngineMode::kPrefilter) || r.own_database) continue;
      patterns.push_back(r.database_pattern());
      flags.push_back(hs_flags(r));
      ids.push_back(i);
    }
    const size_t rule_patterns = patterns.size();
    for (uint32_t o = 0; o < own_databases_.size(); ++o)
      for (uint32_t k : rules_[own_databases_[o].rule].keyword_ids) {
        patterns.push_back(literal_pattern(keywords_[k]));
        flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
        ids.push_back(static_cast<unsigned>(rules_.size()) + o);
      }
    if (patterns.empty()) return;
    HsCompiled compiled = compile_block_database(patterns, flags, ids);
    if (compiled.db) {
      database_ = std::move(compiled.db);
      return;
    }
    const int bad = compiled.bad;
    if (bad < 0 || static_cast<size_t>(bad) >= rule_patterns)
      throw Error("Hyperscan could not compile the rule database: " + compiled.error);
    demote(rules_[ids[bad]], compiled.error, options.unbounded_window);
  }
}

// Keywords: literals, so Hyperscan takes any of them; once seen is enough (a block-wide gate).
void CompiledRuleset::compile_keyword_database() {
  if (keywords_.empty()) return;
  std::vector<std::string> patterns;
  std::vector<unsigned> flags(keywords_.size(), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH), ids;
  for (uint32_t k = 0; k < keywords_.size(); ++k) {
    patterns.push_back(literal_pattern(keywords_[k]));
    ids.push_back(k);
  }
  HsCompiled compiled = compile_block_database(patterns, flags, ids);
  if (!compiled.db) throw Error("Hyperscan could not compile the keyword database: " + compiled.error);
  keyword_database_ = std::move(compiled.db);
}

uint64_t LeadingContext::whole_match_start(std::string_view text, uint64_t from, uint64_t start) const {
  std::call_once(once_, [&] {
    for (int c = 0; c < 256; ++c) {
      const char byte = static_cast<char>(c);
      in_[static_cast<size_t>(c)] = RE2::FullMatch(re2::StringPiece(&byte, 1), atom_->get());
    }
  });
  uint64_t p = start;
  while (p > from && start - p < max_ && in_[static_cast<unsigned char>(text[p - 1])]) --p;
  return p;
}

size_t CompiledRuleset::database_bytes() const {
  size_t total = 0;
  for_each_database([&](const hs_database_t* db) {
    size_t n = 0;
    hs_database_size(db, &n);
    total += n;
  });
  return total;
}

HsScratch CompiledRuleset::make_scratch() const {
  hs_scratch_t* s = nullptr;
  // One scratch serves every database: hs_alloc_scratch grows it to fit each in turn.
  bool ok = true;
  for_each_database([&](const hs_database_t* db) { ok = ok && hs_alloc_scratch(db, &s) == HS_SUCCESS; });
  HsScratch scratch(s);
  if (!ok) throw Error("Hyperscan could not allocate scratch space");
  return scratch;
}

bool CompiledRuleset::path_exempt(std::string_view path) const {
  // Only an allowlist that needs nothing but the path can exempt a file before it is read.
  auto path_alone = [](const CompiledAllowlist& a) {
    return !a.paths.empty() &&
           (a.condition == AllowCondition::kOr || (a.regexes.empty() && a.stopwords.empty() && a.commits.empty()));
  };
  std::call_once(exempt_once_, [&] {
    auto set = std::make_unique<RE2::Set>(re2_options(), RE2::UNANCHORED);
    bool ok = true;
    size_t added = 0;
    for (const auto& a : global_allowlists_)
      if (path_alone(a))
        for (const auto& p : a.paths) {
          ok = set->Add(p->pattern(), nullptr) >= 0 && ok;
          ++added;
        }
    if (ok && added > 0 && set->Compile()) exempt_paths_ = std::move(set);
  });
  const re2::StringPiece p(path.data(), path.size());
  if (exempt_paths_) return exempt_paths_->Match(p, nullptr);
  // No set (no such paths, or RE2 could not build one): one pattern at a time.
  for (const auto& a : global_allowlists_)
    if (path_alone(a) && std::any_of(a.paths.begin(), a.paths.end(), [&](const auto& re) { return RE2::PartialMatch(p, re->get()); }))
      return true;
  return false;
}

}  // namespace leakgate
