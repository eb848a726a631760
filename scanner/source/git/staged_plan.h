// Enumerate for `git --staged`: what the next commit would introduce. Each added or modified index
// entry is planned with HEAD's version of the path (or of the file it was renamed from) as the
// version whose secrets are not new.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

#include "scanner/source/git/git_cli.h"
#include "scanner/source/git/history_plan.h"

namespace leakgate {

// `git diff-index --cached` of the repository at `repo` against HEAD, started now: a pre-commit
// hook's critical path then holds the longer of git's answer and leakgate's own start-up rather
// than their sum. Pass it to plan_staged() (GitSourceOptions::staged_listing).
std::shared_ptr<GitCommand> start_staged_listing(const std::string& repo);

// The staged changes as one pseudo-commit of blobs, each with its earlier version. From git's own
// listing (`prefetched`, else git is run now); without a git binary, from libgit2 alone. Throws
// Error for unresolved merge conflicts or an unreadable HEAD or index.
HistoryPlan plan_staged(git_repository* repo, GitCommand* prefetched);

}  // namespace leakgate
