// `leakgate merge REPORT... -o merged.json`: combines shard (or per-repository) json/jsonl
// reports. One finding per fingerprint; when shards of one history both saw it, the earliest
// introducing commit wins (their walks share one commit order). Secrets are written as the
// input reports hold them (redacted unless they were produced with --no-redact).
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/scan_command.h"
#include "scanner/report/finding_json.h"
#include "scanner/report/report_writer.h"
#include "scanner/util/error.h"

namespace leakgate::cli {

namespace {

struct MergeArgs {
  std::vector<std::string> reports;
  std::string output;
  std::string format = "json";
  int exit_code = 1;
};

bool earlier(const Finding& a, const Finding& b) {
  const int64_t oa = a.git ? a.git->order : -1, ob = b.git ? b.git->order : -1;
  if (oa >= 0 && ob >= 0 && oa != ob) return oa < ob;
  const std::string da = a.git ? a.git->date : "", db = b.git ? b.git->date : "";
  if (da != db) return da < db;
  return finding_less(a, b);
}

int run_merge(const MergeArgs& a) {
  std::map<std::string, Finding> best;
  for (const auto& path : a.reports) {
    for (Finding& f : read_json_report(path)) {
      if (f.fingerprint.empty()) throw Error("report '" + path + "': a finding without a fingerprint");
      auto it = best.find(f.fingerprint);
      if (it == best.end()) best.emplace(f.fingerprint, std::move(f));
      else if (earlier(f, it->second)) it->second = std::move(f);
    }
  }
  std::vector<Finding> merged;
  for (auto& [fp, f] : best) merged.push_back(std::move(f));
  std::sort(merged.begin(), merged.end(), finding_less);
  ReportOptions opts;
  opts.redact = false;  // the inputs are already as redacted as they should be
  opts.command = "leakgate merge";
  const ReportFormat format = parse_report_format(a.format);
  write_output(a.output, [&](std::ostream& out) { write_report(format, out, merged, opts); });
  std::cerr << "leakgate: merged " << a.reports.size() << " reports: " << merged.size() << " findings\n";
  return merged.empty() ? 0 : a.exit_code;
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand("merge", "combine json/jsonl reports (shards of one history, or several repositories)");
  cmd->add_option("reports", a->reports, "json or jsonl reports written by leakgate")->required();
  cmd->add_option("-o,--output", a->output, "write the merged report to FILE");
  cmd->add_option("-f,--format", a->format, "text, json, jsonl, sarif, csv")
      ->check(CLI::IsMember({"text", "json", "jsonl", "sarif", "csv"}));
  cmd->add_option("--exit-code", a->exit_code, "exit status when findings remain")
      ->capture_default_str()
      ->check(CLI::Range(0, 255));
  cmd->callback([a, &exit_code] { exit_code = run_merge(*a); });
}

}  // namespace leakgate::cli
