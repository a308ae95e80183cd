// Child processes: naskit's workers (`bench build`'s shards, the training evaluator's trainings)
// are programs started with fork/exec that must not outlive naskit.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace naskit {

struct ChildOptions {
  // Where the child's stdout and stderr go (created or truncated); empty: naskit's own.
  std::string log_path{};
  // Environment variables set in the child only (e.g. CUDA_VISIBLE_DEVICES).
  std::vector<std::pair<std::string, std::string>> environment{};
};

// Starts `argv` (argv[0] an executable path). The child is killed with SIGKILL when naskit dies,
// so that a resumed run never runs beside orphans. Throws IoError if it cannot be started; a
// program that cannot be executed exits with status 127.
pid_t StartChild(const std::vector<std::string>& argv, const ChildOptions& options = {});

// The parent's ends of a child's standard input and output.
struct ChildPipes {
  int to_child = -1;    // write: the child's stdin
  int from_child = -1;  // read: the child's stdout
};

// StartChild with the child's stdin and stdout connected to `pipes` (its stderr to the log, or
// naskit's); the caller closes them.
pid_t StartChildWithPipes(const std::vector<std::string>& argv, const ChildOptions& options,
                          ChildPipes& pipes);

// The wait status of `pid` if it has ended (reaped), else nullopt; never blocks. Only waits for
// the given pid, so that several callers in one process never reap each other's children. A pid
// that is no child (already reaped) reads as killed by SIGKILL.
std::optional<int> TryReapChild(pid_t pid);

// The path of executable `name` in $PATH, or empty when there is none.
std::string FindProgram(const std::string& name);

// "exit status 3", "signal 9 (Killed)".
std::string DescribeStatus(int status);

}  // namespace naskit
