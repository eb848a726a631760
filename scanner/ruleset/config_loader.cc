#include "scanner/ruleset/config_loader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <toml++/toml.h>

#include "scanner/ruleset/context_prefix.h"
#include "scanner/util/error.h"
#include "scanner/util/input_file.h"

namespace leakgate {

namespace {

// gitleaks follows [extend] from the top file through two base files; a third file's [extend] is
// not followed (and not opened).
constexpr int kMaxBaseDepth = 2;
constexpr const char* kBuiltinName = "<built-in rules>";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// ASCII case-insensitive equality (TOML keys here are ASCII), without building lowered copies.
bool same_letters(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// toml++ recurses once per part of a dotted key (a.b.c = 1, [a.b.c]): 50,000 parts overflowed the
// stack, and a scanned repository's .leakgate.toml is read too. No real file comes near this many;
// count the dots outside strings and comments on each line, and refuse before parsing.
constexpr size_t kMaxDotsPerLine = 512;

void check_key_depth(std::string_view text, const std::string& origin) {
  enum class In { kCode, kBasic, kLiteral, kMlBasic, kMlLiteral, kComment } in = In::kCode;
  size_t line = 1, dots = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool triple = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
    if (c == '\n') {
      ++line;
      dots = 0;
      if (in == In::kComment || in == In::kBasic || in == In::kLiteral) in = In::kCode;  // (the latter two: a TOML error)
      continue;
    }
    switch (in) {
      case In::kCode:
        if (c == '#') in = In::kComment;
        else if (c == '"') in = triple ? (i += 2, In::kMlBasic) : In::kBasic;
        else if (c == '\'') in = triple ? (i += 2, In::kMlLiteral) : In::kLiteral;
        else if (c == '.' && ++dots > kMaxDotsPerLine)
          throw Error(origin + ":" + std::to_string(line) + ": invalid TOML: more than " +
                      std::to_string(kMaxDotsPerLine) + " dotted key parts on one line");
        break;
      case In::kBasic:
        if (c == '\\') ++i;
        else if (c == '"') in = In::kCode;
        break;
      case In::kLiteral:
        if (c == '\'') in = In::kCode;
        break;
      case In::kMlBasic:
        if (c == '\\') ++i;
        else if (triple && c == '"') i += 2, in = In::kCode;
        break;
      case In::kMlLiteral:
        if (triple && c == '\'') i += 2, in = In::kCode;
        break;
      case In::kComment:
        break;
    }
  }
}

toml::table parse_toml(std::string_view text, const std::string& origin) {
  check_key_depth(text, origin);
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ":" << e.source().begin.column
        << ": invalid TOML: " << e.description();
    throw Error(msg.str());
  }
}

// Keys of a table that no reader asked for, counted per key path ("rules.validate": 412): gitleaks
// ignores unknown keys without a word, and so would a user's betterleaks filter silently do nothing.
using UnknownKeys = std::map<std::string, size_t>;

// A TOML table read the way gitleaks' reader (viper) reads one: keys match case-insensitively. It
// remembers which keys were read, so the rest can be named.
class Table {
 public:
  Table(const toml::table& t, std::string path, UnknownKeys& unknown) : t_(t), path_(std::move(path)), unknown_(unknown) {}
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  ~Table() {
    for (const auto& [key, node] : t_)
      if (!read_.count(lower(std::string(key.str())))) ++unknown_[path_.empty() ? std::string(key.str()) : path_ + "." + std::string(key.str())];
  }

  const toml::node* get(std::string_view key) {
    read_.insert(lower(std::string(key)));
    for (const auto& [k, node] : t_)
      if (same_letters(k.str(), key)) return &node;
    return nullptr;
  }
  const std::string& path() const { return path_; }
  UnknownKeys& unknown() { return unknown_; }

