#include "scanner/source/git/history_plan.h"

#include <cstring>
#include <ctime>

#include "scanner/source/git/git_handles.h"
#include "scanner/util/error.h"

namespace leakgate {
namespace {

// The set of object ids already planned: the one structure that grows with history size. Open
// addressing over a flat array (ids are uniformly random, so their first 8 bytes are the hash);
// several times faster than a node-based std::unordered_set for the tens of millions of lookups a
// large history takes, and 20 bytes an entry plus slack.
class OidSet {
  static bool empty(const git_oid& o) {
    uint64_t a, b;
    uint32_t c;
    std::memcpy(&a, o.id, 8);
    std::memcpy(&b, o.id + 8, 8);
    std::memcpy(&c, o.id + 16, 4);
    return (a | b | c) == 0;
  }

 public:
  OidSet() : slots_(1u << 16) {}
  // Inserts `id`; false if it was already there.
  bool insert(const git_oid& id) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    git_oid& slot = find(id);
    if (!empty(slot)) return false;
    slot = id;
    ++size_;
    return true;
  }
  bool contains(const git_oid& id) const { return !empty(const_cast<OidSet*>(this)->find(id)); }

 private:
  git_oid& find(const git_oid& id) {
    uint64_t h;
    std::memcpy(&h, id.id, sizeof h);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask)
      if (empty(slots_[i]) || std::memcmp(slots_[i].id, id.id, GIT_OID_RAWSZ) == 0) return slots_[i];
  }
  void grow() {
    std::vector<git_oid> old(slots_.size() * 2);
    old.swap(slots_);
    size_ = 0;
    for (const git_oid& id : old)
      if (!empty(id)) insert(id);
  }
  std::vector<git_oid> slots_;  // the zero id marks an empty slot: no object has it
  size_t size_ = 0;
};

bool is_blob_mode(git_filemode_t m) {
  return m == GIT_FILEMODE_BLOB || m == GIT_FILEMODE_BLOB_EXECUTABLE || m == GIT_FILEMODE_LINK;
}

class Planner {
 public:
  Planner(git_repository* repo, bool range) : repo_(repo), range_(range) {}

  void add_commit(git_commit* c) {
    const uint32_t index = static_cast<uint32_t>(plan_.commits.size());
    const git_signature* a = git_commit_author(c);
    GitProvenance p;
    p.commit = oid_hex(*git_commit_id(c));
    p.author = a && a->name ? a->name : "";
    p.email = a && a->email ? a->email : "";
    p.date = a ? iso8601(a->when) : "";
    const char* summary = git_commit_summary(c);
    p.message = summary ? summary : "";
    plan_.commits.push_back(std::move(p));
    ++plan_.commits_walked;

    git_tree* tree_raw = nullptr;
    int rc = git_commit_tree(&tree_raw, c);
    if (rc < 0) throw Error(git_error_text(rc, "reading the tree of commit " + plan_.commits.back().commit));
    GitTree tree(tree_raw);
    std::string prefix;
    if (!range_) {
      // Whole history: commits come parents first and every tree and blob is taken the first time
      // it is seen, so the first commit holding a blob is one whose parents do not hold it at that
      // path — the introducing commit — and each unique tree is parsed once, as in
      // `git rev-list --objects`. No parent trees needed.
      walk(tree.get(), {}, prefix, index);
      return;
    }
    std::vector<GitTree> parents;
    const unsigned n = git_commit_parentcount(c);
    for (unsigned i = 0; i < n; ++i) {
      git_commit* parent = nullptr;
      // A parent missing from a shallow clone counts as no parent: its content is then new here.
      if (git_commit_parent(&parent, c, i) < 0) {
        parents.emplace_back(nullptr);
        continue;
      }
      GitCommit pc(parent);
      git_tree* pt = nullptr;
      if (git_commit_tree(&pt, pc.get()) < 0) pt = nullptr;
      parents.emplace_back(pt);
    }
    std::vector<const git_tree*> ps;
    for (auto& pt : parents) ps.push_back(pt.get());
    walk(tree.get(), ps, prefix, index);
  }

