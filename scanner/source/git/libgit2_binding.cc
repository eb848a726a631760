// libgit2, bound when a git subcommand first calls it rather than at process start.
//
// libgit2 brings 14 shared libraries (libssh2 and libcrypto, Kerberos, mbedTLS, pcre2,
// http_parser…). Loading and relocating them cost ~1.2 ms of CPU on every run, about a fifth of
// `leakgate dir`'s whole start-up, though only `git` and `hook` ever call libgit2. The executable
// therefore does not link libgit2: this file defines each libgit2 function leakgate calls, with
// the signature from <git2.h> (the compiler rejects any mismatch), as a forwarder to the real one,
// which is looked up in the library the first time any of them is called. Call sites are
// unchanged; the only new failure is an uninstalled libgit2, reported as an Error by that call.
//
// A function newly called from leakgate must be added to the list below; the link fails until it is.
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <atomic>
#include <cstdarg>
#include <mutex>
#include <string>

#include "scanner/util/dynamic_library.h"
#include "scanner/util/error.h"

#ifndef LEAKGATE_LIBGIT2_SONAME
#define LEAKGATE_LIBGIT2_SONAME "libgit2.so.1.5"
#endif

// X(return type, name, (parameters), (arguments))
#define LEAKGATE_LIBGIT2_FUNCTIONS(X) \
  X(void, git_buf_dispose, (git_buf *buffer), (buffer)) \
  X(const git_signature *, git_commit_author, (const git_commit *commit), (commit)) \
  X(void, git_commit_free, (git_commit *commit), (commit)) \
  X(const git_oid *, git_commit_id, (const git_commit *commit), (commit)) \
  X(int, git_commit_lookup, (git_commit **commit, git_repository *repo, const git_oid *id), (commit, repo, id)) \
  X(int, git_commit_parent, (git_commit **out, const git_commit *commit, unsigned int n), (out, commit, n)) \
  X(const git_oid *, git_commit_parent_id, (const git_commit *commit, unsigned int n), (commit, n)) \
  X(unsigned int, git_commit_parentcount, (const git_commit *commit), (commit)) \
  X(const char *, git_commit_summary, (git_commit *commit), (commit)) \
  X(git_time_t, git_commit_time, (const git_commit *commit), (commit)) \
  X(int, git_commit_tree, (git_tree **tree_out, const git_commit *commit), (tree_out, commit)) \
  X(void, git_config_free, (git_config *cfg), (cfg)) \
  X(int, git_config_get_path, (git_buf *out, const git_config *cfg, const char *name), (out, cfg, name)) \
  X(const git_error *, git_error_last, (void), ()) \
  X(size_t, git_index_entrycount, (const git_index *index), (index)) \
  X(const git_index_entry *, git_index_get_byindex, (git_index *index, size_t n), (index, n)) \
  X(int, git_index_write_tree, (git_oid *out, git_index *index), (out, index)) \
  X(int, git_libgit2_init, (void), ()) \
  X(int, git_mempack_new, (git_odb_backend **out), (out)) \
  X(const git_oid *, git_object_id, (const git_object *obj), (obj)) \
  X(int, git_object_lookup, (git_object **object, git_repository *repo, const git_oid *id, git_object_t type), (object, repo, id, type)) \
  X(int, git_object_peel, (git_object **peeled, const git_object *object, git_object_t target_type), (peeled, object, target_type)) \
  X(git_object_t, git_object_type, (const git_object *obj), (obj)) \
  X(void *, git_odb_backend_data_alloc, (git_odb_backend *backend, size_t len), (backend, len)) \
  X(int, git_error_set_str, (int error_class, const char *string), (error_class, string)) \
  X(int, git_odb_add_backend, (git_odb *odb, git_odb_backend *backend, int priority), (odb, backend, priority)) \
  X(const void *, git_odb_object_data, (git_odb_object *object), (object)) \
  X(size_t, git_odb_object_size, (git_odb_object *object), (object)) \
  X(int, git_odb_read, (git_odb_object **out, git_odb *db, const git_oid *id), (out, db, id)) \
  X(int, git_odb_read_header, (size_t *len_out, git_object_t *type_out, git_odb *db, const git_oid *id), (len_out, type_out, db, id)) \
  X(int, git_oid_equal, (const git_oid *a, const git_oid *b), (a, b)) \
  X(int, git_oid_fromstr, (git_oid *out, const char *str), (out, str)) \
  X(int, git_oid_is_zero, (const git_oid *id), (id)) \
  X(char *, git_oid_tostr, (char *out, size_t n, const git_oid *id), (out, n, id)) \
  X(int, git_reference_iterator_new, (git_reference_iterator **out, git_repository *repo), (out, repo)) \
  X(int, git_reference_lookup, (git_reference **out, git_repository *repo, const char *name), (out, repo, name)) \
  X(const char *, git_reference_name, (const git_reference *ref), (ref)) \
  X(int, git_reference_next, (git_reference **out, git_reference_iterator *iter), (out, iter)) \
  X(int, git_reference_resolve, (git_reference **out, const git_reference *ref), (out, ref)) \
  X(const git_oid *, git_reference_target, (const git_reference *ref), (ref)) \
  X(git_reference_t, git_reference_type, (const git_reference *ref), (ref)) \
  X(const char *, git_repository_commondir, (const git_repository *repo), (repo)) \
  X(int, git_repository_config_snapshot, (git_config **out, git_repository *repo), (out, repo)) \
  X(void, git_repository_free, (git_repository *repo), (repo)) \
  X(int, git_repository_head_detached, (git_repository *repo), (repo)) \
  X(int, git_repository_index, (git_index **out, git_repository *repo), (out, repo)) \
  X(int, git_repository_is_shallow, (git_repository *repo), (repo)) \
  X(int, git_repository_odb, (git_odb **out, git_repository *repo), (out, repo)) \
  X(int, git_repository_open, (git_repository **out, const char *path), (out, path)) \
  X(int, git_repository_open_ext, (git_repository **out, const char *path, unsigned int flags, const char *ceiling_dirs), (out, path, flags, ceiling_dirs)) \
  X(const char *, git_repository_path, (const git_repository *repo), (repo)) \
  X(const char *, git_repository_workdir, (const git_repository *repo), (repo)) \
  X(int, git_revparse_single, (git_object **out, git_repository *repo, const char *spec), (out, repo, spec)) \
  X(int, git_revwalk_hide, (git_revwalk *walk, const git_oid *commit_id), (walk, commit_id)) \
  X(int, git_revwalk_hide_glob, (git_revwalk *walk, const char *glob), (walk, glob)) \
  X(int, git_revwalk_new, (git_revwalk **out, git_repository *repo), (out, repo)) \
  X(int, git_revwalk_next, (git_oid *out, git_revwalk *walk), (out, walk)) \
  X(int, git_revwalk_push, (git_revwalk *walk, const git_oid *id), (walk, id)) \
  X(int, git_revwalk_sorting, (git_revwalk *walk, unsigned int sort_mode), (walk, sort_mode)) \
  X(int, git_tag_peel, (git_object **tag_target_out, const git_tag *tag), (tag_target_out, tag)) \
  X(const git_tree_entry *, git_tree_entry_byindex, (const git_tree *tree, size_t idx), (tree, idx)) \
  X(const git_tree_entry *, git_tree_entry_byname, (const git_tree *tree, const char *filename), (tree, filename)) \
  X(git_filemode_t, git_tree_entry_filemode, (const git_tree_entry *entry), (entry)) \
  X(const git_oid *, git_tree_entry_id, (const git_tree_entry *entry), (entry)) \
  X(const char *, git_tree_entry_name, (const git_tree_entry *entry), (entry)) \
  X(size_t, git_tree_entrycount, (const git_tree *tree), (tree)) \
  X(int, git_tree_lookup, (git_tree **out, git_repository *repo, const git_oid *id), (out, repo, id)) \
  X(int, git_ignore_path_is_ignored, (int *ignored, git_repository *repo, const char *path), (ignored, repo, path)) \
  X(void, git_odb_object_free, (git_odb_object *object), (object)) \
  X(void, git_object_free, (git_object *object), (object)) \
  X(void, git_tree_free, (git_tree *tree), (tree)) \
  X(void, git_reference_free, (git_reference *ref), (ref)) \
  X(void, git_reference_iterator_free, (git_reference_iterator *iter), (iter)) \
  X(void, git_revwalk_free, (git_revwalk *walk), (walk)) \
  X(void, git_index_free, (git_index *index), (index)) \
  X(void, git_odb_free, (git_odb *db), (db))

