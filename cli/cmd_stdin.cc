// `leakgate stdin`: scan standard input; reported as file "-".
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/scan_command.h"
#include "scanner/match/content_scanner.h"
#include "scanner/util/fd_reader.h"
#include "scanner/util/error.h"

namespace leakgate::cli {

namespace {

int run_stdin(const ScanOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto local = local_config_files(o, working_directory());
  auto rules = load_rules(o, local ? &*local : nullptr);
  ContentScannerOptions copts;
  if (o.block_size) copts.block_size = o.block_size;
  ContentScanner scanner(rules, copts);
  ScanResult result;
  try {
    result.stats.bytes = scanner.scan_stream([](char* buf, size_t n) { return read_fd(STDIN_FILENO, buf, n); },
                                             ScanTarget{"-", {}}, result.findings);
    result.stats.files = 1;
  } catch (const ReadError& e) {
    InputError err{"-", std::string("reading standard input: ") + e.what()};
    print_input_error(err);
    result.errors.push_back(err);
  }
  std::sort(result.findings.begin(), result.findings.end(), finding_less);
  result.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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