 private:
  const toml::table& t_;
  std::string path_;
  UnknownKeys& unknown_;
  std::unordered_set<std::string> read_;
};

// A global [[allowlists]] entry with targetRules belongs to the rules it names, not to every rule.
struct TargetedAllowlist {
  Allowlist allowlist;
  std::vector<std::string> targets;
};

struct ExtendSpec {
  bool present = false;
  bool use_default = false;
  std::string path;
  std::vector<std::string> disabled;
};

// One file as written, before [extend] is applied.
struct FileConfig {
  std::string origin;  // as shown in messages
  std::string key;     // as ConfigFiles reads it
  std::string title;
  std::vector<Rule> rules;
  std::vector<Allowlist> allowlists;
  std::vector<TargetedAllowlist> targeted;
  ExtendSpec extend;
  std::vector<std::string> notices;
  std::vector<std::string> redefined;  // RuleConfig::redefined
  std::unordered_set<std::string> writes_generic;  // ids whose [[rules]] entry sets `generic` itself
};

// Rule::generic for a rule that does not write `generic`: gitleaks' catch-all is generic-api-key,
// leakgate's generic-secret, and a user's gitleaks config names its own the same way.
bool generic_by_default(const std::string& id) { return id.rfind("generic", 0) == 0; }

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw Error(origin_ + ": " + where + ": " + what);
  }

  std::string string_field(Table& t, std::string_view key, const std::string& where) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (auto v = n->value<std::string>()) return *v;
    fail(where, "'" + std::string(key) + "' must be a string");
  }

  std::vector<std::string> string_list(Table& t, std::string_view key, const std::string& where) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) fail(where, "'" + std::string(key) + "' must be an array of strings");
    for (const toml::node& item : *arr) {
      auto v = item.value<std::string>();
      if (!v) fail(where, "'" + std::string(key) + "' must contain only strings");
      out.push_back(*v);
    }
    return out;
  }

  // Lower-cased and de-duplicated, keeping first occurrences (gitleaks keeps a set).
  static std::vector<std::string> lowered_set(std::vector<std::string> v, bool trimmed) {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    for (auto& s : v) {
      std::string x = lower(trimmed ? trim(s) : s);
      if (seen.insert(x).second) out.push_back(std::move(x));
    }
    return out;
  }

  TargetedAllowlist allowlist(const toml::table& raw, const std::string& where, const std::string& key_path,
                              UnknownKeys& unknown, bool global) const {
    Table t(raw, key_path, unknown);
    TargetedAllowlist out;
    Allowlist& a = out.allowlist;
    a.description = string_field(t, "description", where);
    a.origin = origin_;
    const std::string written = string_field(t, "condition", where), cond = lower(written);
    if (cond.empty() || cond == "or" || cond == "||") a.condition = AllowCondition::kOr;
    else if (cond == "and" || cond == "&&") a.condition = AllowCondition::kAnd;
    else fail(where, "unknown allowlist condition '" + written + "' (expected 'and', 'or')");
    const std::string target = string_field(t, "regexTarget", where);  // case-sensitive, as in gitleaks
    if (target.empty() || target == "secret") a.regex_target = RegexTarget::kSecret;
    else if (target == "match") a.regex_target = RegexTarget::kMatch;
    else if (target == "line") a.regex_target = RegexTarget::kLine;
    else fail(where, "unknown allowlist regexTarget '" + target + "' (expected 'match', 'line')");
    a.regexes = string_list(t, "regexes", where);
    a.paths = string_list(t, "paths", where);
    a.stopwords = lowered_set(string_list(t, "stopwords", where), false);
    a.commits = lowered_set(string_list(t, "commits", where), true);
    if (global) out.targets = string_list(t, "targetRules", where);
    if (a.regexes.empty() && a.paths.empty() && a.stopwords.empty() && a.commits.empty())
      fail(where, "an allowlist must contain at least one check for: commits, paths, regexes, or stopwords");
    return out;
  }

  // [allowlist] (older, one) or [[allowlists]] (newer, many); gitleaks refuses both in one place.
  std::vector<TargetedAllowlist> allowlists(Table& t, const std::string& where, bool global) const {
    std::vector<TargetedAllowlist> out;
    const toml::node* single = t.get("allowlist");
    const toml::node* many = t.get("allowlists");
    const std::string prefix = t.path().empty() ? "" : t.path() + ".";
    if (single && many)
      fail(where, global ? "[allowlist] is deprecated, it cannot be used alongside [[allowlists]]"
                         : "[rules.allowlist] is deprecated, it cannot be used alongside [[rules.allowlists]]");
    if (single) {
      const toml::table* st = single->as_table();
      if (!st) fail(where, "'allowlist' must be a table");
      out.push_back(allowlist(*st, where + " allowlist", prefix + "allowlist", t.unknown(), global));
    }
    if (many) {
      const toml::array* arr = many->as_array();
      if (!arr) fail(where, "'allowlists' must be an array of tables ([[allowlists]])");
      size_t i = 0;
      for (const toml::node& item : *arr) {
        const toml::table* it = item.as_table();
        if (!it) fail(where, "'allowlists' must be an array of tables");
        out.push_back(allowlist(*it, where + " allowlists[" + std::to_string(i++) + "]", prefix + "allowlists",
                                t.unknown(), global));
      }
    }
    return out;
  }

  // One [[rules]] entry. A rule may name neither regex nor path here: under [extend] it refines
  // the base rule of that id. Whether the merged rule is complete is checked after merging.
  // `writes_generic`: whether the entry sets `generic` (a refinement then replaces the base's).
  Rule rule(const toml::table& raw, size_t index, UnknownKeys& unknown, std::vector<std::string>& required,
            bool& writes_generic) const {
    Table t(raw, "rules", unknown);
    Rule r;
    r.origin = origin_;
    r.id = trim(string_field(t, "id", "rule #" + std::to_string(index + 1)));
    const std::string where = r.id.empty() ? "rule #" + std::to_string(index + 1) : "rule '" + r.id + "'";
    r.description = string_field(t, "description", where);
    r.regex = string_field(t, "regex", where);
    r.path = string_field(t, "path", where);
    if (const toml::node* n = t.get("secretGroup")) {
      auto v = n->value<int64_t>();
      if (!v || *v < 0 || *v > 1000) fail(where, "'secretGroup' must be a non-negative integer");
      r.secret_group = static_cast<int>(*v);
    }
    if (const toml::node* n = t.get("entropy")) {
      auto v = n->value<double>();
      if (!v || *v < 0) fail(where, "'entropy' must be a non-negative number");
      r.entropy = *v;
    }
    r.keywords = string_list(t, "keywords", where);
    for (auto& k : r.keywords) {
      k = lower(k);
      if (k.empty()) fail(where, "empty keyword");
    }
    r.tags = string_list(t, "tags", where);
    for (auto& a : allowlists(t, where, false)) r.allowlists.push_back(std::move(a.allowlist));
    if (const toml::node* n = t.get("skipReport")) {
      auto v = n->value<bool>();
      if (!v) fail(where, "'skipReport' must be true or false");
      r.skip_report = *v;
    }
    if (const toml::node* n = t.get("required")) {
      const toml::array* arr = n->as_array();
      if (!arr) fail(where, "'required' must be an array of tables ([[rules.required]])");
      for (const toml::node& item : *arr) {
        const toml::table* rt = item.as_table();
        if (!rt) fail(where, "'required' must be an array of tables");
        Table req(*rt, "rules.required", unknown);
        const std::string id = trim(string_field(req, "id", where + " [[rules.required]]"));
        if (id.empty()) fail(where, "[[rules.required]] rule ID is empty");
        req.get("withinLines");  // read: they shape composite matching, which leakgate does not apply
        req.get("withinColumns");
        required.push_back(id);
      }
      r.required = required.size();
    }
    r.examples = string_list(t, "examples", where);
    r.negatives = string_list(t, "negatives", where);
    writes_generic = false;
    r.generic = generic_by_default(r.id);
    if (const toml::node* n = t.get("generic")) {
      auto v = n->value_exact<bool>();
      if (!v) fail(where, "'generic' must be true or false");
      r.generic = *v;
      writes_generic = true;
    }
    return r;
  }

 private:
  std::string origin_;
};

