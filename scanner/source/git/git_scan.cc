#include "scanner/source/git/git_scan.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "scanner/source/git/git_handles.h"
#include "scanner/util/error.h"

namespace leakgate {
namespace {

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
  return GitRepository(raw);
}

// The staged changes as tasks: each added or modified index entry, with HEAD's version of the path
// (or of the file it was renamed from) as the version whose secrets are not new.
HistoryPlan plan_staged(git_repository* repo) {
  HistoryPlan plan;
  git_index* index_raw = nullptr;
  int rc = git_repository_index(&index_raw, repo);
  if (rc < 0) throw Error(git_error_text(rc, "reading the index"));
  GitIndex index(index_raw);
  GitTree head_tree;
  {
    git_object* obj = nullptr;
    rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
    if (rc == 0) head_tree.reset(reinterpret_cast<git_tree*>(obj));
    else if (rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) throw Error(git_error_text(rc, "reading HEAD"));
    // Before the first commit HEAD is unborn: compare with the empty tree.
  }
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
  git_diff* diff_raw = nullptr;
  rc = git_diff_tree_to_index(&diff_raw, repo, head_tree.get(), index.get(), &opts);
  if (rc < 0) throw Error(git_error_text(rc, "comparing the index with HEAD"));
  GitDiff diff(diff_raw);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_EXACT_MATCH_ONLY;
  git_diff_find_similar(diff.get(), &find);
  plan.commits.push_back(GitProvenance{});
  const size_t n = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->status == GIT_DELTA_DELETED || d->new_file.mode == GIT_FILEMODE_COMMIT || d->new_file.mode == 0) continue;
    if (d->new_file.mode == GIT_FILEMODE_TREE) continue;
    BlobTask t;
    t.blob = d->new_file.id;
    t.path = d->new_file.path;
    if ((d->status == GIT_DELTA_MODIFIED || d->status == GIT_DELTA_RENAMED || d->status == GIT_DELTA_COPIED ||
         d->status == GIT_DELTA_TYPECHANGE) &&
        !git_oid_is_zero(&d->old_file.id))
      t.parent_versions.push_back(d->old_file.id);
    plan.blobs.push_back(std::move(t));
  }
  return plan;
}

class Progress {
 public:
  Progress(bool enabled, uint64_t total) : enabled_(enabled), total_(total), t0_(std::chrono::steady_clock::now()) {
    if (enabled_) thread_ = std::thread([this] { loop(); });
  }
  ~Progress() {
    if (!enabled_) return;
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    std::fputs("\r\x1b[K", stderr);
  }
  std::atomic<uint64_t> blobs{0}, bytes{0};

 private:
  void loop() {
    std::unique_lock<std::mutex> l(mu_);
    while (!cv_.wait_for(l, std::chrono::milliseconds(250), [&] { return stop_; })) draw();
  }
  void draw() {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    const uint64_t b = blobs.load(), n = bytes.load();
    const double rate = secs > 0 ? n / secs / 1e6 : 0;
    const double eta = b > 0 ? secs * (static_cast<double>(total_) - b) / b : 0;
    std::fprintf(stderr, "\r\x1b[Kleakgate: %llu/%llu blobs (%.0f%%), %.1f MB, %.1f MB/s, ETA %.0fs",
                 static_cast<unsigned long long>(b), static_cast<unsigned long long>(total_),
                 total_ ? 100.0 * b / total_ : 100.0, n / 1e6, rate, eta);
  }
  bool enabled_;
  uint64_t total_;
  std::chrono::steady_clock::time_point t0_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

struct WorkerOut {
  std::vector<std::pair<uint32_t, Finding>> findings;  // (commit index, finding)
  std::vector<InputError> errors;
  std::vector<std::string> too_large, missing;
  ScanStats stats;
};

}  // namespace

bool git_commit_exists(const std::string& repo_path, const std::string& sha) {
  GitRepository repo = open_repository(repo_path, true);
  git_oid id;
  if (git_oid_fromstr(&id, sha.c_str()) < 0) return false;
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo.get(), &id) < 0) return false;
  git_commit_free(c);
  return true;
}

