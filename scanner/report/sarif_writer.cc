// SARIF 2.1.0 as GitHub code scanning takes it: each rule once in tool.driver.rules, results that
// point at rules by id and index, relative artifact URIs (percent-encoded bytes, so any path is a
// valid URI), and partialFingerprints so alerts track a secret across pushes even as lines move.
#include <map>
#include <ostream>

#include "scanner/report/finding_json.h"
#include "scanner/report/redact.h"
#include "scanner/util/utf8.h"

namespace leakgate {

using nlohmann::json;

namespace {

// A relative artifact URI: every byte outside the unreserved set and '/' percent-encoded.
std::string uri_encode_path(const std::string& path) {
  std::string out = percent_encode(path, "/");
  if (out.rfind("./", 0) == 0) out.erase(0, 2);
  return out;
}

std::string rule_name(const std::string& id) {
  // SARIF's `name` is an identifier-like, human-readable form: anthropic-api-key → AnthropicApiKey.
  std::string out;
  bool up = true;
  for (char c : id) {
    if (c == '-' || c == '_' || c == '.') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

}  // namespace

void write_sarif(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts) {
  json rules = json::array();
  std::map<std::string, size_t> index;
  auto add_rule = [&](const std::string& id, const std::string& description) {
    if (index.count(id)) return;
    index[id] = rules.size();
    const std::string desc = to_valid_utf8(description.empty() ? id : description);
    rules.push_back({{"id", id},
                     {"name", rule_name(id)},
                     {"shortDescription", {{"text", desc}}},
                     {"fullDescription", {{"text", desc}}},
                     {"help",
                      {{"text", "Remove the secret from the code and its history, rotate it (create a new one, "
                                "deploy it, deactivate the old one), and keep secrets in a secret store."}}},
                     {"defaultConfiguration", {{"level", "error"}}},
                     {"properties", {{"tags", {"security", "secret"}}, {"precision", "high"},
                                     {"security-severity", "9.0"}}}});
  };
  for (const auto& r : opts.rules) add_rule(r.id, r.description);
  for (const auto& f : findings) add_rule(f.rule_id, f.description);

  json results = json::array();
  for (const Finding& f : findings) {
    const std::string shown = shown_secret(f, opts);
    std::string text = to_valid_utf8(f.description.empty() ? f.rule_id : f.description);
    if (f.line) text += " Secret: " + to_valid_utf8(shown);
    if (f.git) text += " (introduced in commit " + to_valid_utf8(f.git->commit) + ")";
    json location = {{"physicalLocation",
                      {{"artifactLocation", {{"uri", uri_encode_path(f.file)}, {"uriBaseId", "%SRCROOT%"}}}}}};
    if (f.line) {
      location["physicalLocation"]["region"] = {{"startLine", f.line},
                                                {"startColumn", f.column},
                                                {"endLine", f.end_line},
                                                {"endColumn", f.end_column + 1},
                                                {"snippet", {{"text", to_valid_utf8(shown)}}}};
    }
    json result = {{"ruleId", f.rule_id},
                   {"ruleIndex", index[f.rule_id]},
                   {"level", "error"},
                   {"kind", "fail"},
                   {"message", {{"text", text}}},
                   {"locations", json::array({location})},
                   {"partialFingerprints", {{"leakgate/v1", f.fingerprint}, {"secretSha256/v1", f.secret_sha256}}}};
    json props = json::object();
    if (f.git) {
      props["commit"] = f.git->commit;
      props["author"] = to_valid_utf8(f.git->author);
      props["email"] = to_valid_utf8(f.git->email);
      props["date"] = f.git->date;
      props["blob"] = f.git->blob;
    }
    if (f.verification) props["verification"] = verification_status_name(f.verification->status);
    if (f.revocation) props["revocation"] = revocation_status_name(f.revocation->status);
    if (!props.empty()) result["properties"] = props;
    results.push_back(std::move(result));
  }

  json run = {{"tool",
               {{"driver",
                 {{"name", "leakgate"},
                  {"version", LEAKGATE_VERSION},
                  {"semanticVersion", LEAKGATE_VERSION},
                  {"informationUri", "https://github.com/leakgate/leakgate"},
                  {"rules", rules}}}}},
              {"results", results},
              {"columnKind", "unicodeCodePoints"}};
  if (!opts.command.empty())
    run["invocations"] = json::array({{{"commandLine", to_valid_utf8(opts.command)}, {"executionSuccessful", true}}});
  if (!opts.notices.empty()) {
    if (!run.contains("invocations"))
      run["invocations"] = json::array({{{"executionSuccessful", true}}});
    json notes = json::array();
    for (const auto& n : opts.notices) notes.push_back({{"level", "warning"}, {"message", {{"text", to_valid_utf8(n)}}}});
    run["invocations"][0]["toolExecutionNotifications"] = notes;
  }
  json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({run})}};
  out << dump_json(doc, 2) << '\n';
}

}  // namespace leakgate
