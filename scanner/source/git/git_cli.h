// Runs the git command-line tool and captures its output. Used where git itself is the faster or
// the more faithful reader than libgit2: the staged changes of a pre-commit hook (git honours
// GIT_INDEX_FILE, the temporary index of `git commit <path>`, and uses the index's cache of
// unchanged trees, so it answers in a few milliseconds on a 60k-file repository).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace leakgate {

// stdout of `git ARGS` run in `cwd`, or nullopt if git is missing or exits non-zero.
std::optional<std::string> run_git(const std::vector<std::string>& args, const std::string& cwd);

}  // namespace leakgate
