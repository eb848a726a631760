#include "scanner/report/finding_json.h"

#include <optional>
#include <sstream>
#include <type_traits>

#include "scanner/util/error.h"
#include "scanner/util/input_file.h"
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

// Reads one finding of an earlier report. A field that is absent or null takes its default; a field
// of the wrong type is an error that names the report, the finding and the field (a report is user
// input: hand-edited baselines and reports of other versions reach here).
class FieldReader {
 public:
  FieldReader(const json& j, const std::string& path, size_t index, std::string prefix = "")
      : j_(j), path_(path), index_(index), prefix_(std::move(prefix)) {
    if (!j_.is_object()) fail("", "must be a JSON object");
  }

  bool present(const char* name) const { return j_.contains(name) && !j_[name].is_null(); }

  std::string str(const char* name) const {
    if (!present(name)) return {};
    if (!j_[name].is_string()) fail(name, "must be a string");
    return j_[name].get<std::string>();
  }

  // A string field that may carry its exact bytes in `<name>_base64` (see put_bytes).
  std::string bytes(const char* name) const {
    const std::string exact = std::string(name) + "_base64";
    if (!present(exact.c_str())) return str(name);
    const auto decoded = base64_decode(str(exact.c_str()));
    if (!decoded) fail(exact, "is not base64");
    return *decoded;
  }

  template <typename T>
  T number(const char* name, T fallback) const {
    if (!present(name)) return fallback;
    const json& v = j_[name];
    if (!v.is_number()) fail(name, "must be a number");
    if constexpr (std::is_unsigned_v<T>) {
      if (v.is_number_float() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0))
        fail(name, "must be a whole number of 0 or more");
    } else if constexpr (std::is_integral_v<T>) {
      if (v.is_number_float()) fail(name, "must be a whole number");
    }
    return v.get<T>();
  }

  // A status field (verification, revocation): one of the names `parse` knows, and present, for
  // a status has no default: a misspelt or missing one would silently read as another outcome.
  template <typename Status>
  Status status(const char* name, std::optional<Status> (*parse)(std::string_view), const char* (*name_of)(Status),
                const auto& all) const {
    const std::string written = str(name);
    if (const auto s = parse(written)) return *s;
    std::string known;
    for (const Status s : all) known.append(known.empty() ? "" : ", ").append(name_of(s));
    if (!present(name)) fail(name, "is missing (it must be one of " + known + ")");
    const std::string shown = written.size() > 40 ? written.substr(0, 40) + "..." : written;
    fail(name, "must be one of " + known + ", not '" + shown + "'");
  }

  // A nested object (verification, revocation): nullopt when absent or null.
  std::optional<FieldReader> object(const char* name) const {
    if (!present(name)) return std::nullopt;
    if (!j_[name].is_object()) fail(name, "must be a JSON object");
    return FieldReader(j_[name], path_, index_, prefix_ + name + ".");
  }

 private:
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    std::string msg = "report '" + path_ + "', finding " + std::to_string(index_) + ": ";
    msg += field.empty() ? std::string("the finding") : "field '" + prefix_ + field + "'";
    msg.append(" ").append(what);
    throw Error(msg);
  }

  const json& j_;
  const std::string& path_;
  size_t index_;
  std::string prefix_;
};

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
    j["verification"] = {{"status", verification_status_name(f.verification->status)},
                         {"http_status", f.verification->http_status}};
    if (!f.verification->detail.empty()) j["verification"]["detail"] = to_valid_utf8(f.verification->detail);
  }
  if (f.revocation) {
    json r = {{"status", revocation_status_name(f.revocation->status)},
              {"message", to_valid_utf8(f.revocation->message)}};
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
  return parse_json_report(read_input_file(path, "report"), path);
}

std::vector<Finding> parse_json_report(const std::string& text, const std::string& path) {
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
  for (size_t i = 0; i < items.size(); ++i) {
    const FieldReader r{items[i], path, i + 1};
    Finding f;
    f.rule_id = r.str("rule_id");
    f.description = r.str("description");
    f.file = r.bytes("file");
    f.line = r.number<uint64_t>("line", 0);
    f.column = r.number<uint64_t>("column", 0);
    f.end_line = r.number<uint64_t>("end_line", 0);
    f.end_column = r.number<uint64_t>("end_column", 0);
    f.entropy = r.number<double>("entropy", 0.0);
    f.secret = r.bytes("secret");
    f.secret_sha256 = r.str("secret_sha256");
    f.fingerprint = r.str("fingerprint");
    if (r.present("commit"))
      f.git = GitProvenance{r.str("commit"), r.bytes("author"),   r.bytes("email"),
                            r.str("date"),   r.bytes("message"), r.str("blob"),
                            r.number<int64_t>("commit_order", -1)};
    if (const auto v = r.object("verification"))
      f.verification = Verification{
          v->status("status", parse_verification_status, verification_status_name, kVerificationStatuses),
          v->number<int>("http_status", 0), v->str("detail")};
    if (const auto v = r.object("revocation"))
      f.revocation =
          Revocation{v->status("status", parse_revocation_status, revocation_status_name, kRevocationStatuses),
                     v->str("key_id"), v->str("message"), {}};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace leakgate
