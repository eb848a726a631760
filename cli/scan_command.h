// The options every scan subcommand shares (CLI.md's "Options common to scans"), parsed into plain
// data first and only then turned into the objects that do the work; and the common ending of a
// scan: suppress, report, choose the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <ostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanner/pipeline/scan_driver.h"
#include "scanner/ruleset/compiled_ruleset.h"
#include "scanner/ruleset/config_loader.h"
#include "scanner/scan_result.h"

namespace leakgate::cli {

struct ScanOptions {
  std::string config;
  std::string format = "text";
  std::string output;
  bool no_redact = false;
  std::string baseline;
  int exit_code = 1;
  unsigned threads = 0;
  bool no_progress = false;
  bool quiet = false;
  int verbose = 0;
  std::string color = "auto";
  bool stats = false;
  size_t block_size = 0;  // hidden: tests shrink it to exercise block boundaries
  std::string hook;       // "pre-commit" / "pre-push": findings go to stderr as a blocking message
  bool verify = false;    // check found Anthropic keys against the API
  bool revoke = false;    // deactivate found Anthropic API keys of the admin key's organization
  bool dry_run = false;
  bool no_local_config = false;  // ignore .leakgate.toml and .leakgateignore in the scanned tree
  bool revoke_unverified = false;  // act on the hint alone when a found key could not be verified
  std::string admin_key_file;
  std::string audit_log;
};

// Registers the shared options on a subcommand.
void add_scan_options(CLI::App& cmd, ScanOptions& o);

// The in-tree configuration of a scan of the developer's own tree rooted at `root`
// (.leakgate.toml, .leakgateignore, read from disk); nullopt with --no-local-config or no root.
std::optional<ConfigFiles> local_config_files(const ScanOptions& o, const std::filesystem::path& root);

// Loads the configuration (--config, or the built-in rules with `local`'s .leakgate.toml layered
// on top; `local` null: none) and compiles it; prints the config's notices on stderr.
std::shared_ptr<const CompiledRuleset> load_rules(const ScanOptions& o, const ConfigFiles* local);

// The configuration resolve_scan_config() gives, compiled, with its notices on stderr (redacted)
// unless `quiet`: what load_rules() and `rules list` share.
std::shared_ptr<const CompiledRuleset> compile_config(const std::string& explicit_file, const ConfigFiles* local,
                                                      bool quiet);

// "<built-in rules> + /repo/.leakgate.toml": the files `rules` came from, for --stats and rules list.
std::string applied_config(const CompiledRuleset& rules);

// Runs `source` through the scan driver with the options every scan shares: --threads, the block
// size, input errors printed as they happen, and the progress line when the source is a long one
// and stderr a terminal. `driver` holds what the command adds (a size cap, a shard).
ScanResult run_source(const ScanOptions& o, Source& source, std::shared_ptr<const CompiledRuleset> rules,
                      ScanDriverOptions driver = {});

// Applies `local`'s .leakgateignore and --baseline, writes the report (with `notices`, which also
// go to stderr), prints the summary and the per-stage stats, and returns the process exit code
// (CLI.md: 0 clean, 1/--exit-code findings, 2 nothing found but some input unreadable, or
// --exit-code 0 and a revocation failed).
int finish_scan(const ScanOptions& o, const CompiledRuleset& rules, ScanResult& result, const ConfigFiles* local,
                const std::string& command, const std::vector<std::string>& notices = {});

// Fails (Error, exit 2) before anything is scanned when --revoke has no admin key to act with.
void check_revoke_prerequisites(const ScanOptions& o);

// Runs `write` on stdout (path empty or "-") or on FILE, and fails with an Error naming the file
// when it cannot be opened or written.
void write_output(const std::string& path, const std::function<void(std::ostream&)>& write);

// Prints an input error on stderr ("leakgate: PATH: REASON"), escaped for the terminal.
void print_input_error(const InputError& e);

// The current directory, where stdin and `rules` look for .leakgate.toml; empty (no local config)
// if it cannot be known, e.g. it was deleted under us.
std::filesystem::path working_directory();

}  // namespace leakgate::cli
