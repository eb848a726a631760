// Runs the git command-line tool and captures its output. Used where git itself is the faster or
// the more faithful reader than libgit2: the staged changes of a pre-commit hook and the tracked
// files of a large index (git honours GIT_INDEX_FILE, the temporary index of `git commit <path>`,
// and uses the index's cache of unchanged trees, so it answers in a few milliseconds on a
// 60k-file repository where libgit2 needs tens).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "scanner/util/fd_reader.h"

namespace leakgate {

// `git -C CWD ARGS`, started now and collected later: a hook starts git listing what it needs
// first, and loads libgit2 and its rules on the other core while git works.
class GitCommand {
 public:
  // A git that cannot be started is reported by finish() as nullopt.
  static GitCommand start(const std::vector<std::string>& args, const std::string& cwd);
  GitCommand(GitCommand&& o) noexcept;
  GitCommand& operator=(GitCommand&&) = delete;
  GitCommand(const GitCommand&) = delete;
  ~GitCommand();  // an unfinished command is collected, its output discarded

  // stdout, or nullopt if git is missing or exits non-zero. Once only.
  std::optional<std::string> finish();

 private:
  GitCommand() = default;
  int reap();  // waits for the child; its wait status

  pid_t pid_ = -1;
  UniqueFd out_;  // the read end of git's stdout
};

// The field of git's `-z` output that starts at `pos`, up to the next NUL; `pos` moves past that
// NUL (to the end when there is none).
std::string next_nul_field(const std::string& out, size_t& pos);

// stdout of `git ARGS` run in `cwd`, or nullopt if git is missing or exits non-zero.
std::optional<std::string> run_git(const std::vector<std::string>& args, const std::string& cwd);

}  // namespace leakgate
