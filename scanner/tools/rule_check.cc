#include "scanner/tools/rule_check.h"

#include <algorithm>
#include <optional>
#include <set>

#include <re2/re2.h>

#include "scanner/match/content_scanner.h"
#include "scanner/ruleset/templates.h"
#include "scanner/util/error.h"

namespace leakgate {
namespace {

struct Span {
  size_t start, end;
};

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A template as written, cut short for a message.
std::string quoted(std::string_view t) {
  constexpr size_t kMax = 60;
  std::string out(1, '\'');  // appended, not "'" + …: GCC 12 warns falsely (-Wrestrict) on that
  out.append(t.substr(0, kMax)).append(t.size() > kMax ? "...'" : "'");
  return out;
}

// Every match of `re` in `text`, leftmost first and not overlapping, as Python's finditer gives.
std::vector<Span> all_matches(const RE2& re, std::string_view text) {
  std::vector<Span> out;
  const re2::StringPiece whole(text.data(), text.size());
  re2::StringPiece m;
  for (size_t pos = 0; pos <= text.size() && re.Match(whole, pos, text.size(), RE2::UNANCHORED, &m, 1);) {
    const size_t start = static_cast<size_t>(m.data() - text.data());
    out.push_back({start, start + m.size()});
    pos = m.empty() ? start + 1 : start + m.size();
  }
  return out;
}

bool is_id(std::string_view id) {
  bool word = false;  // inside a word: a '-' may follow
  for (char c : id) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) word = true;
    else if (c == '-' && word) word = false;
    else return false;
  }
  return word;
}

// The checks of one compiled rule, over the expansions of its templates.
class RuleChecker {
 public:
  RuleChecker(const CompiledRule& cr, ContentScanner& scanner, TemplateExpander& expand, const RuleCheckOptions& o)
      : cr_(cr), scanner_(scanner), expand_(expand), options_(o) {
    res_.id = cr.rule.id;
    res_.mode = cr.mode;
    res_.note = cr.mode_note;
    res_.generic = cr.rule.generic;
    if (o.pedantic && !cr.rule.regex.empty()) whole_ = std::make_unique<RE2>(cr.rule.regex, re2_options());
  }

  void templates() {
    for (size_t i = 0; i < cr_.rule.examples.size(); ++i) example(i);
    for (size_t i = 0; i < cr_.rule.negatives.size(); ++i) negative(i);
    if (!options_.pedantic || !whole_) return;  // a path-only rule's keywords gate no match
    for (const auto& k : cr_.rule.keywords)
      if (!keywords_seen_.count(k))
        pedantic("keyword-used", "keyword '" + k + "' occurs in no example's finding: add an example that uses it");
  }

  void structure(const RuleConfig& config) {
    const Rule& r = cr_.rule;
    if (r.examples.size() < 2 || r.negatives.size() < 2)
      pedantic("examples-count", std::to_string(r.examples.size()) + " examples and " + std::to_string(r.negatives.size()) +
                                     " look-alikes; at least 2 of each");
    if (std::find(config.redefined.begin(), config.redefined.end(), r.id) != config.redefined.end())
      pedantic("unique-id", "defined more than once in one file; only the last definition is used");
    if (!is_id(r.id)) pedantic("id-format", "the id is not lowercase words joined by '-'");
    if (r.description.empty()) pedantic("description", "no description");
    if (!r.regex.empty() && r.keywords.empty()) pedantic("keywords", "no keywords: the rule runs on every block");
  }

  void raw_file(std::string_view raw) {
    if (!whole_ || raw.empty()) return;
    std::string lines;
    for (const Span& m : all_matches(*whole_, raw))
      lines.append(lines.empty() ? "" : ", ")
          .append(std::to_string(std::count(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(m.start), '\n') + 1));
    if (lines.empty()) return;
    pedantic("raw-file", "the rule file as written matches this rule (line " + lines +
                             "): write the value as a {{CLASS:N}} template, or break it with a \\uXXXX escape");
  }

  RuleCheckResult take() { return std::move(res_); }

 private:
  void fail(const std::string& what) { res_.failures.push_back("rule '" + cr_.rule.id + "': " + what); }
  void pedantic(const std::string& check, const std::string& what) { fail("pedantic " + check + ": " + what); }

  // One expansion of template `t` (named `which` in messages) and this rule's findings in it;
  // nullopt (and the failure recorded) when the template is malformed.
  std::optional<std::vector<Finding>> run(const std::string& t, const std::string& which, std::string& text) {
    try {
      text = expand_.expand(t);
    } catch (const Error& e) {
      fail(which + ": " + e.what());
      return std::nullopt;
    }
    std::vector<Finding> all, mine;
    scanner_.scan_buffer(text, ScanTarget{"rule-example.txt", {}}, all);
    specific_.clear();
    for (auto& f : all) {
      if (f.rule_id == cr_.rule.id) mine.push_back(std::move(f));
      else if (!scanner_.rules().generic_rule(f.rule_id)) specific_.insert(f.rule_id);
    }
    return mine;
  }

