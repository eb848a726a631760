#include "scanner/source/git/git_source.h"

#include <cstring>

#include "scanner/source/git/staged_plan.h"
#include "scanner/util/error.h"

namespace leakgate {
namespace {

static_assert(sizeof(git_oid::id) == sizeof(ObjectId::bytes), "SHA-1 object ids");

// A blob read whole by libgit2, scanned where it lies.
class BlobContent : public Content {
 public:
  explicit BlobContent(GitOdbObject obj) : obj_(std::move(obj)) { size_hint = git_odb_object_size(obj_.get()); }
  std::optional<std::string_view> in_memory() override {
    return std::string_view(static_cast<const char*>(git_odb_object_data(obj_.get())), git_odb_object_size(obj_.get()));
  }
  size_t read(char*, size_t) override { return 0; }  // never streamed: in_memory() always answers

 private:
  GitOdbObject obj_;
};

class BlobReader : public SourceReader {
 public:
  explicit BlobReader(const std::string& gitdir) : repo_(reopen_repository(gitdir)) {
    git_odb* raw = nullptr;
    const int rc = git_repository_odb(&raw, repo_.get());
    if (rc < 0) throw Error(git_error_text(rc, "opening the object database"));
    odb_.reset(raw);
  }

  Opened open(const Item& item, uint64_t max_size) override {
    const git_oid id = git_object_id(item.id);
    if (max_size) {  // the header alone: a blob over the cap is never inflated
      size_t size = 0;
      git_object_t type;
      if (git_odb_read_header(&size, &type, odb_.get(), &id) == 0 && size > max_size)
        return {ItemStatus::kTooLarge, {}, nullptr};
    }
    git_odb_object* o = nullptr;
    const int rc = git_odb_read(&o, odb_.get(), &id);
    if (rc == GIT_ENOTFOUND)
      return {ItemStatus::kMissing, "missing from the object database (partial or shallow clone?)", nullptr};
    if (rc < 0) return {ItemStatus::kUnreadable, git_error_text(rc, "unreadable object"), nullptr};
    return {ItemStatus::kRead, {}, std::make_unique<BlobContent>(GitOdbObject(o))};
  }

 private:
  GitRepository repo_;
  GitOdb odb_;
};

}  // namespace

ObjectId object_id(const git_oid& id) {
  ObjectId out;
  std::memcpy(out.bytes.data(), id.id, out.bytes.size());
  return out;
}

git_oid git_object_id(const ObjectId& id) {
  git_oid out;
  std::memcpy(out.id, id.bytes.data(), id.bytes.size());
  return out;
}

GitSource::GitSource(GitSourceOptions options)
    : options_(std::move(options)), repo_(open_repository(options_.repo, options_.trust_repo)),
      gitdir_(git_repository_path(repo_.get())) {}

SourceTraits GitSource::traits() const {
  SourceTraits t;
  // A range or the staged index is planned whole first (a later commit can still change an
  // earlier task); a whole history streams.
  t.planned_whole = options_.staged || options_.history.introduced_only();
  t.versions = true;
  t.long_running = !options_.staged;
  return t;
}

void GitSource::hand_over(std::vector<BlobTask>& tasks, const std::vector<GitProvenance>& commits, ItemFeed& feed,
                          bool watched) {
  for (size_t i = commits_.size(); i < commits.size(); ++i) commits_.push_back(commits[i]);
  std::vector<Item> items(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    BlobTask& t = tasks[i];
    Item& it = items[i];
    it.path = std::move(t.path);
    it.id = object_id(t.blob);
    it.order = t.commit;
    // The staged index is not a commit: its findings carry no provenance.
    if (!options_.staged) it.provenance = &commits_[t.commit];
    it.earlier.reserve(t.parent_versions.size());
    for (const git_oid& v : t.parent_versions) it.earlier.push_back(object_id(v));
    if (watched) planned_.push_back(it.id);
  }
  feed.push(items);
}

SourceSummary GitSource::produce(ItemFeed& feed, ScanProgress* progress) {
  HistoryOptions history = options_.history;
  if (progress) history.on_progress = [progress](uint64_t commits, uint64_t) { progress->commits = commits; };
  const bool stream = !traits().planned_whole;
  if (stream)
    history.on_blobs = [&](std::vector<BlobTask>& tasks, const std::vector<GitProvenance>& commits) {
      hand_over(tasks, commits, feed, progress != nullptr);
    };
  HistoryPlan plan = options_.staged ? plan_staged(repo_.get(), options_.staged_listing.get())
                                     : plan_history(repo_.get(), history);
  if (!stream) hand_over(plan.blobs, plan.commits, feed, progress != nullptr);
  repo_.reset();
  SourceSummary summary;
  summary.commits = plan.commits_walked;
  summary.gitlinks = plan.gitlinks;
  for (std::string& u : plan.unreadable)
    summary.errors.push_back({std::move(u), "unreadable: what lies under it was not scanned"});
  return summary;
}

std::unique_ptr<SourceReader> GitSource::reader() { return std::make_unique<BlobReader>(gitdir_); }

// From object headers (cheap: no inflating), until the scan itself is done.
std::optional<uint64_t> GitSource::total_bytes(const ScanProgress& progress) {
  GitRepository r = reopen_repository(gitdir_);
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, r.get()) < 0) return std::nullopt;
  GitOdb odb(raw);
  uint64_t total = 0;
  for (size_t i = 0; i < planned_.size() && progress.done.load() < planned_.size(); ++i) {
    size_t size = 0;
    git_object_t type;
    const git_oid id = git_object_id(planned_[i]);
    if (git_odb_read_header(&size, &type, odb.get(), &id) == 0) total += size;
  }
  return total;
}

}  // namespace leakgate
