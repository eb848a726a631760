// `rules check` and `rules check --pedantic` on small rule files: each check fails where it should.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "scanner/ruleset/config_loader.h"
#include "scanner/tools/rule_check.h"

using namespace leakgate;

namespace {

// A rule that passes every check; each test below breaks one thing.
struct RuleText {
  std::string id = "vendor-q-token";
  std::string description = "Vendor Q token";
  std::string regex = "vendorq_([a-z0-9]{20})";
  std::string keywords = "\"vendorq_\"";
  std::string examples = "'token = \"vendorq_{{lalnum:20}}\"', 'VENDORQ=vendorq_{{lalnum:20}}'";
  std::string negatives = "'vendorq_short', 'vendorq_{{upper:20}}'";
  std::string extra;  // more TOML after the rule

  std::string toml() const {
    std::string t = "title = \"test\"\n[[rules]]\nid = \"" + id + "\"\n";
    if (!description.empty()) t += "description = \"" + description + "\"\n";
    t += "regex = '''" + regex + "'''\n";
    if (!keywords.empty()) t += "keywords = [" + keywords + "]\n";
    return t + "examples = [" + examples + "]\nnegatives = [" + negatives + "]\n" + extra;
  }
};

struct Checked {
  std::vector<RuleCheckResult> results;
  // Every failure of every rule, one a line.
  std::string failures() const {
    std::string all;
    for (const auto& r : results)
      for (const auto& f : r.failures) all += f + "\n";
    return all;
  }
  bool ok() const {
    for (const auto& r : results)
      if (!r.ok()) return false;
    return true;
  }
};

Checked check(const std::string& toml, bool pedantic = true) {
  RuleCheckOptions o;
  o.pedantic = pedantic;
  o.raw_text = toml;
  return {check_rules(parse_config(toml, "test.toml"), o)};
}

bool has(const Checked& c, const std::string& text) { return c.failures().find(text) != std::string::npos; }

}  // namespace

TEST_CASE("rules check --pedantic: the reference rule passes every check") {
  const auto c = check(RuleText{}.toml());
  INFO(c.failures());
  CHECK(c.ok());
  REQUIRE(c.results.size() == 1);
  CHECK(c.results[0].examples_ok == 2);
  CHECK(c.results[0].negatives_ok == 2);
}

TEST_CASE("rules check: a malformed template fails its rule, named with the template") {
  RuleText r;
  r.examples = "'vendorq_{{lalnum:20}}', 'vendorq_{{alnmu:20}}', 'vendorq_{{b64:}}', 'vendorq_{{b64:0}}', "
               "'vendorq_{{b64:99999999}}', 'vendorq_{{hex:20'";
  const auto c = check(r.toml(), /*pedantic=*/false);
  INFO(c.failures());
  CHECK_FALSE(c.ok());
  CHECK(c.results[0].examples_ok == 1);
  CHECK(has(c, "rule 'vendor-q-token': example 2: unknown template class 'alnmu' in {{alnmu:20}} (known: lower, upper, "));
  CHECK(has(c, "rule 'vendor-q-token': example 3: bad count '' in {{b64:}} (a number from 1 to 1048576)"));
  CHECK(has(c, "rule 'vendor-q-token': example 4: bad count '0' in {{b64:0}}"));
  CHECK(has(c, "rule 'vendor-q-token': example 5: bad count '99999999' in {{b64:99999999}}"));
  CHECK(has(c, "rule 'vendor-q-token': example 6: template placeholder '{{hex:20' has no closing '}}'"));
  RuleText neg;
  neg.negatives = "'vendorq_short', 'vendorq_{{uper:20}}'";
  CHECK(has(check(neg.toml(), false), "rule 'vendor-q-token': look-alike 2: unknown template class 'uper'"));
}

