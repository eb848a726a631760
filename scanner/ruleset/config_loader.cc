#include "scanner/ruleset/config_loader.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <toml++/toml.h>

#include "scanner/util/error.h"
#include "scanner/util/input_file.h"

namespace leakgate {

std::string_view embedded_builtin_rules();  // generated at build time from rules/builtin.toml

namespace {

constexpr int kMaxExtendDepth = 4;  // gitleaks' own limit on [extend] chains is 2; leave room

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw Error(origin_ + ": " + where + ": " + what);
  }

  std::string string_field(const toml::table& t, std::string_view key, const std::string& where) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (auto v = n->value<std::string>()) return *v;
    fail(where, "'" + std::string(key) + "' must be a string");
  }

  std::vector<std::string> string_list(const toml::table& t, std::string_view key,
                                       const std::string& where) const {
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

  Allowlist allowlist(const toml::table& t, const std::string& where) const {
    Allowlist a;
    a.description = string_field(t, "description", where);
    std::string cond = lower(string_field(t, "condition", where));
    if (cond.empty() || cond == "or") a.condition = AllowCondition::kOr;
    else if (cond == "and") a.condition = AllowCondition::kAnd;
    else fail(where, "allowlist condition must be \"OR\" or \"AND\", not \"" + cond + "\"");
    std::string target = string_field(t, "regexTarget", where);
    if (target.empty() || target == "secret") a.regex_target = RegexTarget::kSecret;
    else if (target == "match") a.regex_target = RegexTarget::kMatch;
    else if (target == "line") a.regex_target = RegexTarget::kLine;
    else fail(where, "regexTarget must be \"secret\", \"match\" or \"line\", not \"" + target + "\"");
    a.regexes = string_list(t, "regexes", where);
    a.paths = string_list(t, "paths", where);
    a.stopwords = string_list(t, "stopwords", where);
    for (auto& s : a.stopwords) s = lower(s);
    a.commits = string_list(t, "commits", where);
    return a;
  }

  // [allowlist] (older, single) and [[allowlists]] (newer, many) at any level.
  std::vector<Allowlist> allowlists(const toml::table& t, const std::string& where) const {
    std::vector<Allowlist> out;
    if (const toml::node* single = t.get("allowlist")) {
      const toml::table* st = single->as_table();
      if (!st) fail(where, "'allowlist' must be a table");
      out.push_back(allowlist(*st, where + " allowlist"));
    }
    if (const toml::node* many = t.get("allowlists")) {
      const toml::array* arr = many->as_array();
      if (!arr) fail(where, "'allowlists' must be an array of tables ([[allowlists]])");
      size_t i = 0;
      for (const toml::node& item : *arr) {
        const toml::table* it = item.as_table();
        if (!it) fail(where, "'allowlists' must be an array of tables");
        out.push_back(allowlist(*it, where + " allowlists[" + std::to_string(i++) + "]"));
      }
    }
    return out;
  }

  Rule rule(const toml::table& t, size_t index) const {
    Rule r;
    r.origin = origin_;
    r.id = string_field(t, "id", "rule #" + std::to_string(index + 1));
    if (r.id.empty()) fail("rule #" + std::to_string(index + 1), "missing 'id'");
    const std::string where = "rule '" + r.id + "'";
    r.description = string_field(t, "description", where);
    r.regex = string_field(t, "regex", where);
    r.path = string_field(t, "path", where);
    if (const toml::node* n = t.get("secretGroup")) {
      auto v = n->value<int64_t>();
      if (!v || *v < 0 || *v > 100) fail(where, "'secretGroup' must be a small non-negative integer");
      r.secret_group = static_cast<int>(*v);
    }
    if (const toml::node* n = t.get("entropy")) {
      auto v = n->value<double>();
      if (!v || *v < 0 || *v > 8) fail(where, "'entropy' must be a number between 0 and 8");
      r.entropy = *v;
    }
    r.keywords = string_list(t, "keywords", where);
    for (auto& k : r.keywords) {
      k = lower(k);
      if (k.empty()) fail(where, "empty keyword");
    }
    r.tags = string_list(t, "tags", where);
    r.allowlists = allowlists(t, where);
    r.examples = string_list(t, "examples", where);
    r.negatives = string_list(t, "negatives", where);
    if (r.regex.empty() && r.path.empty()) fail(where, "needs a 'regex' or a 'path'");
    return r;
  }

 private:
  std::string origin_;
};

