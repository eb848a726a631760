#include "scanner/source/git/git_handles.h"

#include <mutex>

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

std::string oid_hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

}  // namespace leakgate
