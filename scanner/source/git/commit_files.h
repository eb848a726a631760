// Files read from a commit's tree instead of the work tree. A pull-request gate (`git --range
// A..B`) takes its configuration (.leakgate.toml, .leakgateignore, and what they extend) from the
// base side A, which the commits under judgement cannot change; the work tree is B's checkout.
#pragma once

#include <git2.h>

#include <optional>
#include <string>

#include "scanner/source/git/git_handles.h"

namespace leakgate {

class CommitFiles {
 public:
  // `rev`, the range's `role` end ("base" or "head"), must name a commit of the repository at
  // `repo`. Throws Error otherwise, saying how to fetch it (missing_range_end()).
  CommitFiles(const std::string& repo, bool trust_repo, const std::string& rev, const char* role);

  // The bytes of the blob at `path` (root-relative, '/'-separated), nullopt when the tree has no
  // file there. A path that leaves the tree ("../x", "/etc/x") is an Error. Throws Error when the
  // object cannot be read.
  std::optional<std::string> read(const std::string& path) const;
  // The blob id at `path`, or nullopt: compares one path across two commits without reading it.
  std::optional<git_oid> blob_id(const std::string& path) const;
  // "<12 hex>" of the commit, for messages: "3f2a9c81b0de:.leakgate.toml".
  const std::string& short_id() const { return short_id_; }

 private:
  GitRepository repo_;
  git_oid commit_{};
  std::string short_id_;
};

}  // namespace leakgate
