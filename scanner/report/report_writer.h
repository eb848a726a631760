// Reports: text for people, json / jsonl / csv for tools, SARIF 2.1.0 for code-scanning UIs.
// Every writer goes through redact() unless the user passed --no-redact, and every writer produces
// valid output whatever bytes the paths and secrets hold.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "scanner/finding.h"
#include "scanner/scan_result.h"

namespace leakgate {

enum class ReportFormat { kText, kJson, kJsonl, kSarif, kCsv };

// Parses "text", "json", "jsonl", "sarif", "csv"; throws Error otherwise.
ReportFormat parse_report_format(const std::string& name);

struct RuleInfo {
  std::string id;
  std::string description;
};

struct ReportOptions {
  bool redact = true;
  bool color = false;            // text only
  std::vector<RuleInfo> rules;   // rules in force (SARIF lists each once)
  std::string command;           // what was scanned, for the SARIF invocation
  // Things a reviewer must see beside the findings (e.g. a range that changes the scanner's own
  // configuration): text reports print them, SARIF carries them as tool notifications.
  std::vector<std::string> notices;
};

// The secret as it may be printed under `opts`.
std::string shown_secret(const Finding& f, const ReportOptions& opts);

void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts);
void write_json(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts);
void write_jsonl(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts);
void write_sarif(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts);
void write_csv(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts);

void write_report(ReportFormat format, std::ostream& out, const std::vector<Finding>& findings,
                  const ReportOptions& opts);

// "3 findings in 2 files; scanned 120 files, 4.1 MB in 0.05 s; 1 input could not be read"
std::string summary_line(const std::vector<Finding>& findings, const ScanStats& stats, size_t unreadable);

}  // namespace leakgate
