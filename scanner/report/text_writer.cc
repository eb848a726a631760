// The report for people: one line per finding, `path:line:col: rule  secret`, like a compiler or
// ripgrep, so editors and terminals can jump to it. Colour only when asked (the CLI asks when stdout
// is a terminal). Every byte from the scanned tree goes through printable(): a file name cannot
// carry terminal escape sequences to the user's screen.
#include <ostream>

#include "scanner/report/report_writer.h"
#include "scanner/util/utf8.h"

namespace leakgate {

void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& opts) {
  const char* path_c = opts.color ? "\x1b[35m" : "";
  const char* num_c = opts.color ? "\x1b[32m" : "";
  const char* rule_c = opts.color ? "\x1b[1;31m" : "";
  const char* dim_c = opts.color ? "\x1b[2m" : "";
  const char* reset = opts.color ? "\x1b[0m" : "";
  for (const Finding& f : findings) {
    out << path_c << printable(f.file) << reset;
    if (f.line) out << ':' << num_c << f.line << reset << ':' << num_c << f.column << reset;
    out << ": " << rule_c << printable(f.rule_id) << reset;
    if (f.line) out << ' ' << printable(shown_secret(f, opts));
    if (f.git) {
      out << dim_c << "  (commit " << printable(f.git->commit.substr(0, 12)) << ", " << printable(f.git->author) << ", "
          << printable(f.git->date) << ")" << reset;
    }
    if (f.verification) out << "  [" << verification_status_name(f.verification->status) << "]";
    if (f.revocation) {
      out << "  [" << revocation_status_name(f.revocation->status);
      if (!f.revocation->key_id.empty()) out << " " << printable(f.revocation->key_id);
      out << "]";
    }
    out << '\n';
  }
  for (const auto& n : opts.notices) out << "leakgate: notice: " << printable(n) << '\n';
}

}  // namespace leakgate