// Parses one file: its own rules, allowlists and [extend] request, each checked as gitleaks checks
// them while parsing. [[rules.required]] ids must name rules of the same file.
FileConfig parse_file(std::string_view text, const std::string& origin, const std::string& key, UnknownKeys& unknown) {
  const toml::table doc = parse_toml(text, origin);
  Table top(doc, "", unknown);
  Reader rd(origin);
  FileConfig f;
  f.origin = origin;
  f.key = key;
  f.title = rd.string_field(top, "title", "top level");
  rd.string_field(top, "description", "top level");
  for (auto& a : rd.allowlists(top, "top level", true)) {
    if (a.targets.empty()) f.allowlists.push_back(std::move(a.allowlist));
    else f.targeted.push_back(std::move(a));
  }
  std::vector<std::pair<std::string, std::string>> required;  // (rule, required id)
  if (const toml::node* rules = top.get("rules")) {
    const toml::array* arr = rules->as_array();
    if (!arr) rd.fail("top level", "'rules' must be an array of tables ([[rules]])");
    std::unordered_map<std::string, size_t> index;
    size_t i = 0;
    for (const toml::node& item : *arr) {
      const toml::table* t = item.as_table();
      if (!t) rd.fail("rule #" + std::to_string(i + 1), "must be a table");
      std::vector<std::string> req;
      bool writes_generic = false;
      Rule r = rd.rule(*t, i++, unknown, req, writes_generic);
      for (auto& q : req) required.emplace_back(r.id, std::move(q));
      if (writes_generic) f.writes_generic.insert(r.id);
      else f.writes_generic.erase(r.id);  // a later definition of the id replaces the whole rule
      // The same id twice: the later definition wins, as in gitleaks; say so.
      if (auto it = index.find(r.id); it != index.end() && !r.id.empty()) {
        f.notices.push_back(origin + ": rule '" + r.id + "' is defined twice; the later definition is used");
        f.redefined.push_back(r.id);
        f.rules[it->second] = std::move(r);
        continue;
      }
      index[r.id] = f.rules.size();
      f.rules.push_back(std::move(r));
    }
  }
  for (const auto& req : required) {
    const std::string& id = req.second;
    if (std::none_of(f.rules.begin(), f.rules.end(), [&](const Rule& r) { return r.id == id; }))
      rd.fail("rule '" + req.first + "'", "[[rules.required]] rule ID '" + id + "' does not exist");
  }

  if (const toml::node* ext = top.get("extend")) {
    const toml::table* et = ext->as_table();
    if (!et) rd.fail("top level", "'extend' must be a table");
    Table e(*et, "extend", unknown);
    f.extend.present = true;
    f.extend.disabled = rd.string_list(e, "disabledRules", "[extend]");
    if (const toml::node* ud = e.get("useDefault")) {
      auto v = ud->value<bool>();
      if (!v) rd.fail("[extend]", "'useDefault' must be true or false");
      f.extend.use_default = *v;
    }
    f.extend.path = rd.string_field(e, "path", "[extend]");
  }
  top.get("hooks");  // leakgate's own table, read by hooks_revoke_mode()
  return f;
}

