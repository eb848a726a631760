// `leakgate dir [PATH...]`: scan files and directories.
#include <sys/stat.h>

#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/scan_command.h"
#include "scanner/source/dir_source.h"

namespace leakgate::cli {

namespace {

struct DirArgs {
  ScanOptions scan;
  std::vector<std::string> paths;
};

std::string trim_slashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

int run_dir(const DirArgs& a) {
  std::vector<std::string> paths = a.paths.empty() ? std::vector<std::string>{"."} : a.paths;
  // Reported paths: relative to the root for a single directory; prefixed with the root as given
  // when several roots are scanned, so the reports stay unambiguous.
  std::vector<DirRoot> roots;
  for (const auto& p : paths) {
    struct stat st;
    const bool is_dir = ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    std::string display;
    if (paths.size() > 1 || !is_dir) display = trim_slashes(p);
    if (display.rfind("./", 0) == 0) display.erase(0, 2);
    if (display == ".") display.clear();
    roots.push_back({p, display});
  }
  // The configuration root: the first directory given (or the directory of the first file).
  std::filesystem::path root = paths.front();
  {
    struct stat st;
    if (::stat(paths.front().c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) root = root.parent_path();
    if (root.empty()) root = ".";  // `leakgate dir notes.txt`: the file's directory is the current one
  }
  const auto local = local_config_files(a.scan, root);
  auto rules = load_rules(a.scan, local ? &*local : nullptr);
  DirSource source(std::move(roots));
  ScanResult result = run_source(a.scan, source, rules);
  std::string command = "leakgate dir";
  for (const auto& p : paths) command += " " + p;
  return finish_scan(a.scan, *rules, result, local ? &*local : nullptr, command);
}

}  // namespace

void add_dir_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DirArgs>();
  CLI::App* cmd = app.add_subcommand("dir", "scan files and directories (default: .); never descends into .git/");
  cmd->add_option("paths", args->paths, "files and directories to scan");
  add_scan_options(*cmd, args->scan);
  cmd->callback([args, &exit_code] { exit_code = run_dir(*args); });
}

}  // namespace leakgate::cli
