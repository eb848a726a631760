// One function per subcommand: each registers its options on the app and sets a callback that
// stores the exit code. main() only parses and maps errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>

namespace leakgate::cli {

void add_dir_command(CLI::App& app, int& exit_code);
void add_stdin_command(CLI::App& app, int& exit_code);
void add_rules_command(CLI::App& app, int& exit_code);
void add_git_command(CLI::App& app, int& exit_code);
void add_hook_command(CLI::App& app, int& exit_code);
void add_keys_commands(CLI::App& app, int& exit_code);
void add_merge_command(CLI::App& app, int& exit_code);

}  // namespace leakgate::cli