// The fields a refining rule sets replace the base rule's; keywords, tags and allowlists add up
// (base first), as in gitleaks' extend(). The base's skipReport and required stay, and its
// `generic` unless the refining rule writes that key (`top_writes_generic`).
void refine(Rule& base, Rule&& top, bool top_writes_generic) {
  if (!top.description.empty()) base.description = std::move(top.description);
  if (!top.regex.empty()) base.regex = std::move(top.regex);
  if (!top.path.empty()) base.path = std::move(top.path);
  if (top.secret_group) base.secret_group = top.secret_group;
  if (top.entropy > 0) base.entropy = top.entropy;
  for (auto& k : top.keywords)
    if (std::find(base.keywords.begin(), base.keywords.end(), k) == base.keywords.end()) base.keywords.push_back(std::move(k));
  for (auto& t : top.tags) base.tags.push_back(std::move(t));
  for (auto& a : top.allowlists) base.allowlists.push_back(std::move(a));
  if (!top.examples.empty()) base.examples = std::move(top.examples);
  if (!top.negatives.empty()) base.negatives = std::move(top.negatives);
  if (top_writes_generic) base.generic = top.generic;
  base.origin = std::move(top.origin);
}

// gitleaks' default rule ids that leakgate's built-in set covers under another id, for the
// message when a config refines one of them under [extend] useDefault.
const std::map<std::string, std::string>& gitleaks_default_ids() {
  static const std::map<std::string, std::string> m = {
      {"generic-api-key", "generic-secret"},         {"aws-access-token", "aws-access-key-id"},
      {"stripe-access-token", "stripe-live-secret-key"}, {"shopify-access-token", "shopify-token"},
      {"shopify-custom-access-token", "shopify-token"}, {"shopify-private-app-access-token", "shopify-token"},
      {"shopify-shared-secret", "shopify-token"},    {"sendgrid-api-token", "sendgrid-api-key"},
      {"mailgun-private-api-token", "mailgun-api-key"}, {"huggingface-access-token", "huggingface-token"},
      {"hashicorp-tf-api-token", "terraform-cloud-token"}, {"vault-service-token", "hashicorp-vault-token"},
      {"doppler-api-token", "doppler-token"},       {"pulumi-api-token", "pulumi-access-token"},
      {"postman-api-token", "postman-api-key"},     {"digitalocean-access-token", "digitalocean-token"},
      {"digitalocean-pat", "digitalocean-token"},   {"discord-api-token", "discord-bot-token"},
      {"telegram-bot-api-token", "telegram-bot-token"}, {"databricks-api-token", "databricks-token"},
      {"gitlab-ptt", "gitlab-pipeline-trigger-token"}, {"gitlab-rrt", "gitlab-runner-token"},
      {"cohere-api-token", "cohere-api-key"},
  };
  return m;
}

