#include "cli/hook_installer.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scanner/source/git/git_handles.h"
#include "scanner/util/error.h"

namespace leakgate {

std::string_view embedded_hook_pre_commit();  // generated from hooks/pre-commit
std::string_view embedded_hook_pre_push();    // generated from hooks/pre-push

namespace {

namespace fs = std::filesystem;
constexpr std::string_view kMarker = "leakgate-hook:";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// The hooks directory git uses for this repository: core.hooksPath (relative to the work tree)
// or <git dir>/hooks.
fs::path hooks_dir(git_repository* repo) {
  git_config* cfg = nullptr;
  fs::path dir;
  if (git_repository_config_snapshot(&cfg, repo) == 0) {
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, cfg, "core.hooksPath") == 0 && buf.ptr && *buf.ptr) {
      dir = buf.ptr;
      if (dir.is_relative()) {
        const char* wd = git_repository_workdir(repo);
        dir = fs::path(wd ? wd : git_repository_path(repo)) / dir;
      }
    }
    git_buf_dispose(&buf);
    git_config_free(cfg);
  }
  if (dir.empty()) dir = fs::path(git_repository_commondir(repo)) / "hooks";
  return dir;
}

}  // namespace

std::string install_hook(const HookInstallOptions& o) {
  if (o.hook != "pre-commit" && o.hook != "pre-push") throw Error("unknown hook '" + o.hook + "'");
  GitRepository repo = open_repository(o.repo, o.trust_repo);
  const fs::path dir = hooks_dir(repo.get());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create the hooks directory '" + dir.string() + "': " + ec.message());
  const fs::path hook = dir / o.hook;
  const fs::path chained = dir / (o.hook + ".pre-leakgate");

  std::string script(o.hook == "pre-commit" ? embedded_hook_pre_commit() : embedded_hook_pre_push());
  std::string done;
  bool chain = false;
  const bool exists = fs::exists(fs::symlink_status(hook, ec));
  if (exists && read(hook).find(kMarker) != std::string::npos) {
    chain = fs::exists(fs::symlink_status(chained, ec));  // ours already: refresh it, keep its chain
    done = "updated the leakgate " + o.hook + " hook";
  } else if (exists) {
    struct stat st;
    const bool runnable = ::stat(hook.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR);
    const bool slot_free = !fs::exists(fs::symlink_status(chained, ec));
    if (runnable && slot_free) {
      fs::rename(hook, chained, ec);
      if (ec) throw Error("cannot move the existing hook aside: " + ec.message());
      chain = true;
      done = "installed the leakgate " + o.hook + " hook; your existing hook now runs first from " + chained.string();
    } else if (o.force) {
      const fs::path backup = dir / (o.hook + ".leakgate-backup");
      fs::rename(hook, backup, ec);
      if (ec) throw Error("cannot back up the existing hook: " + ec.message());
      done = "replaced the existing " + o.hook + " hook (saved as " + backup.string() + ")";
    } else {
      throw Error("an existing " + o.hook + " hook at '" + hook.string() + "' cannot be chained (" +
                  (runnable ? chained.string() + " already exists" : std::string("it is not an executable file")) +
                  "); rerun with --force to replace it (it is kept as " + o.hook + ".leakgate-backup)");
    }
  } else {
    done = "installed the leakgate " + o.hook + " hook";
  }

  if (!o.leakgate_path.empty()) {
    const std::string line = "LEAKGATE=${LEAKGATE:-leakgate}";
    if (auto at = script.find(line); at != std::string::npos)
      script.replace(at, line.size(), "LEAKGATE=${LEAKGATE:-" + shell_quote(o.leakgate_path) + "}");
  }
  if (chain) {
    const std::string mark = "# leakgate:chain\n";
    const std::string run = o.hook == "pre-push"
        ? "printf '%s\\n' \"$input\" | \"$(dirname \"$0\")/" + o.hook + ".pre-leakgate\" \"$@\" || exit $?\n"
        : "\"$(dirname \"$0\")/" + o.hook + ".pre-leakgate\" \"$@\" || exit $?\n";
    if (auto at = script.find(mark); at != std::string::npos) script.insert(at + mark.size(), run);
  }
  const fs::path tmp = dir / (o.hook + ".leakgate-tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << script;
    if (!out) throw Error("cannot write '" + tmp.string() + "'");
  }
  fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec, ec);
  fs::rename(tmp, hook, ec);
  if (ec) throw Error("cannot install '" + hook.string() + "': " + ec.message());
  return done + " at " + hook.string();
}

}  // namespace leakgate