  // A tag that points at a tree or a blob rather than a commit.
  void add_loose(const git_object* obj, const std::string& ref) {
    GitProvenance p;
    p.commit = "";
    p.message = "object named by " + ref;
    const uint32_t index = static_cast<uint32_t>(plan_.commits.size());
    plan_.commits.push_back(p);
    if (git_object_type(obj) == GIT_OBJECT_BLOB) {
      add_blob(*git_object_id(obj), ref, index, {});
    } else if (git_object_type(obj) == GIT_OBJECT_TREE) {
      std::string prefix;
      walk(reinterpret_cast<const git_tree*>(obj), {}, prefix, index);
    }
  }

  HistoryPlan take() { return std::move(plan_); }

 private:
  void add_blob(const git_oid& id, const std::string& path, uint32_t commit, std::vector<git_oid> parents) {
    if (!seen_.insert(id)) return;
    plan_.blobs.push_back(BlobTask{id, commit, path, std::move(parents)});
  }

  void walk(const git_tree* tree, const std::vector<const git_tree*>& parents, std::string& prefix, uint32_t commit) {
    const size_t count = git_tree_entrycount(tree);
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      const git_oid* id = git_tree_entry_id(e);
      const char* name = git_tree_entry_name(e);
      const git_filemode_t mode = git_tree_entry_filemode(e);
      if (mode == GIT_FILEMODE_COMMIT) {
        ++plan_.gitlinks;
        continue;
      }
      const bool is_tree = mode == GIT_FILEMODE_TREE;
      if (!is_tree && !is_blob_mode(mode)) continue;
      // Unchanged against some parent: nothing under this entry is introduced here.
      std::vector<const git_tree_entry*> pe(parents.size(), nullptr);
      bool unchanged = false;
      for (size_t k = 0; k < parents.size(); ++k) {
        if (!parents[k]) continue;
        pe[k] = git_tree_entry_byname(parents[k], name);
        if (pe[k] && git_oid_equal(git_tree_entry_id(pe[k]), id) &&
            (git_tree_entry_filemode(pe[k]) == GIT_FILEMODE_TREE) == is_tree)
          unchanged = true;
      }
      if (unchanged) continue;
      const size_t old_len = prefix.size();
      if (!prefix.empty()) prefix.push_back('/');
      prefix += name;
      if (is_tree) {
        // Everything under a tree walked before is planned already (parents come first), so a
        // tree shared by many commits or branches is descended once.
        if (range_ || !seen_trees_.contains(*id)) {
          git_tree* sub_raw = nullptr;
          int rc = git_tree_lookup(&sub_raw, repo_, id);
          if (rc < 0) throw Error(git_error_text(rc, "reading tree " + oid_hex(*id) + " at " + prefix));
          GitTree sub(sub_raw);
          std::vector<GitTree> psub;
          std::vector<const git_tree*> ps;
          for (size_t k = 0; k < parents.size(); ++k) {
            git_tree* t = nullptr;
            if (pe[k] && git_tree_entry_filemode(pe[k]) == GIT_FILEMODE_TREE &&
                git_tree_lookup(&t, repo_, git_tree_entry_id(pe[k])) < 0)
              t = nullptr;
            psub.emplace_back(t);
            ps.push_back(t);
          }
          walk(sub.get(), ps, prefix, commit);
          if (!range_) seen_trees_.insert(*id);
        }
      } else if (range_ || !seen_.contains(*id)) {
        std::vector<git_oid> versions;
        if (range_)
          for (auto* p : pe)
            if (p && is_blob_mode(git_tree_entry_filemode(p))) versions.push_back(*git_tree_entry_id(p));
        add_blob(*id, prefix, commit, std::move(versions));
      }
      prefix.resize(old_len);
    }
  }

  git_repository* repo_;
  bool range_;
  HistoryPlan plan_;
  OidSet seen_;        // blobs planned
  OidSet seen_trees_;  // trees whose every blob is planned
};

