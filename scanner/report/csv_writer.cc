// CSV (RFC 4180) for spreadsheets. Cells that a spreadsheet would evaluate as a formula are
// prefixed with a quote (OWASP's CSV-injection advice): a hostile file name must not run in Excel.
// Control characters are escaped, so the quoting below only ever meets printable text.
#include <ostream>

#include "scanner/report/report_writer.h"
#include "scanner/util/utf8.h"

namespace leakgate {
namespace {

std::string cell(const std::string& raw) {
  // Valid UTF-8 with control bytes shown as \xNN: a hostile file name must not drive a terminal
  // that displays the CSV, nor break a spreadsheet's parser.
  std::string v = printable(raw);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

}  // namespace

void write_csv(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts) {
  out << "rule_id,description,file,line,column,end_line,end_column,secret,secret_sha256,fingerprint,"
         "commit,author,email,date,message,blob,verification,revocation\r\n";
  for (const Finding& f : findings) {
    const GitProvenance g = f.git.value_or(GitProvenance{});
    out << cell(f.rule_id) << ',' << cell(f.description) << ',' << cell(f.file) << ',' << f.line << ','
        << f.column << ',' << f.end_line << ',' << f.end_column << ',' << cell(shown_secret(f, opts)) << ','
        << f.secret_sha256 << ',' << cell(f.fingerprint) << ',' << cell(g.commit) << ',' << cell(g.author) << ','
        << cell(g.email) << ',' << cell(g.date) << ',' << cell(g.message) << ',' << cell(g.blob) << ','
        << cell(f.verification ? verification_status_name(f.verification->status) : "") << ','
        << cell(f.revocation ? revocation_status_name(f.revocation->status) : "") << "\r\n";
  }
}

}  // namespace leakgate
