// Child processes; see child_process.h.
#include "core/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/errors.h"

namespace naskit {

namespace {

// Starts `args`; `stdin_fd` and `stdout_fd` (or -1) become the child's stdin and stdout.
pid_t Start(const std::vector<std::string>& args, const ChildOptions& options, int stdin_fd,
            int stdout_fd) {
  // Everything the child needs is prepared before fork: after it, in a multi-threaded parent, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> strings = args;
  std::vector<char*> argv;
  for (auto& a : strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log = -1;
  if (!options.log_path.empty()) {
    log = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0) {
      throw IoError(options.log_path + ": cannot create (" + std::strerror(errno) + ")");
    }
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    if (log >= 0) ::close(log);
    throw IoError(args.front() + ": cannot start a process (" + std::strerror(errno) + ")");
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    if (stdin_fd >= 0) ::dup2(stdin_fd, STDIN_FILENO);
    if (stdout_fd >= 0) ::dup2(stdout_fd, STDOUT_FILENO);
    for (const auto& [name, value] : options.environment) ::setenv(name.c_str(), value.c_str(), 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (log >= 0) ::close(log);
  return pid;
}

}  // namespace

pid_t StartChild(const std::vector<std::string>& args, const ChildOptions& options) {
  return Start(args, options, -1, -1);
}

pid_t StartChildWithPipes(const std::vector<std::string>& args, const ChildOptions& options,
                          ChildPipes& pipes) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw IoError(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    throw IoError(std::string("pipe: ") + std::strerror(errno));
  }
  pid_t pid = -1;
  try {
    pid = Start(args, options, in[0], out[1]);
  } catch (...) {
    for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
    throw;
  }
  ::close(in[0]);
  ::close(out[1]);
  pipes = {in[1], out[0]};
  return pid;
}

std::optional<int> TryReapChild(pid_t pid) {
  int status = 0;
  const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
  if (reaped == pid) return status;
  // Not a child of ours (any more): there is nothing to wait for; say so as a kill would.
  if (reaped < 0 && errno == ECHILD) return W_EXITCODE(0, SIGKILL);
  return std::nullopt;
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  return "signal " + std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) + ")";
}

std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  const std::string folders = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= folders.size();) {
    const std::size_t colon = std::min(folders.find(':', start), folders.size());
    std::string candidate = folders.substr(start, colon - start) + "/" + name;
    if (colon > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = colon + 1;
  }
  return "";
}

}  // namespace naskit