TEST_CASE("rules check --pedantic: examples-count") {
  RuleText r;
  r.examples = "'vendorq_{{lalnum:20}}'";
  const auto c = check(r.toml());
  CHECK(has(c, "rule 'vendor-q-token': pedantic examples-count: 1 examples and 2 look-alikes; at least 2 of each"));
  CHECK(check(r.toml(), false).ok());  // not a failure without --pedantic
  RuleText n;
  n.negatives = "'vendorq_short'";
  CHECK(has(check(n.toml()), "pedantic examples-count: 2 examples and 1 look-alikes"));
}

TEST_CASE("rules check --pedantic: keyword-in-match") {
  // Found, because the keyword sits elsewhere in the example, but the match itself lacks it.
  RuleText r;
  r.regex = "(?:vendorq_|vq-)([a-z0-9]{20})";
  r.examples = "'vendorq_{{lalnum:20}}', 'vendorq_ key: vq-{{lalnum:20}}'";
  const auto c = check(r.toml());
  INFO(c.failures());
  CHECK(c.results[0].examples_ok == 2);
  CHECK(has(c, "rule 'vendor-q-token': pedantic keyword-in-match: example 2 'vendorq_ key: vq-{{lalnum:20}}': a match at "
               "byte 14 contains none of the rule's keywords"));
  // Look-alikes too: a match the entropy gate drops must still carry a keyword.
  RuleText n;
  n.regex = "(?:vendorq_|vq-)([a-z0-9]{20})";
  n.extra = "entropy = 3.0\n";
  n.examples = "'vendorq_{{lalnum:20}}', 'x=vendorq_{{lalnum:20}}'";
  n.negatives = "'vendorq_short', 'vendorq_ vq-aaaaaaaaaaaaaaaaaaaa'";
  CHECK(has(check(n.toml()), "pedantic keyword-in-match: look-alike 2"));
}

TEST_CASE("rules check --pedantic: keyword-used") {
  RuleText r;
  r.regex = "(?:vendorq_|vendorz_)([a-z0-9]{20})";
  r.keywords = "\"vendorq_\", \"vendorz_\"";
  const auto c = check(r.toml());
  CHECK(has(c, "rule 'vendor-q-token': pedantic keyword-used: keyword 'vendorz_' occurs in no example's finding"));
  CHECK_FALSE(has(c, "keyword 'vendorq_'"));
  r.examples += ", 'vendorz_{{lalnum:20}}'";
  CHECK(check(r.toml()).ok());
}

TEST_CASE("rules check --pedantic: template-secret") {
  RuleText r;
  r.regex = "vendorq_(\\S{6,})";
  r.examples = "'vendorq_{{lalnum:20}}', 'vendorq_{{.Values.vendorq}}'";
  r.negatives = "'vendorq_short', 'vendorq_ab'";
  const auto c = check(r.toml());
  INFO(c.failures());
  CHECK(c.results[0].examples_ok == 2);
  CHECK(has(c, "rule 'vendor-q-token': pedantic template-secret: example 2 'vendorq_{{.Values.vendorq}}': the secret "
               "found holds '{{'"));
}

TEST_CASE("rules check --pedantic: raw-file") {
  // A look-alike the entropy gate drops, written as it reads: the raw file matches the rule.
  RuleText r;
  r.extra = "entropy = 3.0\n";
  r.negatives = "'vendorq_short', 'vendorq_" + std::string(20, 'a') + "'";
  const auto c = check(r.toml());
  INFO(c.failures());
  CHECK(c.results[0].negatives_ok == 2);
  CHECK(has(c, "rule 'vendor-q-token': pedantic raw-file: the rule file as written matches this rule (line 8): write the "
               "value as a {{CLASS:N}} template, or break it with a \\uXXXX escape"));
  // The same value with one TOML escape in it parses the same and no longer matches as written.
  r.negatives = "'vendorq_short', \"vendorq_\\u0061" + std::string(19, 'a') + "\"";
  const auto fixed = check(r.toml());
  INFO(fixed.failures());
  CHECK(fixed.ok());
}

