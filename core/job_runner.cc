// The job runner; see job_runner.h.
#include "core/job_runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/child_process.h"
#include "core/errors.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

// One results folder holds one definition: refuse to mix results of different suites, overrides,
// build settings or benchmark versions.
void ClaimFolder(const JobFolder& folder, const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw IoError(out_dir + ": cannot create results folder (" + ec.message() + ")");
  // The first run in a folder creates the definition exclusively, so that of two different suites
  // started at once exactly one is refused (no exists-then-write window).
  const std::string definition = out_dir + "/" + folder.definition_file;
  if (!CreateFileAtomically(definition, folder.definition) &&
      ReadFileContents(definition) != folder.definition) {
    throw ConfigError(out_dir + " holds " + folder.what_differs +
                      "; choose another --out or remove the folder");
  }
  if (folder.checksums.empty()) return;
  const std::string checksum_file = out_dir + "/benchmark.checksum";
  if (!CreateFileAtomically(checksum_file, folder.checksums)) {
    if (const std::string recorded = ReadFileContents(checksum_file);
        recorded != folder.checksums) {
      auto line = [](const std::string& text) {
        return text.substr(0, text.find_last_not_of('\n') + 1);
      };
      throw ConfigError(out_dir + " holds results computed on another version of " + folder.inputs +
                        " (checksum " + line(recorded) + ", now " + line(folder.checksums) +
                        "); choose another --out or remove the folder");
    }
  }
}

std::string ResultPath(const std::string& out_dir, const std::string& key) {
  return out_dir + "/" + key + ".json";
}

// Claims the folder and sorts this shard's jobs into done and to do.
struct ShardPlan {
  RunnerSummary summary;
  std::vector<std::size_t> todo;
};

ShardPlan PlanShard(const JobFolder& folder, const std::vector<std::string>& keys,
                    const RunnerOptions& options) {
  CheckRunnerOptions(options);
  ShardPlan plan;
  plan.summary.out_dir = options.out_dir.empty() ? "results/" + folder.name : options.out_dir;
  ClaimFolder(folder, plan.summary.out_dir);
  if (folder.record_planned) {
    // The same definition plans the same keys: a folder claimed before keeps its list.
    std::string planned;
    for (const auto& key : keys) planned += key + "\n";
    CreateFileAtomically(plan.summary.out_dir + "/" + kPlannedJobsFile, planned);
  }
  RemoveStaleTemporaries(plan.summary.out_dir);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(options.shard_count)) !=
        options.shard_index - 1)
      continue;
    ++plan.summary.planned;
    if (fs::exists(ResultPath(plan.summary.out_dir, keys[i]))) {
      ++plan.summary.already_done;
    } else {
      plan.todo.push_back(i);
    }
  }
  return plan;
}

