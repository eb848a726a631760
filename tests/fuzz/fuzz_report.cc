// Fuzz target: the report writers on arbitrary bytes in paths, secrets, descriptions and git
// fields. Every format must be written; json, jsonl and sarif must parse back; every output must
// be valid UTF-8 and free of terminal escapes where people read it (text, csv). The reader of
// earlier reports gets the unredacted json and jsonl back with every byte of the fields that carry
// exact bytes, and the raw input as a report: findings or leakgate::Error, never anything else.
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scanner/report/finding_json.h"
#include "scanner/report/report_writer.h"
#include "scanner/util/error.h"
#include "scanner/util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  // Split the input into fields at NUL bytes.
  std::vector<std::string> parts(6);
  for (size_t i = 0, p = 0; i < in.size(); ++i) {
    if (in[i] == '\0' && p + 1 < parts.size()) ++p;
    else parts[p].push_back(in[i]);
  }
  leakgate::Finding f;
  f.rule_id = "fuzz-rule";
  f.description = parts[0];
  f.file = parts[1];
  f.secret = parts[2];
  f.line = 1 + size % 7;
  f.column = 1 + size % 11;
  f.end_line = f.line;
  f.end_column = f.column + parts[2].size();
  leakgate::finalize_identity(f);
  if (!parts[3].empty()) f.git = leakgate::GitProvenance{parts[3], parts[4], parts[5], "2024-01-01T00:00:00+00:00", parts[4], "b", 0};
  for (bool redact : {true, false}) {
    leakgate::ReportOptions o;
    o.redact = redact;
    for (auto fmt : {leakgate::ReportFormat::kText, leakgate::ReportFormat::kJson, leakgate::ReportFormat::kJsonl,
                     leakgate::ReportFormat::kSarif, leakgate::ReportFormat::kCsv}) {
      std::ostringstream out;
      leakgate::write_report(fmt, out, {f}, o);
      const std::string s = out.str();
      if (!leakgate::is_valid_utf8(s)) std::abort();
      if ((fmt == leakgate::ReportFormat::kText || fmt == leakgate::ReportFormat::kCsv) && s.find('\x1b') != std::string::npos)
        std::abort();
      if (fmt == leakgate::ReportFormat::kJson || fmt == leakgate::ReportFormat::kSarif ||
          fmt == leakgate::ReportFormat::kJsonl)
        (void)nlohmann::json::parse(s.substr(0, s.find('\n', fmt == leakgate::ReportFormat::kJsonl ? 0 : s.size())));
      if (!redact && (fmt == leakgate::ReportFormat::kJson || fmt == leakgate::ReportFormat::kJsonl)) {
        const auto back = leakgate::parse_json_report(s, "fuzz");
        if (back.size() != 1 || back[0].file != f.file || back[0].secret != f.secret ||
            back[0].fingerprint != f.fingerprint || back[0].line != f.line || back[0].git.has_value() != f.git.has_value())
          std::abort();
        if (f.git && (back[0].git->author != f.git->author || back[0].git->email != f.git->email ||
                      back[0].git->message != f.git->message))
          std::abort();
      }
    }
  }
  try {
    (void)leakgate::parse_json_report(in, "fuzz");
  } catch (const leakgate::Error&) {
  }
  return 0;
}
