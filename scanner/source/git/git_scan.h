// `leakgate git`: read each planned blob once and scan it, on all cores, one repository handle per
// worker (libgit2 objects are not shared across threads). Only the blob being scanned is held in
// memory; what grows is the set of blob ids seen. Whole history, a pull-request range (only the
// secrets its commits introduce) and the staged index (only what the commit would introduce).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "scanner/match/content_scanner.h"
#include "scanner/scan_result.h"
#include "scanner/source/git/git_cli.h"
#include "scanner/source/git/history_plan.h"

namespace leakgate {

struct GitScanOptions {
  std::string repo = ".";
  bool trust_repo = false;      // scan a repository owned by another user
  HistoryOptions history;
  bool staged = false;          // the index against HEAD
  // For `staged`: git's list of the staged changes, already started (start_staged_listing()) so
  // git works while leakgate loads libgit2 and its rules. Null: the scan runs git itself.
  std::shared_ptr<GitCommand> staged_listing;
  unsigned threads = 0;
  uint64_t max_blob_size = 0;   // 0: no limit
  bool progress = false;        // redraw a progress line on stderr
  uint32_t shard_index = 0;     // --shard K/N: scan only the blobs whose id falls in share K of N
  uint32_t shard_count = 1;
  ContentScannerOptions content;
  std::function<void(const InputError&)> on_error;
};

struct GitScanSummary {
  uint64_t commits = 0;
  uint64_t blobs = 0;
  uint64_t gitlinks = 0;
  double plan_seconds = 0;             // enumerating commits, trees and blobs
  std::vector<std::string> too_large;  // "oid path"
  std::vector<std::string> missing;    // "oid path"
};

// The directory a repository's config (.leakgate.toml, .leakgateignore) is read from: its work
// tree, or the git directory of a bare repository. Throws Error when `path` is not a repository.
std::filesystem::path git_config_root(const std::string& path, bool trust_repo);

// True when `sha` names a commit present in the repository.
bool git_commit_exists(const std::string& repo, const std::string& sha);

// `git diff-index --cached` of the repository at `repo` against HEAD, started now: a pre-commit
// hook's critical path then holds the longer of git's answer and leakgate's own start-up rather
// than their sum. Pass it as GitScanOptions::staged_listing.
std::shared_ptr<GitCommand> start_staged_listing(const std::string& repo);

// The index's .env files as git lists them, started now; for tracked_env_files().
std::shared_ptr<GitCommand> start_env_listing(const std::string& repo);

// Paths in the index named .env or .env.* (but not .env.example / .env.sample / .env.template)
// that .gitignore does not cover: tracked environment files, the usual way keys get published.
// From `listing` (start_env_listing()) when git answered; else libgit2 reads the whole index,
// which takes tens of milliseconds on a 60k-file repository.
std::vector<std::string> tracked_env_files(const std::string& repo, bool trust_repo, GitCommand* listing = nullptr);

ScanResult scan_git(const GitScanOptions& options, std::shared_ptr<const CompiledRuleset> rules,
                    GitScanSummary* summary = nullptr);

}  // namespace leakgate
