#include "scanner/source/git/git_queries.h"

#include <optional>

#include "scanner/source/git/git_handles.h"

namespace leakgate {

bool git_commit_exists(const std::string& repo_path, const std::string& sha) {
  GitRepository repo = open_repository(repo_path, true);
  git_oid id;
  if (git_oid_fromstr(&id, sha.c_str()) < 0) return false;
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo.get(), &id) < 0) return false;
  git_commit_free(c);
  return true;
}

std::shared_ptr<GitCommand> start_env_listing(const std::string& repo) {
  // Paths from the top of the work tree, wherever `repo` points inside it.
  return std::make_shared<GitCommand>(GitCommand::start(
      {"ls-files", "-z", "--cached", "--full-name", "--", ":(top,glob)**/.env", ":(top,glob)**/.env.*"}, repo));
}

std::vector<std::string> tracked_env_files(const std::string& repo_path, bool trust_repo, GitCommand* listing) {
  auto is_env = [](const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name != ".env" && name.rfind(".env.", 0) != 0) return false;
    return name != ".env.example" && name != ".env.sample" && name != ".env.template";
  };
  std::vector<std::string> candidates;
  std::optional<std::string> listed = listing ? listing->finish() : std::nullopt;
  GitRepository repo = open_repository(repo_path, trust_repo);
  if (listed) {
    for (size_t pos = 0; pos < listed->size();) {
      std::string path = next_nul_field(*listed, pos);
      if (!path.empty() && is_env(path)) candidates.push_back(std::move(path));
    }
  } else {
    git_index* raw = nullptr;
    if (git_repository_index(&raw, repo.get()) < 0) return {};
    GitIndex index(raw);
    const size_t n = git_index_entrycount(index.get());
    for (size_t i = 0; i < n; ++i) {
      const std::string path = git_index_get_byindex(index.get(), i)->path;
      if (is_env(path)) candidates.push_back(path);
    }
  }
  std::vector<std::string> out;
  for (const auto& path : candidates) {
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

}  // namespace leakgate
