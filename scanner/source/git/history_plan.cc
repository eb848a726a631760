#include "scanner/source/git/history_plan.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <queue>
#include <unordered_map>
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
    if (rc < 0) {
      plan_.unreadable.push_back(git_error_text(rc, "tree of commit " + plan_.commits.back().commit));
      return;
    }
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

  // The index as a pseudo-commit: `tree` against `parent` (HEAD's tree, or null before the first
  // commit). Blobs that vanish from other paths are remembered, so an exact rename is not new.
  void add_tree_against(const git_tree* tree, const git_tree* parent) {
    plan_.commits.push_back(GitProvenance{});
    track_removed_ = true;
    std::string prefix;
    walk(tree, {parent}, prefix, static_cast<uint32_t>(plan_.commits.size() - 1));
    for (auto& t : plan_.blobs)
      if (t.parent_versions.empty() && removed_.contains(t.blob)) t.parent_versions.push_back(t.blob);
  }

  HistoryPlan take() { return std::move(plan_); }
  // Something of the history that could not be read: named in the report's errors, the rest goes on.
  void unreadable(std::string what) { plan_.unreadable.push_back(std::move(what)); }
  uint64_t commits() const { return plan_.commits_walked; }
  uint64_t blobs() const { return streamed_ + plan_.blobs.size(); }
  size_t pending_blobs() const { return plan_.blobs.size(); }
  // Hands the blobs planned so far to `sink` (which moves them out).
  void flush(const std::function<void(std::vector<BlobTask>&, const std::vector<GitProvenance>&)>& sink) {
    if (plan_.blobs.empty()) return;
    streamed_ += plan_.blobs.size();
    sink(plan_.blobs, plan_.commits);
    plan_.blobs.clear();
  }

 private:
  void add_blob(const git_oid& id, const std::string& path, uint32_t commit, std::vector<git_oid> parents) {
    if (!seen_.insert(id)) return;
    plan_.blobs.push_back(BlobTask{id, commit, path, std::move(parents)});
  }

  // Trees nest no deeper than this (git's own core.maxTreeDepth). The walks recurse once per level,
  // and a crafted history of 20,000 nested trees overflowed the stack; git itself refuses them.
  static constexpr unsigned kMaxTreeDepth = 4096;

  // Every blob under `tree` into removed_ (a directory that disappeared).
  void collect_removed(const git_tree* tree, unsigned depth = 0) {
    if (depth >= kMaxTreeDepth) return;  // the tree itself was refused when it was added
    for (size_t i = 0; i < git_tree_entrycount(tree); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      const git_filemode_t mode = git_tree_entry_filemode(e);
      if (is_blob_mode(mode)) {
        removed_.insert(*git_tree_entry_id(e));
      } else if (mode == GIT_FILEMODE_TREE) {
        git_tree* sub = nullptr;
        if (git_tree_lookup(&sub, repo_, git_tree_entry_id(e)) == 0) {
          GitTree t(sub);
          collect_removed(t.get(), depth + 1);
        }
      }
    }
  }

  // Entries of a parent that `tree` no longer has at the same name: deleted or moved away.
  void note_removed(const git_tree* tree, const std::vector<const git_tree*>& parents, unsigned depth) {
    for (const git_tree* p : parents) {
      if (!p) continue;
      for (size_t i = 0; i < git_tree_entrycount(p); ++i) {
        const git_tree_entry* pe = git_tree_entry_byindex(p, i);
        const git_tree_entry* now = git_tree_entry_byname(tree, git_tree_entry_name(pe));
        if (now && git_oid_equal(git_tree_entry_id(now), git_tree_entry_id(pe))) continue;
        if (is_blob_mode(git_tree_entry_filemode(pe))) {
          removed_.insert(*git_tree_entry_id(pe));
        } else if (git_tree_entry_filemode(pe) == GIT_FILEMODE_TREE && !now) {
          git_tree* sub = nullptr;
          if (git_tree_lookup(&sub, repo_, git_tree_entry_id(pe)) == 0) {
            GitTree t(sub);
            collect_removed(t.get(), depth + 1);
          }
        }
      }
    }
  }

  void walk(const git_tree* tree, const std::vector<const git_tree*>& parents, std::string& prefix, uint32_t commit,
            unsigned depth = 0) {
    if (track_removed_) note_removed(tree, parents, depth);
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
      // Whole history: most entries of most commits were planned under an earlier commit; skip
      // them before any path is built (this loop is where planning spends its own time).
      if (!range_ && (is_tree ? seen_trees_.contains(*id) : seen_.contains(*id))) continue;
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
        if (depth + 1 >= kMaxTreeDepth) {
          plan_.unreadable.push_back("tree " + oid_hex(*id) + " (" + prefix.substr(0, 120) + "...): nested deeper than " +
                                     std::to_string(kMaxTreeDepth) + " trees");
          prefix.resize(old_len);
          continue;
        }
        if (range_ || !seen_trees_.contains(*id)) {
          // Inline, not a function of its own: one stack frame per tree level, so 4,096 levels
          // fit the main thread's stack even under AddressSanitizer's larger frames.
          git_tree* sub_raw = nullptr;
          const int rc = git_tree_lookup(&sub_raw, repo_, id);
          if (rc < 0) {
            plan_.unreadable.push_back(git_error_text(rc, "tree " + oid_hex(*id) + " (" + prefix + ")"));
            prefix.resize(old_len);
            continue;
          }
          GitTree sub(sub_raw);
          std::vector<GitTree> psub;
          std::vector<const git_tree*> ps;
          for (const git_tree_entry* p : pe) {
            git_tree* t = nullptr;
            if (p && git_tree_entry_filemode(p) == GIT_FILEMODE_TREE && git_tree_lookup(&t, repo_, git_tree_entry_id(p)) < 0)
              t = nullptr;
            psub.emplace_back(t);
            ps.push_back(t);
          }
          walk(sub.get(), ps, prefix, commit, depth + 1);
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
  bool track_removed_ = false;
  OidSet removed_;     // blobs a parent had at a path this tree changed or dropped
  OidSet seen_;        // blobs planned
  OidSet seen_trees_;  // trees whose every blob is planned
  uint64_t streamed_ = 0;  // blobs already handed over by flush()
};

// Resolves a ref or revision to the commit it names. A tag of a tree or a blob has no commit: its
// content is planned directly (when `plan_loose`), and nothing is returned.
std::optional<git_oid> resolve(git_repository* repo, const char* refname, Planner& planner, bool plan_loose) {
  git_object* obj_raw = nullptr;
  int rc = 0;
  git_reference* ref_raw = nullptr;
  if (git_reference_lookup(&ref_raw, repo, refname) == 0) {
    // A ref name (what the ref listing gives): followed directly. git_revparse_single also does
    // this, but libgit2 1.5 leaks the reference when the object it names is missing (damaged pack).
    GitReference ref(ref_raw);
    git_reference* resolved_raw = nullptr;
    rc = git_reference_resolve(&resolved_raw, ref.get());
    if (rc == 0) {
      GitReference resolved(resolved_raw);
      rc = git_object_lookup(&obj_raw, repo, git_reference_target(resolved.get()), GIT_OBJECT_ANY);
    }
  } else {
    rc = git_revparse_single(&obj_raw, repo, refname);  // any other revision: `main~3`, an id
  }
  if (rc < 0) throw Error(git_error_text(rc, "resolving '" + std::string(refname) + "'"));
  GitObject obj(obj_raw);
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, obj.get(), GIT_OBJECT_COMMIT) == 0) {
    GitObject peeled(peeled_raw);
    return *git_object_id(peeled.get());
  }
  if (!plan_loose) return std::nullopt;
  const git_object* target = obj.get();
  GitObject peeled_tag;
  if (git_object_type(target) == GIT_OBJECT_TAG) {
    git_object* t = nullptr;
    if (git_tag_peel(&t, reinterpret_cast<const git_tag*>(target)) < 0) return std::nullopt;
    peeled_tag.reset(t);
    target = t;
  }
  planner.add_loose(target, refname);
  return std::nullopt;
}

