// `leakgate git`: a repository's blobs as items. Whole history (every ref, or some branches), a
// pull-request range or a pre-push (only the secrets its commits introduce: each blob carries the
// versions it replaced) and the staged index (only what the next commit would introduce). The
// producer plans on the driver's thread; a whole history streams its blobs to the readers as the
// walk finds them. Each reader has its own repository handle (libgit2 objects are not shared
// across threads) and holds only the blob being scanned.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanner/source/git/git_cli.h"
#include "scanner/source/git/git_handles.h"
#include "scanner/source/git/history_plan.h"
#include "scanner/source/item.h"

namespace leakgate {

struct GitSourceOptions {
  std::string repo = ".";
  bool trust_repo = false;  // scan a repository owned by another user
  HistoryOptions history;
  bool staged = false;      // the index against HEAD
  // For `staged`: git's list of the staged changes, already started (start_staged_listing()) so
  // git works while leakgate loads libgit2 and its rules. Null: the scan runs git itself.
  std::shared_ptr<GitCommand> staged_listing;
};

class GitSource : public Source {
 public:
  // Opens the repository; throws Error when it is not one (or not trusted).
  explicit GitSource(GitSourceOptions options);
  SourceTraits traits() const override;
  SourceSummary produce(ItemFeed& feed, ScanProgress* progress) override;
  std::unique_ptr<SourceReader> reader() override;
  std::optional<uint64_t> total_bytes(const ScanProgress& progress) override;
  std::string name() const override { return gitdir_; }

 private:
  void hand_over(std::vector<BlobTask>& tasks, const std::vector<GitProvenance>& commits, ItemFeed& feed,
                 bool watched);

  GitSourceOptions options_;
  GitRepository repo_;  // the producer's handle, released once planned
  std::string gitdir_;
  std::deque<GitProvenance> commits_;  // items point into it: a deque never moves its elements
  std::vector<ObjectId> planned_;      // only while progress is watched: for total_bytes()
};

ObjectId object_id(const git_oid& id);
git_oid git_object_id(const ObjectId& id);

}  // namespace leakgate
