// The command-line reference: exit codes, environment, files and report fields as data, and the two
// documents generated from it together with the option tree CLI11 holds: the man page (leakgate.1,
// written at build time by `leakgate --reference man`) and docs/cli.md (`--reference markdown`,
// which a test compares with the committed file). One source, so neither can drift from --help.
#pragma once

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace leakgate::cli {

struct ReferenceEntry {
  std::string name;
  std::string text;
};

// The group the options shared by every scan subcommand are listed under, in --help and in the
// reference (where they are written once instead of once per subcommand).
inline constexpr const char* kScanOptionsGroup = "Scan options";

const std::vector<ReferenceEntry>& exit_codes();
const std::vector<ReferenceEntry>& environment_variables();
const std::vector<ReferenceEntry>& files_read_and_written();
const std::vector<ReferenceEntry>& report_fields();

// The root command's --help footer: exit codes and environment, from the same data.
std::string help_footer();

void write_man_page(const CLI::App& app, std::ostream& out);
void write_markdown_reference(const CLI::App& app, std::ostream& out);

// Registers the hidden `--reference man|markdown` flag on the root command.
void add_reference_option(CLI::App& app);

}  // namespace leakgate::cli