[[noreturn]] void fail_missing_default(const Rule& r) {
  std::string msg = r.origin + ": rule '" + r.id + "' refines a rule of the default set that leakgate's built-in rules do "
                    "not have (in leakgate, [extend] useDefault means leakgate's own rules; `leakgate rules list` shows them)";
  if (auto it = gitleaks_default_ids().find(r.id); it != gitleaks_default_ids().end())
    msg += "; leakgate's rule for this is '" + it->second + "'";
  msg += ". To extend gitleaks' own default config instead, set [extend] path to a copy of gitleaks' config/gitleaks.toml";
  throw Error(msg);
}

// `top` over `base`, the way gitleaks' extend() merges: disabledRules removes rules of the base; a
// rule of the top file with a base rule's id refines it (unless that id was disabled: then it
// stands alone); new ids are appended; global allowlists: the top file's first.
RuleConfig merge(RuleConfig base, FileConfig top) {
  std::unordered_set<std::string> off(top.extend.disabled.begin(), top.extend.disabled.end());
  std::string switched_off;
  for (const auto& id : top.extend.disabled) {
    if (std::none_of(base.rules.begin(), base.rules.end(), [&](const Rule& r) { return r.id == id; }))
      top.notices.push_back(top.origin + ": [extend] disabledRules names '" + id + "', which the extended rules do not have");
    else
      switched_off += (switched_off.empty() ? "" : ", ") + id;
  }
  // Switching a rule off is a config's right (gitleaks' semantics), never a silent one: whoever
  // reads the scan's stderr or its report sees which rules did not run.
  if (!switched_off.empty())
    top.notices.push_back(top.origin + ": [extend] disabledRules switches off " +
                          (base.includes_builtin ? "built-in rules: " : "rules: ") + switched_off);
  std::erase_if(base.rules, [&](const Rule& r) { return off.count(r.id) > 0; });
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < base.rules.size(); ++i) index[base.rules[i].id] = i;
  for (Rule& r : top.rules) {
    auto it = off.count(r.id) ? index.end() : index.find(r.id);
    if (it != index.end()) {
      const bool writes_generic = top.writes_generic.count(r.id) > 0;
      refine(base.rules[it->second], std::move(r), writes_generic);
      continue;
    }
    if (r.regex.empty() && r.path.empty() && base.includes_builtin && !r.id.empty()) fail_missing_default(r);
    index[r.id] = base.rules.size();
    base.rules.push_back(std::move(r));
  }
  for (auto& a : base.allowlists) top.allowlists.push_back(std::move(a));
  base.allowlists = std::move(top.allowlists);
  base.title = std::move(top.title);
  base.sources.push_back(top.origin);
  for (auto& n : top.notices) base.notices.push_back(std::move(n));
  for (auto& id : top.redefined) base.redefined.push_back(std::move(id));
  return base;
}