void push_ref(git_repository* repo, git_revwalk* walk, const char* refname, Planner& planner, bool hide) {
  git_object* obj_raw = nullptr;
  int rc = git_revparse_single(&obj_raw, repo, refname);
  if (rc < 0) throw Error(git_error_text(rc, "resolving '" + std::string(refname) + "'"));
  GitObject obj(obj_raw);
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, obj.get(), GIT_OBJECT_COMMIT) == 0) {
    GitObject peeled(peeled_raw);
    rc = hide ? git_revwalk_hide(walk, git_object_id(peeled.get())) : git_revwalk_push(walk, git_object_id(peeled.get()));
    if (rc < 0) throw Error(git_error_text(rc, "walking from '" + std::string(refname) + "'"));
    return;
  }
  if (hide) return;
  // A tag of a tree or a blob: its content is published too.
  const git_object* target = obj.get();
  GitObject peeled_tag;
  if (git_object_type(target) == GIT_OBJECT_TAG) {
    git_object* t = nullptr;
    if (git_tag_peel(&t, reinterpret_cast<const git_tag*>(target)) < 0) return;
    peeled_tag.reset(t);
    target = t;
  }
  planner.add_loose(target, refname);
}

}  // namespace

std::string iso8601(const git_time& t) {
  const time_t local = static_cast<time_t>(t.time) + static_cast<time_t>(t.offset) * 60;
  struct tm tm;
  gmtime_r(&local, &tm);
  char buf[64];
  const int off = (t.offset < 0 ? -t.offset : t.offset) % (24 * 60);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, t.offset < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

HistoryPlan plan_history(git_repository* repo, const HistoryOptions& options) {
  const bool range = !options.range.empty();
  Planner planner(repo, range);
  git_revwalk* walk_raw = nullptr;
  int rc = git_revwalk_new(&walk_raw, repo);
  if (rc < 0) throw Error(git_error_text(rc, "starting the history walk"));
  GitRevwalk walk(walk_raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);

  if (range) {
    const auto dots = options.range.find("..");
    if (dots == std::string::npos || options.range.find("...") != std::string::npos)
      throw Error("--range takes A..B, not '" + options.range + "'");
    const std::string a = options.range.substr(0, dots), b = options.range.substr(dots + 2);
    if (a.empty() || b.empty()) throw Error("--range takes A..B with both ends named, not '" + options.range + "'");
    push_ref(repo, walk.get(), b.c_str(), planner, false);
    push_ref(repo, walk.get(), a.c_str(), planner, true);
  } else if (!options.branches.empty()) {
    for (const auto& b : options.branches) push_ref(repo, walk.get(), b.c_str(), planner, false);
  } else {
    git_reference_iterator* it_raw = nullptr;
    rc = git_reference_iterator_new(&it_raw, repo);
    if (rc < 0) throw Error(git_error_text(rc, "listing references"));
    GitReferenceIterator it(it_raw);
    git_reference* ref_raw = nullptr;
    while ((rc = git_reference_next(&ref_raw, it.get())) == 0) {
      GitReference ref(ref_raw);
      const char* name = git_reference_name(ref.get());
      if (git_reference_type(ref.get()) == GIT_REFERENCE_SYMBOLIC) continue;  // its target is listed itself
      push_ref(repo, walk.get(), name, planner, false);
    }
    if (rc != GIT_ITEROVER) throw Error(git_error_text(rc, "listing references"));
    // A detached HEAD can hold commits no ref names.
    if (git_repository_head_detached(repo) == 1) push_ref(repo, walk.get(), "HEAD", planner, false);
  }

  git_oid id;
  while ((rc = git_revwalk_next(&id, walk.get())) == 0) {
    git_commit* c_raw = nullptr;
    rc = git_commit_lookup(&c_raw, repo, &id);
    if (rc < 0) throw Error(git_error_text(rc, "reading commit " + oid_hex(id)));
    GitCommit c(c_raw);
    planner.add_commit(c.get());
  }
  if (rc != GIT_ITEROVER) throw Error(git_error_text(rc, "walking the history"));
  return planner.take();
}

}  // namespace leakgate
