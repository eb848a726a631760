#include "scanner/report/report_writer.h"

#include <cstdio>
#include <set>

#include "scanner/report/redact.h"
#include "scanner/util/error.h"

namespace leakgate {

ReportFormat parse_report_format(const std::string& name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  if (name == "jsonl") return ReportFormat::kJsonl;
  if (name == "sarif") return ReportFormat::kSarif;
  if (name == "csv") return ReportFormat::kCsv;
  throw Error("unknown report format '" + name + "' (expected text, json, jsonl, sarif or csv)");
}

std::string shown_secret(const Finding& f, const ReportOptions& opts) {
  return opts.redact ? redact(f.secret) : f.secret;
}

void write_report(ReportFormat format, std::ostream& out, const std::vector<Finding>& findings,
                  const ReportOptions& opts) {
  switch (format) {
    case ReportFormat::kText: write_text(out, findings, opts); break;
    case ReportFormat::kJson: write_json(out, findings, opts); break;
    case ReportFormat::kJsonl: write_jsonl(out, findings, opts); break;
    case ReportFormat::kSarif: write_sarif(out, findings, opts); break;
    case ReportFormat::kCsv: write_csv(out, findings, opts); break;
  }
}

namespace {
std::string human_bytes(uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GB", n / 1e9);
  else if (n >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MB", n / 1e6);
  else if (n >= 1024) std::snprintf(buf, sizeof buf, "%.1f KB", n / 1e3);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  return buf;
}
std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

std::string summary_line(const std::vector<Finding>& findings, const ScanStats& stats, size_t unreadable) {
  std::set<std::string> files;
  for (const auto& f : findings) files.insert(f.file);
  std::string s = findings.empty() ? std::string("no leaks found")
                                   : plural(findings.size(), "finding", "findings") + " in " +
                                         plural(files.size(), "file", "files");
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", stats.seconds);
  s += "; scanned " + plural(stats.files, "file", "files") + ", " + human_bytes(stats.bytes) + " in " + secs;
  if (unreadable) s += "; " + plural(unreadable, "input", "inputs") + " could not be read";
  return s;
}

}  // namespace leakgate