namespace leakgate {
namespace {

struct LibGit2Functions {
#define LEAKGATE_POINTER(ret, name, params, args) ret(*name) params = nullptr;
  LEAKGATE_LIBGIT2_FUNCTIONS(LEAKGATE_POINTER)
#undef LEAKGATE_POINTER
  int (*git_libgit2_opts)(int, ...) = nullptr;
};

// Set once the library is loaded and every function bound: the forwarders' whole fast path is
// this one load (a history scan calls libgit2 tens of millions of times).
std::atomic<const LibGit2Functions*> loaded{nullptr};

[[gnu::noinline]] const LibGit2Functions& load_libgit2() {
  static LibGit2Functions fns;
  static std::string error;
  static std::once_flag once;
  std::call_once(once, [] {
    DynamicLibrary so({LEAKGATE_LIBGIT2_SONAME});
    if (!so.loaded()) {
      error = "libgit2 could not be loaded (" + so.load_error() +
              "); scanning git repositories needs it: on Debian 12, apt install libgit2-1.5";
      return;
    }
#define LEAKGATE_BIND(ret, name, params, args) so.bind(fns.name, #name);
    LEAKGATE_LIBGIT2_FUNCTIONS(LEAKGATE_BIND)
#undef LEAKGATE_BIND
    so.bind(fns.git_libgit2_opts, "git_libgit2_opts");
    if (so.missing()) error = std::string("the installed libgit2 (" LEAKGATE_LIBGIT2_SONAME ") lacks ") + so.missing();
    else loaded.store(&fns, std::memory_order_release);
  });
  if (!error.empty()) throw Error(error);
  return fns;
}

inline const LibGit2Functions& libgit2() {
  if (const LibGit2Functions* f = loaded.load(std::memory_order_acquire)) return *f;
  return load_libgit2();
}

}  // namespace
}  // namespace leakgate

