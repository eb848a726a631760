// RAII for libgit2: every object received through an out-pointer is freed by its own *_free, and
// one guard initialises the library before threads start. Borrowed pointers (tree entries, index
// entries, signatures) are never wrapped: they die with their parent.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

namespace leakgate {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T*)>
using GitPtr = std::unique_ptr<T, GitFree<T, Free>>;

using GitRepository = GitPtr<git_repository, git_repository_free>;
using GitOdb = GitPtr<git_odb, git_odb_free>;
using GitOdbObject = GitPtr<git_odb_object, git_odb_object_free>;
using GitRevwalk = GitPtr<git_revwalk, git_revwalk_free>;
using GitCommit = GitPtr<git_commit, git_commit_free>;
using GitTree = GitPtr<git_tree, git_tree_free>;
using GitObject = GitPtr<git_object, git_object_free>;
using GitReference = GitPtr<git_reference, git_reference_free>;
using GitReferenceIterator = GitPtr<git_reference_iterator, git_reference_iterator_free>;
using GitIndex = GitPtr<git_index, git_index_free>;
using GitDiff = GitPtr<git_diff, git_diff_free>;

// libgit2's last error for this thread, with the failing call's context.
std::string git_error_text(int code, const std::string& what);

// Initialises libgit2 once per process and sets the global options the scanners rely on.
class LibGit2 {
 public:
  static void init(bool trust_any_owner);
};

// Opens the repository at or above `path` (initialising libgit2). Throws Error: "not a git
// repository", or, for a repository owned by another user, what to do about it (--trust-repo).
GitRepository open_repository(const std::string& path, bool trust);
// Opens the repository directory open_repository() found, once more (each thread reads through its
// own handle). Like it, installs the loose-object check (loose_guard.h). Throws Error.
GitRepository reopen_repository(const std::string& gitdir);

// Hex of an object id.
std::string oid_hex(const git_oid& id);

}  // namespace leakgate
