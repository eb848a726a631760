// Enumerate: which blobs a git scan must read, and where each was introduced.
//
// Commits are walked parents-first (topological, reversed). For each commit the tree is compared
// with every parent's tree, descending only into subtrees that differ from all parents: an entry
// (path, blob) is *introduced* by the commit when no parent has that blob at that path. This
// credits evil-merge content to the merge, and the first introduction of a blob wins, so a rename
// or a blob shared by forty commits yields no new work. Gitlinks (submodules) are not blobs.
#pragma once

#include <git2.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scanner/finding.h"
#include "scanner/util/error.h"

namespace leakgate {

struct BlobTask {
  git_oid blob;
  uint32_t commit = 0;                 // index into HistoryPlan::commits
  std::string path;
  std::vector<git_oid> parent_versions; // range mode: the blob at this path in each parent
};

struct HistoryPlan {
  std::vector<GitProvenance> commits;  // in walk order (parents first); blob field unused
  std::vector<BlobTask> blobs;         // unique blobs in order of first introduction
  uint64_t gitlinks = 0;               // submodule entries skipped
  uint64_t commits_walked = 0;
  // Commits and trees that could not be read (corrupt objects, a truncated pack): "<id>: <why>".
  // What lies under them is not planned; the scan goes on and reports them.
  std::vector<std::string> unreadable;
};

struct HistoryOptions {
  std::vector<std::string> branches;  // empty: every ref (branches, tags, remotes, HEAD)
  std::string range;                  // "A..B": commits reachable from B and not from A
  // Introduction mode like --range, with several ends: the commits reachable from any `include`
  // and from no `exclude` (a pre-push: what is pushed, minus what the remote has). Revisions or
  // "refs/remotes/*"-style globs in `exclude_globs`.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::vector<std::string> exclude_globs;
  bool introduced_only() const { return !range.empty() || !include.empty(); }
  // Called now and then while planning (commits walked, unique blobs so far): progress display.
  std::function<void(uint64_t commits, uint64_t blobs)> on_progress;
  // Whole-history mode only: when set, blobs are handed over as they are planned (in plan order,
  // a batch at a time, moved out of `blobs`) with every commit planned so far, instead of all at
  // the end, so reading can start while the history is still being walked. The returned plan
  // then holds no blobs. Range mode ignores it (a later commit can still change an earlier task).
  std::function<void(std::vector<BlobTask>& blobs, const std::vector<GitProvenance>& commits)> on_blobs;
};

// Throws Error for a bad ref or range, or when the walk itself fails.
HistoryPlan plan_history(git_repository* repo, const HistoryOptions& options);

// What `tree` introduces against `parent` (null: the empty tree), with each blob's version in the
// parent at the same path; a blob the parent had at another path (an exact rename) counts as its
// own old version. Used for the staged index.
HistoryPlan plan_tree_against(git_repository* repo, const git_tree* tree, const git_tree* parent);

// ISO 8601 with the committer's offset, e.g. 2024-05-01T10:00:00+02:00.
std::string iso8601(const git_time& t);

struct RangeEnds {
  std::string base, head;
};
// "A..B" -> {A, B}; Error for anything else ("A...B", a missing end).
RangeEnds split_range(const std::string& range);

// The error for a range end (`role`: "base" or "head") that `repo` does not have. A CI job that
// checked out one commit (actions/checkout's default depth 1) has no base commit: the message
// says that, and how to fetch it, instead of libgit2's "revspec not found".
Error missing_range_end(git_repository* repo, const std::string& name, const char* role, const std::string& cause);

}  // namespace leakgate
