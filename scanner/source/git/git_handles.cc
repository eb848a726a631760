#include "scanner/source/git/git_handles.h"

#include <mutex>

#include "scanner/source/git/loose_guard.h"
#include "scanner/util/error.h"

namespace leakgate {

std::string git_error_text(int code, const std::string& what) {
  const git_error* e = git_error_last();
  std::string msg = what + ": ";
  msg += (e && e->message) ? e->message : ("libgit2 error " + std::to_string(code));
  return msg;
}

void LibGit2::init(bool trust_any_owner) {
  static std::once_flag once;
  std::call_once(once, [] {
    if (git_libgit2_init() < 0) throw Error("libgit2 failed to initialise");
    // Every object is read once: the history walk parses each unique tree once (it remembers the
    // ids it has seen) and each blob is read once. libgit2's object cache would only hold memory
    // (hundreds of MB on a large history) and cost a hash lookup per read.
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
    // Pack files are read through mmap windows, and mapped pages count as resident memory. Small
    // windows under a modest total keep a whole-history scan's footprint bounded on huge packs.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, static_cast<size_t>(64) << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, static_cast<size_t>(160) << 20);
    // Don't re-hash every object read: the scan reads each once and a corrupt one fails inflate.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, trust_any_owner ? 0 : 1);
}

GitRepository open_repository(const std::string& path, bool trust) {
  LibGit2::init(trust);
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  const std::string owner_msg =
      "the repository at '" + path + "' is owned by another user, so git and leakgate distrust it. "
      "If you trust it, run with --trust-repo, or mark it safe: git config --global --add safe.directory '" + path + "'";
  if (rc == GIT_EOWNER) throw Error(owner_msg);
  if (rc == GIT_ENOTFOUND && !trust) {
    // libgit2 reports a distrusted repository found while searching upwards as "not found": ask
    // again without the ownership check, only to tell the user which it is.
    LibGit2::init(true);
    git_repository* probe = nullptr;
    const int again = git_repository_open_ext(&probe, path.c_str(), 0, nullptr);
    git_repository_free(probe);
    LibGit2::init(false);
    if (again == 0) throw Error(owner_msg);
  }
  if (rc == GIT_ENOTFOUND) throw Error("not a git repository: '" + path + "'");
  if (rc < 0) throw Error(git_error_text(rc, "cannot open repository '" + path + "'"));
  GitRepository repo(raw);
  guard_loose_objects(repo.get());
  return repo;
}

GitRepository reopen_repository(const std::string& gitdir) {
  git_repository* raw = nullptr;
  const int rc = git_repository_open(&raw, gitdir.c_str());
  if (rc < 0) throw Error(git_error_text(rc, "opening the repository in a worker"));
  GitRepository repo(raw);
  guard_loose_objects(repo.get());
  return repo;
}

std::string oid_hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

}  // namespace leakgate