RuleConfig alone(FileConfig f) {
  RuleConfig c;
  c.title = std::move(f.title);
  c.rules = std::move(f.rules);
  c.allowlists = std::move(f.allowlists);
  c.sources = {f.origin};
  c.notices = std::move(f.notices);
  c.redefined = std::move(f.redefined);
  return c;
}

struct Translated {
  RuleConfig config;
  std::vector<TargetedAllowlist> targeted;  // the top file's; a base file's are dropped, as in gitleaks
};

// The [extend] path named in `from`, found among the places gitleaks would look.
std::pair<std::string, std::string> find_base(const ConfigFiles& files, const FileConfig& from) {
  std::vector<std::string> tried;
  for (const auto& c : files.candidates(from.extend.path, from.key)) {
    if (auto text = files.read(c)) return {c, std::move(*text)};
    tried.push_back(files.display(c));
  }
  std::string msg = from.origin + ": [extend] path '" + from.extend.path + "' does not exist; tried";
  for (size_t i = 0; i < tried.size(); ++i) msg += (i ? ", " : " ") + tried[i];
  throw Error(msg);
}

// gitleaks' Translate(): the file, its [extend] chain merged underneath, depth first. With
// `implicit_builtin`, a chain that does not itself reach the built-in rules ends on them: a local
// config layers on top of the set in force.
Translated translate(const ConfigFiles& files, const std::string& key, std::string_view text, int depth,
                     bool implicit_builtin, UnknownKeys& unknown) {
  FileConfig f = parse_file(text, files.display(key), key, unknown);
  std::optional<RuleConfig> base;
  if (f.extend.present && depth >= kMaxBaseDepth) {
    f.notices.push_back(f.origin + ": [extend] not followed: gitleaks reads at most " + std::to_string(kMaxBaseDepth) +
                        " levels of [extend]");
  } else if (f.extend.present) {
    if (f.extend.use_default && !f.extend.path.empty())
      throw Error(f.origin + ": [extend]: unable to load config due to extend.path and extend.useDefault being set");
    if (f.extend.use_default) {
      base = load_builtin_config();
    } else if (!f.extend.path.empty()) {
      auto [base_key, base_text] = find_base(files, f);
      try {
        Translated b = translate(files, base_key, base_text, depth + 1, implicit_builtin, unknown);
        if (!b.targeted.empty())
          f.notices.push_back(files.display(base_key) + ": [[allowlists]] with targetRules in an extended file are not "
                              "applied (gitleaks applies only the top file's)");
        base = std::move(b.config);
      } catch (const Error& e) {
        throw Error(f.origin + ": failed to load extended config: " + e.what());
      }
    }
  }
  if (!base && implicit_builtin) base = load_builtin_config();
  Translated out;
  out.targeted = std::move(f.targeted);
  out.config = base ? merge(std::move(*base), std::move(f)) : alone(std::move(f));
  return out;
}

