#include "scanner/source/git/staged_plan.h"

#include <optional>
#include <sstream>

#include <git2/sys/mempack.h>

#include "scanner/source/git/git_handles.h"
#include "scanner/util/error.h"

namespace leakgate {
namespace {

// `git diff-index --cached` against `base`: one raw record per changed path, NUL-separated.
std::vector<std::string> staged_diff_args(const std::string& base) {
  return {"diff-index", "--cached", "--raw", "-z", "-M", "--no-abbrev", "--ignore-submodules=all", base, "--"};
}

// The staged changes as git itself reports them: `git diff-index --cached` against HEAD (or the
// empty tree), with exact and near renames paired so a moved file's old secrets are not new.
std::optional<HistoryPlan> plan_staged_with_git(git_repository* repo, bool unborn, GitCommand* prefetched) {
  std::optional<std::string> out;
  // The prefetched listing asked about HEAD: its answer is the one needed unless HEAD is unborn.
  if (prefetched && !unborn) out = prefetched->finish();
  if (!out) {
    const char* wd = git_repository_workdir(repo);
    const std::string cwd = wd ? wd : git_repository_path(repo);
    // The empty tree's id for an unborn HEAD; SHA-1 repositories only (git itself falls back too).
    out = run_git(staged_diff_args(unborn ? "4b825dc642cb6eb9a060e54bf8d69288fbee4904" : "HEAD"), cwd);
  }
  if (!out) return std::nullopt;
  HistoryPlan plan;
  plan.commits.push_back(GitProvenance{});
  // Records: ":<old mode> <new mode> <old id> <new id> <status>\0<path>\0[<new path>\0]"
  size_t pos = 0;
  const std::string& s = *out;
  while (pos < s.size() && s[pos] == ':') {
    const size_t meta_end = s.find('\0', pos);
    if (meta_end == std::string::npos) return std::nullopt;
    std::istringstream meta(s.substr(pos + 1, meta_end - pos - 1));
    std::string old_mode, new_mode, old_id, new_id, status;
    meta >> old_mode >> new_mode >> old_id >> new_id >> status;
    pos = meta_end + 1;
    std::string path = next_nul_field(s, pos);
    if (!status.empty() && (status[0] == 'R' || status[0] == 'C')) path = next_nul_field(s, pos);
    if (status.empty() || status[0] == 'D' || new_mode == "160000" || new_mode == "000000") continue;
    BlobTask t;
    if (git_oid_fromstr(&t.blob, new_id.c_str()) < 0) return std::nullopt;
    t.path = path;
    git_oid old;
    if (old_mode != "000000" && git_oid_fromstr(&old, old_id.c_str()) == 0 && !git_oid_is_zero(&old))
      t.parent_versions.push_back(old);
    plan.blobs.push_back(std::move(t));
  }
  return plan;
}

}  // namespace

HistoryPlan plan_staged(git_repository* repo, GitCommand* prefetched) {
  GitTree head_tree;
  {
    git_object* obj = nullptr;
    const int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
    if (rc == 0) head_tree.reset(reinterpret_cast<git_tree*>(obj));
    else if (rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) throw Error(git_error_text(rc, "reading HEAD"));
    // Before the first commit HEAD is unborn: compare with the empty tree.
  }
  if (auto fast = plan_staged_with_git(repo, !head_tree, prefetched)) return std::move(*fast);

  // Without a git binary: libgit2 alone. It cannot see the temporary index of `git commit <path>`,
  // and reading a large index is slower, so it is the fallback.
  git_index* index_raw = nullptr;
  int rc = git_repository_index(&index_raw, repo);
  if (rc < 0) throw Error(git_error_text(rc, "reading the index"));
  GitIndex index(index_raw);
  // Turn the index into a tree (libgit2 reuses the index's cache of unchanged subtree
  // ids, so only the staged paths' directories are hashed) and compare it with HEAD's tree,
  // descending only into subtrees whose ids differ. The new tree objects go to an in-memory object
  // store layered over the repository's, never to disk: a pre-commit hook must not write into the
  // repository. On a repository with tens of thousands of files this is the difference between a
  // few milliseconds and a full tree walk.
  git_odb* odb_raw = nullptr;
  rc = git_repository_odb(&odb_raw, repo);
  if (rc < 0) throw Error(git_error_text(rc, "opening the object database"));
  GitOdb odb(odb_raw);
  git_odb_backend* mempack = nullptr;
  if ((rc = git_mempack_new(&mempack)) < 0 || (rc = git_odb_add_backend(odb.get(), mempack, 1000)) < 0)
    throw Error(git_error_text(rc, "setting up an in-memory object store"));
  git_oid tree_id;
  rc = git_index_write_tree(&tree_id, index.get());
  if (rc == GIT_EUNMERGED)
    throw Error("the index has unresolved merge conflicts: resolve them (git add) before committing");
  if (rc < 0) throw Error(git_error_text(rc, "reading the staged tree"));
  git_tree* index_tree_raw = nullptr;
  if ((rc = git_tree_lookup(&index_tree_raw, repo, &tree_id)) < 0)
    throw Error(git_error_text(rc, "reading the staged tree"));
  GitTree index_tree(index_tree_raw);
  return plan_tree_against(repo, index_tree.get(), head_tree.get());
}

std::shared_ptr<GitCommand> start_staged_listing(const std::string& repo) {
  return std::make_shared<GitCommand>(GitCommand::start(staged_diff_args("HEAD"), repo));
}

}  // namespace leakgate