std::vector<std::string> tracked_env_files(const std::string& repo_path, bool trust_repo) {
  std::vector<std::string> out;
  GitRepository repo = open_repository(repo_path, trust_repo);
  git_index* raw = nullptr;
  if (git_repository_index(&raw, repo.get()) < 0) return out;
  GitIndex index(raw);
  const size_t n = git_index_entrycount(index.get());
  for (size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index.get(), i);
    const std::string path = e->path;
    const size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name != ".env" && name.rfind(".env.", 0) != 0) continue;
    if (name == ".env.example" || name == ".env.sample" || name == ".env.template") continue;
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, repo.get(), path.c_str()) == 0 && ignored) continue;
    out.push_back(path);
  }
  return out;
}

std::filesystem::path git_config_root(const std::string& path, bool trust_repo) {
  GitRepository repo = open_repository(path, trust_repo);
  const char* wd = git_repository_workdir(repo.get());
  return wd ? std::filesystem::path(wd) : std::filesystem::path(git_repository_path(repo.get()));
}

ScanResult scan_git(const GitScanOptions& options, std::shared_ptr<const CompiledRuleset> rules,
                    GitScanSummary* summary) {
  const auto t0 = std::chrono::steady_clock::now();
  GitRepository repo = open_repository(options.repo, options.trust_repo);
  const std::string gitdir = git_repository_path(repo.get());
  const bool subtract = options.staged || options.history.introduced_only();
  HistoryPlan plan = options.staged ? plan_staged(repo.get()) : plan_history(repo.get(), options.history);
  repo.reset();
  const double plan_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const unsigned threads = std::max<unsigned>(
      1, std::min<unsigned>(options.threads ? options.threads : std::thread::hardware_concurrency(),
                            static_cast<unsigned>(std::max<size_t>(1, plan.blobs.size() / 8))));
  std::vector<WorkerOut> outs(threads);
  std::atomic<size_t> next{0};
  std::mutex error_mu;
  Progress progress(options.progress, plan.blobs.size());

  auto worker = [&](WorkerOut& out) {
    struct CountMatches {
      ScanStats& stats;
      const ContentScanner* scanner = nullptr;
      ~CountMatches() {
        if (!scanner) return;
        stats.hs_hits += scanner->stats().hs_hits;
        stats.confirm_ranges += scanner->stats().ranges_confirmed;
        stats.matches += scanner->stats().matches;
      }
    } count{out.stats};
    git_repository* r_raw = nullptr;
    if (git_repository_open(&r_raw, gitdir.c_str()) < 0) {
      out.errors.push_back({gitdir, git_error_text(-1, "opening the repository in a worker")});
      return;
    }
    GitRepository r(r_raw);
    git_odb* odb_raw = nullptr;
    if (git_repository_odb(&odb_raw, r.get()) < 0) {
      out.errors.push_back({gitdir, git_error_text(-1, "opening the object database")});
      return;
    }
    GitOdb odb(odb_raw);
    ContentScanner scanner(rules, options.content);
    count.scanner = &scanner;
    std::vector<Finding> found;
    std::map<std::string, std::set<std::pair<std::string, std::string>>> parent_cache;  // blob → (rule, secret)

    auto fail = [&](const BlobTask& t, const std::string& reason) {
      InputError e{oid_hex(t.blob) + " (" + t.path + ")", reason};
      if (options.on_error) {
        std::lock_guard<std::mutex> l(error_mu);
        options.on_error(e);
      }
      out.errors.push_back(std::move(e));
      ++out.stats.unreadable;
    };
    // Reads one blob; false (and the reason recorded) if it cannot be read.
    auto read = [&](const git_oid& id, GitOdbObject& obj, std::string& why) {
      git_odb_object* o = nullptr;
      const int rc = git_odb_read(&o, odb.get(), &id);
      if (rc < 0) {
        why = rc == GIT_ENOTFOUND ? "missing from the object database (partial or shallow clone?)"
                                  : git_error_text(rc, "unreadable object");
        return false;
      }
      obj.reset(o);
      return true;
    };

    constexpr size_t kBatch = 16;
    for (;;) {
      const size_t begin = next.fetch_add(kBatch);
      if (begin >= plan.blobs.size()) break;
      const size_t end = std::min(begin + kBatch, plan.blobs.size());
      for (size_t i = begin; i < end; ++i) {
        const BlobTask& t = plan.blobs[i];
        if (options.max_blob_size) {
          size_t size = 0;
          git_object_t type;
          if (git_odb_read_header(&size, &type, odb.get(), &t.blob) == 0 && size > options.max_blob_size) {
            out.too_large.push_back(oid_hex(t.blob) + " " + t.path);
            progress.blobs++;
            continue;
          }
        }
        GitOdbObject obj;
        std::string why;
        if (!read(t.blob, obj, why)) {
          if (why.rfind("missing", 0) == 0) out.missing.push_back(oid_hex(t.blob) + " " + t.path);
          fail(t, why);
          progress.blobs++;
          continue;
        }
        const std::string_view data(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
        const GitProvenance& prov = plan.commits[t.commit];
        found.clear();
        scanner.scan_buffer(data, ScanTarget{t.path, prov.commit}, found);
        out.stats.bytes += data.size();
        ++out.stats.files;
        progress.bytes += data.size();
        progress.blobs++;
        obj.reset();  // only the blob being scanned is held
        if (found.empty()) continue;

        std::set<std::pair<std::string, std::string>> old;
        if (subtract) {
          for (const git_oid& pv : t.parent_versions) {
            const std::string key = oid_hex(pv);
            auto it = parent_cache.find(key);
            if (it == parent_cache.end()) {
              GitOdbObject pobj;
              std::string pwhy;
              std::set<std::pair<std::string, std::string>> secrets;
              if (read(pv, pobj, pwhy)) {
                std::vector<Finding> pf;
                scanner.scan_buffer(std::string_view(static_cast<const char*>(git_odb_object_data(pobj.get())),
                                                     git_odb_object_size(pobj.get())),
                                    ScanTarget{t.path, {}}, pf);
                for (auto& f : pf) secrets.emplace(f.rule_id, std::move(f.secret));
              }
              it = parent_cache.emplace(key, std::move(secrets)).first;
            }
            old.insert(it->second.begin(), it->second.end());
          }
        }
        for (Finding& f : found) {
          if (old.count({f.rule_id, f.secret})) continue;  // already there before this change
          if (!options.staged) {
            f.git = prov;
            f.git->blob = oid_hex(t.blob);
          }
          out.findings.emplace_back(t.commit, std::move(f));
        }
      }
    }
  };

  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker, std::ref(outs[i]));
  for (auto& th : pool) th.join();

  // One secret at one place is one finding: the same fingerprint in many blobs (a file edited
  // many times) is reported once, at the earliest commit that introduced it.
  std::map<std::string, std::pair<uint32_t, Finding>> best;
  ScanResult result;
  GitScanSummary sum;
  for (auto& o : outs) {
    for (auto& [idx, f] : o.findings) {
      const std::string key = f.fingerprint;  // read before f is moved into the map
      auto it = best.find(key);
      if (it == best.end() || idx < it->second.first) best[key] = {idx, std::move(f)};
    }
    result.stats.add(o.stats);
    std::move(o.errors.begin(), o.errors.end(), std::back_inserter(result.errors));
    std::move(o.too_large.begin(), o.too_large.end(), std::back_inserter(sum.too_large));
    std::move(o.missing.begin(), o.missing.end(), std::back_inserter(sum.missing));
  }
  for (auto& [fp, v] : best) result.findings.push_back(std::move(v.second));
  std::sort(result.findings.begin(), result.findings.end(), finding_less);
  std::sort(result.errors.begin(), result.errors.end(), [](const auto& a, const auto& b) { return a.what < b.what; });
  std::sort(sum.too_large.begin(), sum.too_large.end());
  std::sort(sum.missing.begin(), sum.missing.end());
  sum.commits = plan.commits_walked;
  sum.blobs = plan.blobs.size();
  sum.gitlinks = plan.gitlinks;
  sum.plan_seconds = plan_seconds;
  result.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (summary) *summary = std::move(sum);
  return result;
}

}  // namespace leakgate
