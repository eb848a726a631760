// `leakgate hook install [--pre-commit|--pre-push] [--force] [REPO]`
#include <unistd.h>

#include <climits>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/hook_installer.h"

namespace leakgate::cli {

namespace {

std::string self_path() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

void add_hook_command(CLI::App& app, int& exit_code) {
  struct Args {
    HookInstallOptions opts;
    bool pre_commit = false, pre_push = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* hook = app.add_subcommand("hook", "install leakgate as a git hook");
  hook->require_subcommand(1);
  CLI::App* install = hook->add_subcommand("install", "install the pre-commit (default) or pre-push hook");
  install->add_option("repo", args->opts.repo, "repository")->capture_default_str();
  install->add_flag("--pre-commit", args->pre_commit, "the pre-commit hook (default)");
  install->add_flag("--pre-push", args->pre_push, "the pre-push hook");
  install->add_flag("--force", args->opts.force, "replace an existing hook that cannot be chained (it is backed up)");
  install->add_flag("--trust-repo", args->opts.trust_repo, "a repository owned by another user");
  install->callback([args, &exit_code] {
    args->opts.leakgate_path = self_path();
    std::vector<std::string> hooks;
    if (args->pre_commit || !args->pre_push) hooks.push_back("pre-commit");
    if (args->pre_push) hooks.push_back("pre-push");
    for (const auto& h : hooks) {
      HookInstallOptions o = args->opts;
      o.hook = h;
      std::cout << "leakgate: " << install_hook(o) << '\n';
    }
    exit_code = 0;
  });
}

}  // namespace leakgate::cli
