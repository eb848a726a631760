// leakgate: find secrets before they are published. main() parses the command line and turns the
// one kind of set-up error into a message and exit code 2; everything else lives in scanner/.

#include <sys/prctl.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/reference.h"
#include "scanner/report/redact.h"
#include "scanner/tools/redact_text.h"
#include "scanner/util/error.h"
#include "scanner/util/utf8.h"

int main(int argc, char** argv) {
  // Found secrets and the admin key live in this process's memory: no core dump may write them to
  // disk, and no other process of the same user may attach and read them.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  CLI::App app{"leakgate: find leaked secrets (Anthropic keys first) before they are published"};
  app.set_version_flag("--version", std::string("leakgate ") + LEAKGATE_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  leakgate::cli::add_dir_command(app, exit_code);
  leakgate::cli::add_git_command(app, exit_code);
  leakgate::cli::add_stdin_command(app, exit_code);
  leakgate::cli::add_rules_command(app, exit_code);
  leakgate::cli::add_hook_command(app, exit_code);
  leakgate::cli::add_keys_commands(app, exit_code);
  leakgate::cli::add_merge_command(app, exit_code);
  leakgate::cli::add_reference_option(app);
  app.footer(leakgate::cli::help_footer());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors are exit 2 (CLI.md)
  } catch (const leakgate::Error& e) {
    // Messages can quote input (a rule's regex, a config value): secrets in them are redacted too.
    std::cerr << "leakgate: error: " << leakgate::printable(leakgate::redact_secrets_in(e.what())) << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "leakgate: internal error: " << leakgate::printable(leakgate::redact_secrets_in(e.what())) << '\n';
    return 2;
  }
  return exit_code;
}