// Merges `top` over `base` the way gitleaks' [extend] does: a rule with a known id refines the
// base rule (fields it sets win, keywords and allowlists add up); new ids are appended.
RuleConfig merge(RuleConfig base, RuleConfig top, const std::vector<std::string>& disabled) {
  std::unordered_set<std::string> off(disabled.begin(), disabled.end());
  std::erase_if(base.rules, [&](const Rule& r) { return off.count(r.id) > 0; });
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < base.rules.size(); ++i) index[base.rules[i].id] = i;
  for (Rule& r : top.rules) {
    auto it = index.find(r.id);
    if (it == index.end()) {
      index[r.id] = base.rules.size();
      base.rules.push_back(std::move(r));
      continue;
    }
    Rule& b = base.rules[it->second];
    if (!r.description.empty()) b.description = r.description;
    if (!r.regex.empty()) b.regex = r.regex;
    if (!r.path.empty()) b.path = r.path;
    if (r.secret_group) b.secret_group = r.secret_group;
    if (r.entropy > 0) b.entropy = r.entropy;
    for (auto& k : r.keywords)
      if (std::find(b.keywords.begin(), b.keywords.end(), k) == b.keywords.end()) b.keywords.push_back(k);
    for (auto& a : r.allowlists) b.allowlists.push_back(std::move(a));
    if (!r.examples.empty()) b.examples = r.examples;
    if (!r.negatives.empty()) b.negatives = r.negatives;
    b.origin = r.origin;
  }
  for (auto& a : top.allowlists) base.allowlists.push_back(std::move(a));
  if (!top.title.empty()) base.title = top.title;
  return base;
}

std::string read_file(const std::filesystem::path& file) { return read_input_file(file, "config file"); }

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

}  // namespace

RuleConfig parse_config(std::string_view text, const std::string& origin,
                        const std::filesystem::path& base_dir, int depth) {
  if (depth > kMaxExtendDepth) throw Error(origin + ": [extend] chain is too deep (a loop?)");
  const toml::table doc = parse_toml(text, origin);
  Reader rd(origin);
  RuleConfig cfg;
  cfg.title = rd.string_field(doc, "title", "top level");
  cfg.allowlists = rd.allowlists(doc, "global");
  if (const toml::node* rules = doc.get("rules")) {
    const toml::array* arr = rules->as_array();
    if (!arr) rd.fail("top level", "'rules' must be an array of tables ([[rules]])");
    size_t i = 0;
    for (const toml::node& item : *arr) {
      const toml::table* t = item.as_table();
      if (!t) rd.fail("rule #" + std::to_string(i + 1), "must be a table");
      cfg.rules.push_back(rd.rule(*t, i++));
    }
  }
  {
    std::unordered_set<std::string> seen;
    for (const Rule& r : cfg.rules)
      if (!seen.insert(r.id).second) rd.fail("rule '" + r.id + "'", "duplicate rule id");
  }

  if (const toml::node* ext = doc.get("extend")) {
    const toml::table* et = ext->as_table();
    if (!et) rd.fail("top level", "'extend' must be a table");
    auto disabled = rd.string_list(*et, "disabledRules", "[extend]");
    bool use_default = false;
    if (const toml::node* ud = et->get("useDefault")) {
      auto v = ud->value<bool>();
      if (!v) rd.fail("[extend]", "'useDefault' must be true or false");
      use_default = *v;
    }
    std::string path = rd.string_field(*et, "path", "[extend]");
    if (use_default && !path.empty()) rd.fail("[extend]", "set either 'useDefault' or 'path', not both");
    if (use_default) return merge(load_builtin_config(), std::move(cfg), disabled);
    if (!path.empty()) {
      std::filesystem::path p = path;
      if (p.is_relative()) p = base_dir / p;
      RuleConfig base = parse_config(read_file(p), p.string(), p.parent_path(), depth + 1);
      return merge(std::move(base), std::move(cfg), disabled);
    }
  }
  return cfg;
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
  if (with_examples) {
    static const RuleConfig full = parse_config(embedded_builtin_rules(), "<built-in rules>");
    return full;
  }
  static const RuleConfig builtin = parse_config(without_examples(embedded_builtin_rules()), "<built-in rules>");
  return builtin;
}

RuleConfig load_config_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw Error("config file '" + file.string() + "' does not exist");
  return parse_config(read_file(file), file.string(), file.parent_path());
}

std::string hooks_revoke_mode(const std::filesystem::path& root) {
  const std::filesystem::path file = root / ".leakgate.toml";
  std::error_code ec;
  if (root.empty() || !std::filesystem::is_regular_file(file, ec)) return "off";
  const toml::table doc = parse_toml(read_file(file), file.string());
  const std::string mode = doc["hooks"]["revoke"].value_or(std::string("off"));
  if (mode != "off" && mode != "dry-run" && mode != "on")
    throw Error(file.string() + ": [hooks] revoke must be \"off\", \"dry-run\" or \"on\", not \"" + mode + "\"");
  return mode;
}

RuleConfig resolve_scan_config(const std::string& explicit_file, const std::filesystem::path& root) {
  if (!explicit_file.empty()) return load_config_file(explicit_file);
  std::error_code ec;
  const std::filesystem::path local = root / ".leakgate.toml";
  if (!root.empty() && std::filesystem::is_regular_file(local, ec)) {
    RuleConfig top = load_config_file(local);
    // A repository's own .leakgate.toml adds to the built-in rules; it never silently replaces them.
    // (If it said [extend] useDefault itself, the merge already happened.)
    bool has_builtin = std::any_of(top.rules.begin(), top.rules.end(),
                                   [](const Rule& r) { return r.id == "anthropic-api-key"; });
    if (has_builtin) return top;
    return merge(load_builtin_config(), std::move(top), {});
  }
  return load_builtin_config();
}

}  // namespace leakgate
