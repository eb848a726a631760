#include "scanner/source/git/commit_files.h"

#include <filesystem>

#include "scanner/source/git/history_plan.h"
#include "scanner/util/error.h"

namespace leakgate {

namespace {

// "a/./b" -> "a/b"; a path that would leave the tree is refused, not clamped.
std::string tree_path(const std::string& path) {
  const std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  const std::string s = p.generic_string();
  if (p.is_absolute() || s.empty() || s == ".." || s.rfind("../", 0) == 0)
    throw Error("'" + path + "' is not a path inside the repository");
  return s;
}

}  // namespace

CommitFiles::CommitFiles(const std::string& repo, bool trust_repo, const std::string& rev, const char* role)
    : repo_(open_repository(repo, trust_repo)) {
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo_.get(), rev.c_str());
  if (rc < 0) throw missing_range_end(repo_.get(), rev, role, git_error_text(rc, "resolving '" + rev + "'"));
  GitObject obj(raw);
  git_object* peeled = nullptr;
  if ((rc = git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT)) < 0)
    throw Error(git_error_text(rc, "'" + rev + "' does not name a commit"));
  GitObject commit(peeled);
  commit_ = *git_object_id(commit.get());
  short_id_ = oid_hex(commit_).substr(0, 12);
}

std::optional<git_oid> CommitFiles::blob_id(const std::string& path) const {
  const std::string spec = oid_hex(commit_) + ":" + tree_path(path);
  git_object* raw = nullptr;
  const int rc = git_revparse_single(&raw, repo_.get(), spec.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) throw Error(git_error_text(rc, "reading " + short_id_ + ":" + path));
  GitObject obj(raw);
  if (git_object_type(obj.get()) != GIT_OBJECT_BLOB) return std::nullopt;  // a directory, a gitlink
  return *git_object_id(obj.get());
}

std::optional<std::string> CommitFiles::read(const std::string& path) const {
  const auto id = blob_id(path);
  if (!id) return std::nullopt;
  git_odb* odb_raw = nullptr;
  int rc = git_repository_odb(&odb_raw, repo_.get());
  if (rc < 0) throw Error(git_error_text(rc, "opening the object database"));
  GitOdb odb(odb_raw);
  git_odb_object* obj_raw = nullptr;
  if ((rc = git_odb_read(&obj_raw, odb.get(), &*id)) < 0)
    throw Error(git_error_text(rc, "reading " + short_id_ + ":" + path));
  GitOdbObject obj(obj_raw);
  constexpr size_t kMaxBytes = size_t{64} << 20;  // as for every file handed in (input_file.h)
  if (git_odb_object_size(obj.get()) > kMaxBytes)
    throw Error(short_id_ + ":" + path + " is larger than 64 MiB");
  return std::string(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
}

}  // namespace leakgate
