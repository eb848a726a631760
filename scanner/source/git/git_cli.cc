#include "scanner/source/git/git_cli.h"

#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

extern char** environ;

namespace leakgate {

GitCommand GitCommand::start(const std::vector<std::string>& args, const std::string& cwd) {
  GitCommand c;
  std::vector<std::string> argv_s{"git", "-C", cwd};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return c;
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "git", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return c;
  c.pid_ = pid;
  c.out_ = std::move(read_end);
  return c;
}

GitCommand::GitCommand(GitCommand&& o) noexcept : pid_(std::exchange(o.pid_, -1)), out_(std::move(o.out_)) {}

int GitCommand::reap() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return status;
}

GitCommand::~GitCommand() {
  // Closing the pipe first lets a git still writing end (SIGPIPE) instead of blocking the wait.
  out_ = UniqueFd();
  if (pid_ > 0) reap();
}

std::optional<std::string> GitCommand::finish() {
  if (pid_ <= 0) return std::nullopt;
  std::string data;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(out_.get(), buf, sizeof buf);
    if (n > 0) data.append(buf, static_cast<size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  out_ = UniqueFd();
  const int status = reap();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return data;
}

std::string next_nul_field(const std::string& out, size_t& pos) {
  const size_t end = out.find('\0', pos);
  std::string field = out.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  pos = end == std::string::npos ? out.size() : end + 1;
  return field;
}

std::optional<std::string> run_git(const std::vector<std::string>& args, const std::string& cwd) {
  return GitCommand::start(args, cwd).finish();
}

}  // namespace leakgate