  void example(size_t i) {
    const std::string& t = cr_.rule.examples[i];
    const std::string which = "example " + std::to_string(i + 1);
    ++res_.examples;
    bool all = true, pedantic_ok = true;
    for (int round = 0; round < options_.rounds && all; ++round) {
      std::string text;
      const auto found = run(t, which, text);
      if (!found) return;
      all = !found->empty();
      if (options_.pedantic && pedantic_ok) pedantic_ok = pedantic_example(which + " " + quoted(t), text, *found);
    }
    if (all) ++res_.examples_ok;
    else fail(which + ": not found: " + quoted(t) + yielded());
  }

  void negative(size_t i) {
    const std::string& t = cr_.rule.negatives[i];
    const std::string which = "look-alike " + std::to_string(i + 1);
    ++res_.negatives;
    bool none = true, pedantic_ok = true;
    for (int round = 0; round < options_.rounds && none; ++round) {
      std::string text;
      const auto found = run(t, which, text);
      if (!found) return;
      none = found->empty();
      if (options_.pedantic && pedantic_ok) pedantic_ok = keywords_in_matches(which + " " + quoted(t), text);
    }
    if (none) ++res_.negatives_ok;
    else fail(which + ": reported: " + quoted(t));
  }

  // Why a generic rule's example may be missing: a specific rule found something in it.
  std::string yielded() const {
    if (!cr_.rule.generic || specific_.empty()) return {};
    std::string names;
    for (const auto& id : specific_) names.append(names.empty() ? "'" : ", '").append(id).append("'");
    return " (the rule is generic: it yields to a specific rule's finding on the same bytes, and " + names +
           (specific_.size() == 1 ? " found one here)" : " found some here)");
  }

  // keyword-in-match over every match of the whole regex in `text`; false after a failure.
  bool keywords_in_matches(const std::string& which, std::string_view text) {
    if (!whole_ || cr_.rule.keywords.empty()) return true;
    for (const Span& m : all_matches(*whole_, text))
      if (keywords_in(text.substr(m.start, m.end - m.start)).empty()) {
        pedantic("keyword-in-match", which + ": a match at byte " + std::to_string(m.start) +
                                         " contains none of the rule's keywords");
        return false;
      }
    return true;
  }

  // The pedantic checks of one expanded example; notes the keywords its findings' matches hold.
  bool pedantic_example(const std::string& which, std::string_view text, const std::vector<Finding>& found) {
    if (!keywords_in_matches(which, text)) return false;
    for (const Finding& f : found)
      if (f.secret.find("{{") != std::string::npos) {
        pedantic("template-secret", which + ": the secret found holds '{{': literal template text, not a generated value");
        return false;
      }
    if (!whole_) return true;
    for (const Span& m : all_matches(*whole_, text))
      if (std::any_of(found.begin(), found.end(), [&](const Finding& f) { return f.offset >= m.start && f.offset < m.end; }))
        for (const auto& k : keywords_in(text.substr(m.start, m.end - m.start))) keywords_seen_.insert(k);
    return true;
  }

  std::vector<std::string> keywords_in(std::string_view match) const {
    const std::string lower = ascii_lower(match);
    std::vector<std::string> out;
    for (const auto& k : cr_.rule.keywords)
      if (lower.find(k) != std::string::npos) out.push_back(k);
    return out;
  }

  const CompiledRule& cr_;
  ContentScanner& scanner_;
  TemplateExpander& expand_;
  const RuleCheckOptions& options_;
  std::unique_ptr<RE2> whole_;  // the rule's regex as written (the compiled one may lack its leading context)
  std::set<std::string> keywords_seen_;
  std::set<std::string> specific_;  // the specific rules with findings in the last expansion
  RuleCheckResult res_;
};

// When the set does not compile: name every broken rule, not just the first, by compiling them
// one at a time.
std::vector<RuleCheckResult> check_one_by_one(const RuleConfig& config) {
  std::vector<RuleCheckResult> results;
  for (const Rule& r : config.rules) {
    RuleCheckResult res;
    res.id = r.id;
    res.generic = r.generic;
    try {
      RuleConfig one;
      one.rules.push_back(r);
      auto s = CompiledRuleset::compile(one);
      res.mode = s->rules()[0].mode;
      res.note = s->rules()[0].mode_note;
    } catch (const Error& e) {
      res.note = e.what();
    }
    results.push_back(std::move(res));
  }
  return results;
}

}  // namespace

std::vector<RuleCheckResult> check_rules(const RuleConfig& config, const RuleCheckOptions& options) {
  std::shared_ptr<const CompiledRuleset> set;
  try {
    set = CompiledRuleset::compile(config);
  } catch (const Error&) {
    return check_one_by_one(config);
  }
  ContentScanner scanner(set);
  TemplateExpander expand(options.seed);
  std::vector<RuleCheckResult> results;
  for (const CompiledRule& cr : set->rules()) {
    RuleChecker check(cr, scanner, expand, options);
    check.templates();
    if (options.pedantic) {
      check.structure(config);
      check.raw_file(options.raw_text);
    }
    results.push_back(check.take());
  }
  return results;
}

}  // namespace leakgate
