#include "scanner/report/finding_json.h"

#include <fstream>
#include <sstream>

#include "scanner/util/error.h"
#include "scanner/util/utf8.h"

namespace leakgate {

using nlohmann::json;

namespace {

// A string field that keeps non-UTF-8 bytes representable: the lossy UTF-8 form in `key`, and the
// exact bytes in `key_base64` when they differ (as ripgrep's JSON does for paths).
void put_bytes(json& j, const char* key, const std::string& value) {
  if (is_valid_utf8(value)) {
    j[key] = value;
  } else {
    j[key] = to_valid_utf8(value);
    j[std::string(key) + "_base64"] = base64_encode(value);
  }
}

}  // namespace

json finding_to_json(const Finding& f, const ReportOptions& opts) {
  json j;
  j["rule_id"] = f.rule_id;
  j["description"] = to_valid_utf8(f.description);
  put_bytes(j, "file", f.file);
  j["line"] = f.line;
  j["column"] = f.column;
  j["end_line"] = f.end_line;
  j["end_column"] = f.end_column;
  put_bytes(j, "secret", shown_secret(f, opts));
  j["redacted"] = opts.redact;
  j["secret_sha256"] = f.secret_sha256;
  j["fingerprint"] = f.fingerprint;
  j["entropy"] = static_cast<double>(static_cast<int>(f.entropy * 1000 + 0.5)) / 1000;
  if (f.git) {
    j["commit"] = f.git->commit;
    put_bytes(j, "author", f.git->author);
    put_bytes(j, "email", f.git->email);
    j["date"] = f.git->date;
    put_bytes(j, "message", f.git->message);
    j["blob"] = f.git->blob;
    if (f.git->order >= 0) j["commit_order"] = f.git->order;
  }
  if (f.verification) {
    j["verification"] = {{"status", f.verification->status}, {"http_status", f.verification->http_status}};
    if (!f.verification->detail.empty()) j["verification"]["detail"] = to_valid_utf8(f.verification->detail);
  }
  if (f.revocation) {
    json r = {{"status", f.revocation->status}, {"message", to_valid_utf8(f.revocation->message)}};
    r["key_id"] = f.revocation->key_id.empty() ? json(nullptr) : json(f.revocation->key_id);
    if (!f.revocation->candidates.empty()) r["candidates"] = f.revocation->candidates;
    j["revocation"] = r;
  }
  return j;
}

std::string dump_json(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::vector<Finding> read_json_report(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read report '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<json> items;
  try {
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '[') {
      for (auto& j : json::parse(text)) items.push_back(std::move(j));
    } else {
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos) items.push_back(json::parse(line));
    }
  } catch (const json::exception& e) {
    throw Error("report '" + path + "' is not a leakgate json or jsonl report: " + e.what());
  }
  std::vector<Finding> out;
  for (const json& j : items) {
    if (!j.is_object()) throw Error("report '" + path + "': each finding must be a JSON object");
    Finding f;
    f.rule_id = j.value("rule_id", "");
    f.description = j.value("description", "");
    f.file = j.value("file", "");
    f.line = j.value("line", uint64_t{0});
    f.column = j.value("column", uint64_t{0});
    f.end_line = j.value("end_line", uint64_t{0});
    f.end_column = j.value("end_column", uint64_t{0});
    f.entropy = j.value("entropy", 0.0);
    f.secret = j.value("secret", "");
    f.secret_sha256 = j.value("secret_sha256", "");
    f.fingerprint = j.value("fingerprint", "");
    if (j.contains("commit")) {
      f.git = GitProvenance{j.value("commit", ""), j.value("author", ""), j.value("email", ""),
                            j.value("date", ""),   j.value("message", ""), j.value("blob", ""),
                            j.value("commit_order", int64_t{-1})};
    }
    if (j.contains("verification") && j["verification"].is_object())
      f.verification = Verification{j["verification"].value("status", ""), j["verification"].value("http_status", 0),
                                    j["verification"].value("detail", "")};
    if (j.contains("revocation") && j["revocation"].is_object()) {
      const auto& r = j["revocation"];
      const bool has_id = r.contains("key_id") && r["key_id"].is_string();
      f.revocation = Revocation{r.value("status", ""), has_id ? r["key_id"].get<std::string>() : "",
                                r.value("message", ""), {}};
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace leakgate
