// json (one array, pretty-printed) and jsonl (one compact object per line, for streaming tools).
#include <ostream>

#include "scanner/report/finding_json.h"

namespace leakgate {

void write_json(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Finding& f : findings) arr.push_back(finding_to_json(f, opts));
  out << dump_json(arr, 2) << '\n';
}

void write_jsonl(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts) {
  for (const Finding& f : findings) out << dump_json(finding_to_json(f, opts)) << '\n';
}

}  // namespace leakgate