git_oid resolve_range_end(git_repository* repo, const std::string& name, const char* role, Planner& planner) {
  std::optional<git_oid> id;
  try {
    id = resolve(repo, name.c_str(), planner, false);
  } catch (const Error& e) {
    throw missing_range_end(repo, name, role, e.what());
  }
  if (!id) throw Error("'" + name + "' does not name a commit");
  return *id;
}

struct OidKeyHash {
  size_t operator()(const git_oid& id) const noexcept {
    size_t h;
    std::memcpy(&h, id.id, sizeof h);
    return h;
  }
};
struct OidKeyEq {
  bool operator()(const git_oid& a, const git_oid& b) const noexcept { return std::memcmp(a.id, b.id, GIT_OID_RAWSZ) == 0; }
};

// Every commit reachable from `tips`, parents before children (ties: older commit first, then id),
// so the first commit that holds a blob is the one that introduced it. Written out rather than
// left to git_revwalk because a shallow clone's boundary commits name parents that are not in the
// repository: there a missing parent simply ends that line of history. Anywhere else a missing or
// corrupt commit (a damaged pack) is named through `planner` and ends only its own line.
std::vector<git_oid> topological_commits(git_repository* repo, const std::vector<git_oid>& tips, Planner& planner) {
  const bool shallow = git_repository_is_shallow(repo) == 1;
  struct Node {
    git_oid id;
    int64_t time;
    std::vector<uint32_t> children;
    uint32_t pending_parents = 0;
  };
  std::vector<Node> nodes;
  std::unordered_map<git_oid, uint32_t, OidKeyHash, OidKeyEq> index;
  std::vector<std::pair<uint32_t, git_oid>> edges;  // (child, parent id)
  std::vector<git_oid> stack(tips.begin(), tips.end());
  while (!stack.empty()) {
    const git_oid id = stack.back();
    stack.pop_back();
    if (index.count(id)) continue;
    git_commit* raw = nullptr;
    const int rc = git_commit_lookup(&raw, repo, &id);
    if (rc == GIT_ENOTFOUND && shallow && std::find_if(tips.begin(), tips.end(), [&](const git_oid& t) {
                                            return git_oid_equal(&t, &id);
                                          }) == tips.end())
      continue;  // beyond a shallow boundary
    if (rc < 0) {
      planner.unreadable(git_error_text(rc, "commit " + oid_hex(id)));
      continue;
    }
    GitCommit c(raw);
    const uint32_t n = static_cast<uint32_t>(nodes.size());
    index.emplace(id, n);
    nodes.push_back(Node{id, git_commit_time(c.get()), {}, 0});
    for (unsigned i = 0; i < git_commit_parentcount(c.get()); ++i) {
      const git_oid* p = git_commit_parent_id(c.get(), i);
      edges.emplace_back(n, *p);
      stack.push_back(*p);
    }
  }
  for (const auto& [child, parent] : edges) {
    auto it = index.find(parent);
    if (it == index.end()) continue;
    nodes[it->second].children.push_back(child);
    ++nodes[child].pending_parents;
  }
  auto later = [&](uint32_t a, uint32_t b) {
    if (nodes[a].time != nodes[b].time) return nodes[a].time > nodes[b].time;
    return std::memcmp(nodes[a].id.id, nodes[b].id.id, GIT_OID_RAWSZ) > 0;
  };
  std::priority_queue<uint32_t, std::vector<uint32_t>, decltype(later)> ready(later);
  for (uint32_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].pending_parents == 0) ready.push(i);
  std::vector<git_oid> order;
  order.reserve(nodes.size());
  while (!ready.empty()) {
    const uint32_t i = ready.top();
    ready.pop();
    order.push_back(nodes[i].id);
    for (uint32_t c : nodes[i].children)
      if (--nodes[c].pending_parents == 0) ready.push(c);
  }
  return order;
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