extern "C" {

#define LEAKGATE_FORWARD(ret, name, params, args) \
  ret name params { return leakgate::libgit2().name args; }
LEAKGATE_LIBGIT2_FUNCTIONS(LEAKGATE_FORWARD)
#undef LEAKGATE_FORWARD

// Variadic, so it cannot be forwarded blindly: the options leakgate sets, by the type each takes.
int git_libgit2_opts(int option, ...) {
  const auto& fns = leakgate::libgit2();
  va_list ap;
  va_start(ap, option);
  int rc = -1;
  switch (option) {
    case GIT_OPT_SET_MWINDOW_SIZE:
    case GIT_OPT_SET_MWINDOW_MAPPED_LIMIT:
      rc = fns.git_libgit2_opts(option, va_arg(ap, size_t));
      break;
    case GIT_OPT_ENABLE_CACHING:
    case GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION:
    case GIT_OPT_SET_OWNER_VALIDATION:
      rc = fns.git_libgit2_opts(option, va_arg(ap, int));
      break;
    default:
      va_end(ap);
      throw leakgate::Error("internal: git_libgit2_opts option " + std::to_string(option) +
                            " is not forwarded (add it to libgit2_binding.cc with its argument type)");
  }
  va_end(ap);
  return rc;
}

}  // extern "C"