// Checks gitleaks makes once the rules are merged (8.29 and later: 8.28 skipped them after an
// [extend], which let an incomplete rule through).
void validate(RuleConfig& cfg, std::vector<TargetedAllowlist> targeted, const std::string& origin) {
  for (auto& t : targeted)
    for (const auto& id : t.targets) {
      auto it = std::find_if(cfg.rules.begin(), cfg.rules.end(), [&](const Rule& r) { return r.id == id; });
      if (it == cfg.rules.end()) throw Error(origin + ": [[allowlists]] target rule ID '" + id + "' does not exist");
      it->allowlists.push_back(t.allowlist);
    }
  size_t i = 0;
  for (const Rule& r : cfg.rules) {
    ++i;
    if (r.id.empty()) throw Error(r.origin + ": rule #" + std::to_string(i) + ": rule id is missing or empty");
    const std::string where = r.origin + ": rule '" + r.id + "': ";
    if (r.regex.empty() && r.path.empty())
      throw Error(where + "both regex and path are empty, this rule will have no effect");
    if (r.secret_group > 0 && !r.regex.empty()) {
      // A regex whose syntax is not understood here is the compiler's to report, with its position.
      const std::optional<int> groups = count_capture_groups(r.regex);
      if (groups && r.secret_group > *groups)
        throw Error(where + "invalid regex secret group " + std::to_string(r.secret_group) + ", max regex secret group " +
                    std::to_string(*groups));
    }
  }
}

// What the config asks for that leakgate does not do, said once.
void note_unapplied(RuleConfig& cfg, const UnknownKeys& unknown, const std::string& origin) {
  size_t composite = 0, skipped = 0;
  for (const Rule& r : cfg.rules) {
    composite += r.required > 0;
    skipped += r.skip_report;
  }
  if (composite)
    cfg.notices.push_back(origin + ": " + std::to_string(composite) + " rule(s) use [[rules.required]]: leakgate reports "
                          "their own matches without checking the required rules");
  if (skipped) {
    cfg.notices.push_back(origin + ": " + std::to_string(skipped) + " rule(s) with skipReport = true are not scanned: "
                          "they only serve [[rules.required]]");
    std::erase_if(cfg.rules, [](const Rule& r) { return r.skip_report; });
  }
  if (unknown.empty()) return;
  std::string msg = origin + ": keys leakgate does not apply:";
  bool first = true;
  for (const auto& [key, n] : unknown) {
    msg += (first ? " " : ", ") + key;
    if (key.rfind("rules.", 0) == 0) msg += " (" + std::to_string(n) + (n == 1 ? " rule)" : " rules)");
    first = false;
  }
  cfg.notices.push_back(msg);
}

RuleConfig load_top(const ConfigFiles& files, const std::string& key, std::string_view text, bool implicit_builtin) {
  UnknownKeys unknown;
  Translated t = translate(files, key, text, 0, implicit_builtin, unknown);
  const std::string origin = files.display(key);
  validate(t.config, std::move(t.targeted), origin);
  note_unapplied(t.config, unknown, origin);
  return std::move(t.config);
}

std::filesystem::path cwd_or_empty() {
  std::error_code ec;
  auto p = std::filesystem::current_path(ec);
  return ec ? std::filesystem::path() : p;
}

}  // namespace

