// `leakgate stdin`: scan standard input; reported as file "-".
#include <unistd.h>

#include <memory>

#include "cli/commands.h"
#include "cli/scan_command.h"
#include "scanner/source/stream_source.h"

namespace leakgate::cli {

namespace {

int run_stdin(const ScanOptions& o) {
  const auto local = local_config_files(o, working_directory());
  auto rules = load_rules(o, local ? &*local : nullptr);
  StreamSource source(STDIN_FILENO, "-", "standard input");
  ScanResult result = run_source(o, source, rules);
  return finish_scan(o, *rules, result, local ? &*local : nullptr, "leakgate stdin");
}

}  // namespace

void add_stdin_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ScanOptions>();
  CLI::App* cmd = app.add_subcommand("stdin", "scan standard input (file name in reports: \"-\")");
  add_scan_options(*cmd, *opts);
  cmd->callback([opts, &exit_code] { exit_code = run_stdin(*opts); });
}

}  // namespace leakgate::cli