TEST_CASE("rules check --pedantic: unique-id, id-format, description, keywords") {
  RuleText twice;
  twice.extra = RuleText{}.toml().substr(std::string("title = \"test\"\n").size());
  const auto dup = check(twice.toml());
  REQUIRE(dup.results.size() == 1);  // the later definition is used, as gitleaks does
  CHECK(has(dup, "rule 'vendor-q-token': pedantic unique-id: defined more than once in one file"));

  for (const char* id : {"Vendor-Q", "vendor_q", "vendor--q", "-vendor", "vendor-", "vendor q"}) {
    RuleText r;
    r.id = id;
    INFO(id);
    CHECK(has(check(r.toml()), "rule '" + std::string(id) + "': pedantic id-format: the id is not lowercase words joined by '-'"));
  }
  RuleText ok_id;
  ok_id.id = "vendor-q2-token";
  CHECK(check(ok_id.toml()).ok());

  RuleText nodesc;
  nodesc.description.clear();
  CHECK(has(check(nodesc.toml()), "rule 'vendor-q-token': pedantic description: no description"));

  RuleText nokw;
  nokw.keywords.clear();
  CHECK(has(check(nokw.toml()), "rule 'vendor-q-token': pedantic keywords: no keywords: the rule runs on every block"));
}

TEST_CASE("rules check without --pedantic already refuses what RE2 and Hyperscan cannot run") {
  // The retired Python checker linted these itself; RE2 refuses every one, so the plain check
  // reports the rule as an error.
  for (const char* regex : {"vendorq_(?=[a-z]{20})", "vendorq_(?![0-9])[a-z]{20}", "(?<=x)vendorq_[a-z]{20}",
                            "(vendorq_)[a-z]{20}\\1", "vendorq_(?>[a-z]{20})", "vendorq_[a-z]++",
                            "vendorq_[a-z]{1001}", "vendorq_(?:(?:[a-z]{2,50}){1,30})", "vendorq_[a-z]{20}\\Z"}) {
    INFO(regex);
    RuleText r;
    r.regex = regex;
    const auto c = check(r.toml(), /*pedantic=*/false);
    REQUIRE(c.results.size() == 1);
    CHECK_FALSE(c.results[0].mode);
    CHECK(c.results[0].mode_name() == std::string("error"));
    CHECK(c.results[0].note.find("invalid regex") != std::string::npos);
  }
}

TEST_CASE("rules check knows generic rules: an example a specific rule takes names that rule") {
  // The catch-all's example is also the specific rule's: scanned as scans run, it yields.
  RuleText specific;
  RuleText catchall;
  catchall.id = "vendor-q-catchall";
  catchall.regex = "assign=(\\S{20,})";
  catchall.keywords = "\"assign=\"";
  catchall.examples = "'assign={{lalnum:24}}', 'assign=vendorq_{{lalnum:20}}'";
  catchall.negatives = "'assign=short', 'assign: {{lalnum:24}}'";
  const std::string with_key = specific.toml() + catchall.toml().substr(std::string("title = \"test\"\n").size()) +
                               "generic = true\n";
  const auto c = check(with_key, /*pedantic=*/false);
  REQUIRE(c.results.size() == 2);
  CHECK_FALSE(c.results[0].generic);
  CHECK(c.results[1].generic);
  CHECK(c.results[1].examples_ok == 1);
  CHECK(c.failures() ==
        "rule 'vendor-q-catchall': example 2: not found: 'assign=vendorq_{{lalnum:20}}' (the rule is generic: it "
        "yields to a specific rule's finding on the same bytes, and 'vendor-q-token' found one here)\n");
  // Not generic, the same example is found.
  const auto plain = check(with_key.substr(0, with_key.size() - std::string("generic = true\n").size()), false);
  INFO(plain.failures());
  CHECK(plain.ok());
  CHECK_FALSE(plain.results[1].generic);
}
