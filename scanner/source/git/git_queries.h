// What the command line asks a repository beside a scan: where its configuration lives, whether a
// commit exists, which environment files it tracks.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scanner/source/git/git_cli.h"

namespace leakgate {

// The directory a repository's config (.leakgate.toml, .leakgateignore) is read from: its work
// tree, or the git directory of a bare repository. Throws Error when `path` is not a repository.
std::filesystem::path git_config_root(const std::string& path, bool trust_repo);

// True when `sha` names a commit present in the repository.
bool git_commit_exists(const std::string& repo, const std::string& sha);

// The index's .env files as git lists them, started now; for tracked_env_files().
std::shared_ptr<GitCommand> start_env_listing(const std::string& repo);

// Paths in the index named .env or .env.* (but not .env.example / .env.sample / .env.template)
// that .gitignore does not cover: tracked environment files, the usual way keys get published.
// From `listing` (start_env_listing()) when git answered; else libgit2 reads the whole index,
// which takes tens of milliseconds on a 60k-file repository.
std::vector<std::string> tracked_env_files(const std::string& repo, bool trust_repo, GitCommand* listing = nullptr);

}  // namespace leakgate
