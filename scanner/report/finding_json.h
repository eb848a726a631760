// The JSON shape of a finding (CLI.md's field contract), shared by the json, jsonl and SARIF
// writers and by the readers of earlier reports (--baseline, `revoke --report`).
#pragma once

#include <nlohmann/json.hpp>

#include "scanner/report/report_writer.h"

namespace leakgate {

nlohmann::json finding_to_json(const Finding& f, const ReportOptions& opts);

// Serializes with invalid UTF-8 replaced, never throwing on hostile bytes.
std::string dump_json(const nlohmann::json& j, int indent = -1);

// Reads the findings of a json or jsonl report (as written by leakgate). `secret` holds whatever the
// report held (usually the redacted form). Throws Error naming the file on malformed input.
std::vector<Finding> read_json_report(const std::string& path);
// The same over a report's text; `path` names it in errors. Fields written with a `_base64` twin
// (non-UTF-8 paths, secrets, git fields) come back as their exact bytes.
std::vector<Finding> parse_json_report(const std::string& text, const std::string& path);

}  // namespace leakgate