HistoryPlan plan_tree_against(git_repository* repo, const git_tree* tree, const git_tree* parent) {
  Planner planner(repo, true);
  planner.add_tree_against(tree, parent);
  return planner.take();
}

namespace {

// Pass: the commits of a range or a push (reachable from an include, from no exclude), parents
// first, each handed to `visit`.
void walk_range(git_repository* repo, const HistoryOptions& options, Planner& planner,
                const std::function<void(const git_oid&)>& visit) {
  std::vector<std::string> include = options.include, exclude = options.exclude;
  if (!options.range.empty()) {
    const RangeEnds ends = split_range(options.range);
    include.push_back(ends.head);
    exclude.push_back(ends.base);
  }
  git_revwalk* walk_raw = nullptr;
  int rc = git_revwalk_new(&walk_raw, repo);
  if (rc < 0) throw Error(git_error_text(rc, "starting the history walk"));
  GitRevwalk walk(walk_raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  for (const auto& r : include) {
    const auto id = resolve_range_end(repo, r, "head", planner);
    if ((rc = git_revwalk_push(walk.get(), &id)) < 0) throw Error(git_error_text(rc, "walking from '" + r + "'"));
  }
  for (const auto& r : exclude) {
    const auto id = resolve_range_end(repo, r, "base", planner);
    if ((rc = git_revwalk_hide(walk.get(), &id)) < 0) throw Error(git_error_text(rc, "walking from '" + r + "'"));
  }
  for (const auto& g : options.exclude_globs)
    if ((rc = git_revwalk_hide_glob(walk.get(), g.c_str())) < 0 && rc != GIT_ENOTFOUND)
      throw Error(git_error_text(rc, "hiding '" + g + "'"));
  git_oid id;
  while ((rc = git_revwalk_next(&id, walk.get())) == 0) visit(id);
  if (rc != GIT_ITEROVER) {
    const std::string what = options.range.empty() ? std::string("the pushed commits") : options.range;
    std::string msg = git_error_text(rc, "walking " + what);
    if (git_repository_is_shallow(repo) == 1)
      msg += " (this is a shallow clone: fetch the history the range needs, e.g. fetch-depth: 0 in CI)";
    throw Error(msg);
  }
}

// Every direct reference's name, sorted: a deterministic plan whatever the ref storage order.
std::vector<std::string> reference_names(git_repository* repo) {
  git_reference_iterator* it_raw = nullptr;
  int rc = git_reference_iterator_new(&it_raw, repo);
  if (rc < 0) throw Error(git_error_text(rc, "listing references"));
  GitReferenceIterator it(it_raw);
  git_reference* ref_raw = nullptr;
  std::vector<std::string> names;
  while ((rc = git_reference_next(&ref_raw, it.get())) == 0) {
    GitReference ref(ref_raw);
    if (git_reference_type(ref.get()) == GIT_REFERENCE_SYMBOLIC) continue;  // its target is listed itself
    names.emplace_back(git_reference_name(ref.get()));
  }
  if (rc != GIT_ITEROVER) throw Error(git_error_text(rc, "listing references"));
  std::sort(names.begin(), names.end());
  return names;
}

// Pass: the commits a whole-history scan starts from: --branch's, else every ref's and a detached
// HEAD's. A tag of a tree or a blob is planned on the spot.
std::vector<git_oid> history_tips(git_repository* repo, const HistoryOptions& options, Planner& planner) {
  std::vector<git_oid> tips;
  auto tip = [&](const char* name) {
    if (auto id = resolve(repo, name, planner, true)) tips.push_back(*id);
  };
  if (!options.branches.empty()) {
    for (const auto& b : options.branches) tip(b.c_str());
    return tips;
  }
  // A ref whose commit cannot be read (a damaged pack) is named; the other refs are still scanned.
  // Refs the user names (--branch) stay fatal: a typo must not pass as a clean scan.
  for (const auto& n : reference_names(repo)) {
    try {
      tip(n.c_str());
    } catch (const Error& e) {
      planner.unreadable(e.what());
    }
  }
  // A detached HEAD can hold commits no ref names.
  if (git_repository_head_detached(repo) == 1) tip("HEAD");
  return tips;
}

}  // namespace

// The passes: find the commits (a range's, or the tips' whole history in topological order), then
// plan each commit's trees against its parents'. A whole history hands its blobs over in batches
// as it goes, so reading starts long before the walk ends.
HistoryPlan plan_history(git_repository* repo, const HistoryOptions& options) {
  const bool range = options.introduced_only();
  const bool stream = !range && options.on_blobs;
  constexpr size_t kStreamBatch = 256;
  Planner planner(repo, range);
  auto plan_commit = [&](const git_oid& id) {
    git_commit* c_raw = nullptr;
    const int rc = git_commit_lookup(&c_raw, repo, &id);
    if (rc < 0) {
      planner.unreadable(git_error_text(rc, "commit " + oid_hex(id)));
      return;
    }
    GitCommit c(c_raw);
    planner.add_commit(c.get());
    if (options.on_progress && planner.commits() % 1024 == 0) options.on_progress(planner.commits(), planner.blobs());
    if (stream && planner.pending_blobs() >= kStreamBatch) planner.flush(options.on_blobs);
  };
  if (range) {
    walk_range(repo, options, planner, plan_commit);
  } else {
    for (const git_oid& id : topological_commits(repo, history_tips(repo, options, planner), planner)) plan_commit(id);
  }
  if (stream) planner.flush(options.on_blobs);
  return planner.take();
}

RangeEnds split_range(const std::string& range) {
  const auto dots = range.find("..");
  if (dots == std::string::npos || range.find("...") != std::string::npos)
    throw Error("--range takes A..B, not '" + range + "'");
  RangeEnds ends{range.substr(0, dots), range.substr(dots + 2)};
  if (ends.base.empty() || ends.head.empty()) throw Error("--range takes A..B with both ends named, not '" + range + "'");
  return ends;
}

Error missing_range_end(git_repository* repo, const std::string& name, const char* role, const std::string& cause) {
  if (git_repository_is_shallow(repo) == 1)
    return Error(std::string("the range's ") + role + " '" + name + "' is not in this shallow clone: fetch the history " +
                 "the range needs (GitHub Actions: actions/checkout with fetch-depth: 0; GitLab CI: GIT_DEPTH: 0; " +
                 "by hand: git fetch --deepen=N or git fetch --unshallow)");
  return Error(std::string("the range's ") + role + " '" + name + "' is not in this repository (" + cause +
               "): fetch it first, e.g. git fetch origin " + name);
}

}  // namespace leakgate