ConfigFiles disk_config_files(const std::filesystem::path& root, bool regular_only) {
  auto full = [root](const std::string& path) {
    const std::filesystem::path p(path);
    return p.is_absolute() || root.empty() ? p : root / p;
  };
  ConfigFiles f;
  f.read = [full, regular_only](const std::string& path) -> std::optional<std::string> {
    const auto p = full(path);
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) return std::nullopt;
    InputFileLimits limits;
    limits.regular_only = regular_only;
    return read_input_file(p, p.filename() == ".leakgateignore" ? "ignore file" : "config file", limits);
  };
  f.display = [full](const std::string& path) { return full(path).string(); };
  f.candidates = [full](const std::string& extend_path, const std::string& from) {
    const std::filesystem::path p(extend_path);
    if (p.is_absolute()) return std::vector<std::string>{extend_path};
    std::vector<std::string> out;
    const auto cwd = cwd_or_empty();
    if (!cwd.empty()) out.push_back((cwd / p).lexically_normal().string());
    std::filesystem::path dir = full(from).parent_path();
    if (dir.is_relative() && !cwd.empty()) dir = cwd / dir;
    const std::string beside = (dir / p).lexically_normal().string();
    if (out.empty() || out[0] != beside) out.push_back(beside);
    return out;
  };
  return f;
}

RuleConfig parse_config(std::string_view text, const std::string& origin, const ConfigFiles* files) {
  const ConfigFiles disk = disk_config_files();
  return load_top(files ? *files : disk, origin, text, false);
}

namespace {
// rules/builtin.toml without its `examples = [...]` and `negatives = [...]` arrays, by that file's
// own layout: such an array is one line, or opens with `= [` and closes with a line that is `]`.
// Cuts start-up parsing by more than half; a test checks the result parses to the same rules.
std::string without_examples(std::string_view toml) {
  std::string out;
  out.reserve(toml.size());
  bool skipping = false;
  for (size_t pos = 0; pos < toml.size();) {
    size_t eol = toml.find('\n', pos);
    eol = eol == std::string_view::npos ? toml.size() : eol + 1;
    const std::string_view line = toml.substr(pos, eol - pos);
    pos = eol;
    std::string_view body = line;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    if (skipping) {
      skipping = body != "]";
      continue;
    }
    if (body.rfind("examples = [", 0) == 0 || body.rfind("negatives = [", 0) == 0) {
      skipping = body.back() == '[';
      continue;
    }
    out.append(line);
  }
  return out;
}
}  // namespace

RuleConfig load_builtin_config(bool with_examples) {
  auto load = [](std::string_view text) {
    UnknownKeys unknown;
    RuleConfig c = alone(parse_file(text, kBuiltinName, kBuiltinName, unknown));
    validate(c, {}, kBuiltinName);
    c.includes_builtin = true;
    return c;
  };
  if (with_examples) {
    static const RuleConfig full = load(embedded_builtin_rules());
    return full;
  }
  static const RuleConfig builtin = load(without_examples(embedded_builtin_rules()));
  return builtin;
}

RuleConfig load_config_file(const std::filesystem::path& file) {
  const ConfigFiles disk = disk_config_files();
  const auto text = disk.read(file.string());
  if (!text) throw Error("config file '" + file.string() + "' does not exist");
  return load_top(disk, file.string(), *text, false);
}

std::string hooks_revoke_mode(const ConfigFiles* local) {
  if (!local) return "off";
  const auto text = local->read(".leakgate.toml");
  if (!text) return "off";
  const std::string origin = local->display(".leakgate.toml");
  const toml::table doc = parse_toml(*text, origin);
  const std::string mode = doc["hooks"]["revoke"].value_or(std::string("off"));
  if (mode != "off" && mode != "dry-run" && mode != "on")
    throw Error(origin + ": [hooks] revoke must be \"off\", \"dry-run\" or \"on\", not \"" + mode + "\"");
  return mode;
}

RuleConfig resolve_scan_config(const std::string& explicit_file, const ConfigFiles* local) {
  if (!explicit_file.empty()) return load_config_file(explicit_file);
  if (local)
    if (const auto text = local->read(".leakgate.toml")) return load_top(*local, ".leakgate.toml", *text, true);
  return load_builtin_config();
}

}  // namespace leakgate