// A whole non-negative number from an environment variable, or nullopt.
std::optional<long> EnvironmentNumber(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  long value = 0;
  const auto [end, ec] = std::from_chars(text, text + std::strlen(text), value);
  if (ec != std::errc() || *end != '\0' || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::atomic<bool>& StopRequested() {
  static std::atomic<bool> stop{false};
  return stop;
}

namespace {
extern "C" void OnStopSignal(int) { StopRequested() = true; }
}  // namespace

void InstallStopHandlers() {
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
}

std::pair<int, int> ResolveShard(const std::string& text) {
  if (text.empty()) {
    const auto id = EnvironmentNumber("SLURM_ARRAY_TASK_ID");
    const auto count = EnvironmentNumber("SLURM_ARRAY_TASK_COUNT");
    if (!id || !count || *count < 1) return {1, 1};
    const long min = EnvironmentNumber("SLURM_ARRAY_TASK_MIN").value_or(0);
    const long step = std::max(1L, EnvironmentNumber("SLURM_ARRAY_TASK_STEP").value_or(1));
    const long index = (*id - min) / step + 1;
    if (index < 1 || index > *count) {
      throw ConfigError(
          fmt::format("Slurm array task {} is not one of the {} tasks from {} in steps of {} "
                      "(SLURM_ARRAY_TASK_ID, _MIN, _STEP, _COUNT)",
                      *id, *count, min, step));
    }
    return {static_cast<int>(index), static_cast<int>(*count)};
  }
  int index = 0, count = 0;
  auto number = [](std::string_view digits, int& out) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc() && end == digits.data() + digits.size() && !digits.empty();
  };
  const std::string_view view(text);
  const auto slash = view.find('/');
  if (slash == std::string_view::npos || !number(view.substr(0, slash), index) ||
      !number(view.substr(slash + 1), count) || index < 1 || count > 100000 || index > count) {
    throw ConfigError("--shard: expected i/n with 1 <= i <= n <= 100000, e.g. 2/8 (got " +
                      Quote(text) + ")");
  }
  return {index, count};
}

std::size_t RunJobPool(std::size_t count,
                       const std::function<std::function<void()>(std::size_t)>& work,
                       const JobPoolOptions& options) {
  std::mutex mutex;  // guards the commits, the checkpoint, `failure` and `finished`
  std::condition_variable changed;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::size_t finished = 0, committed = 0;
  auto fail = [&](const std::exception_ptr& e) {  // under the lock
    if (!failure) failure = e;
    failed = true;
  };
  auto stopping = [&] { return failed.load() || (options.stop && options.stop->load()); };
  auto worker = [&] {
    try {
      for (std::size_t i; !stopping() && (i = next++) < count;) {
        const std::function<void()> commit = work(i);
        const std::lock_guard lock(mutex);
        if (commit) commit();
        ++committed;
        if (options.progress) options.progress->Advance();
      }
    } catch (...) {
      const std::lock_guard lock(mutex);
      fail(std::current_exception());
    }
    const std::lock_guard lock(mutex);
    ++finished;
    changed.notify_all();
  };
  const std::size_t thread_count = std::min(std::max<std::size_t>(options.threads, 1), count);
  std::vector<std::jthread> threads;
  for (std::size_t t = 0; t < thread_count; ++t) threads.emplace_back(worker);
  for (std::unique_lock lock(mutex); finished < thread_count;) {
    const bool all_finished =
        changed.wait_for(lock, std::chrono::seconds(options.checkpoint_seconds),
                         [&] { return finished == thread_count; });
    if (!all_finished && options.checkpoint) {
      try {
        options.checkpoint();
      } catch (...) {  // stops the workers; the final checkpoint reports it again if it persists
        fail(std::current_exception());
      }
    }
  }
  threads.clear();  // joins
  if (options.checkpoint && count > 0) {
    try {
      options.checkpoint();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return committed;
}

void CheckRunnerOptions(const RunnerOptions& options) {
  // More threads than this only cost memory: runs are CPU-bound and write one small file each.
  constexpr int kMaxJobs = 1024;
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    throw ConfigError(fmt::format("--jobs must be in [1, {}] (got {})", kMaxJobs, options.jobs));
  }
  if (options.shard_count < 1 || options.shard_index < 1 ||
      options.shard_index > options.shard_count) {
    throw ConfigError(fmt::format("--shard must be i/n with 1 <= i <= n (got {}/{})",
                                  options.shard_index, options.shard_count));
  }
}

RunnerSummary RunJobs(const JobFolder& folder, const std::vector<std::string>& keys,
                      const std::function<std::string(std::size_t)>& run,
                      const RunnerOptions& options) {
  ShardPlan plan = PlanShard(folder, keys, options);
  RunnerSummary& summary = plan.summary;
  std::optional<Progress> progress;
  if (options.progress && !plan.todo.empty())
    progress.emplace("naskit " + folder.command + " " + folder.name, plan.todo.size());
  // Each result is written by the thread that computed it: the write is atomic, and writing
  // outside the pool's lock keeps --jobs threads from queueing behind each other's fsync.
  summary.completed = RunJobPool(plan.todo.size(),
                                 [&](std::size_t i) -> std::function<void()> {
                                   const std::size_t job = plan.todo[i];
                                   std::string text;
                                   try {
                                     text = run(job);
                                   } catch (...) {
                                     RethrowWithContext(folder.command + " " + keys[job]);
                                   }
                                   const std::string path = ResultPath(summary.out_dir, keys[job]);
                                   std::error_code dir_error;
                                   fs::create_directories(fs::path(path).parent_path(), dir_error);
                                   WriteFileAtomically(path, text);
                                   return {};
                                 },
                                 {.threads = static_cast<std::size_t>(options.jobs),
                                  .stop = options.stop,
                                  .progress = progress ? &*progress : nullptr});
  if (progress) progress->Finish();
  summary.interrupted = summary.already_done + summary.completed < summary.planned;
  return summary;
}

RunnerSummary RunJobsInProcesses(
    const JobFolder& folder, const std::vector<std::string>& keys,
    const std::function<std::vector<std::string>(int, int)>& worker_command,
    const RunnerOptions& options) {
  ShardPlan plan = PlanShard(folder, keys, options);
  RunnerSummary& summary = plan.summary;
  if (plan.todo.empty()) return summary;
  auto count_done = [&] {
    std::size_t n = 0;
    for (std::size_t job : plan.todo) n += fs::exists(ResultPath(summary.out_dir, keys[job]));
    return n;
  };
  const int workers = std::min<int>(options.jobs, static_cast<int>(plan.todo.size()));
  std::vector<pid_t> children;
  for (int w = 0; w < workers; ++w) {
    children.push_back(StartChild(worker_command(w, workers)));
  }
  std::optional<Progress> progress;
  if (options.progress) progress.emplace("naskit " + folder.command, plan.todo.size());
  std::size_t reported = 0;
  int failed_status = 0;
  auto stopped = [&] { return options.stop && options.stop->load(); };
  while (!children.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (auto it = children.begin(); it != children.end();) {
      if (const auto status = TryReapChild(*it)) {
        if (!(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)) failed_status = *status;
        it = children.erase(it);
      } else {
        ++it;
      }
    }
    const std::size_t done = count_done();
    if (progress) progress->Advance(done - reported);
    reported = done;
    if (stopped() || failed_status) {
      for (pid_t pid : children) ::kill(pid, SIGTERM);
      for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
      children.clear();
    }
  }
  if (progress) progress->Finish();
  summary.completed = count_done();
  if (failed_status && !stopped()) {
    throw IoError(fmt::format(
        "naskit {}: a worker failed ({}); its error is above. Finished jobs are kept in {}; run "
        "the same command again to resume",
        folder.command, DescribeStatus(failed_status), summary.out_dir));
  }
  summary.interrupted = summary.already_done + summary.completed < summary.planned;
  return summary;
}

}  // namespace naskit
