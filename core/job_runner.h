// naskit's one executor for long, resumable work made of independent jobs: search suites (`run`),
// predictor suites (`eval-predictors`), benchmark builds (`bench build`) and zero-cost scoring
// (`zc`) all run through it.
//
// Two layers:
// - RunJobPool: jobs on a thread pool, with a stop flag (Ctrl-C), the first failure stopping the
//   pool, progress, and periodic checkpoints of what the jobs committed (`zc` keeps its scores in
//   the benchmark file itself and writes it every few minutes).
// - RunJobs: keyed jobs whose results are files `<folder>/<key>.json`, each written atomically.
//   Finished jobs are skipped, so an interrupted run resumes where it stopped and a finished one
//   does nothing. A folder holds one definition (a suite's canonical YAML, a build's settings) and
//   the checksums of its inputs, recorded by the first run and checked by every later one. Jobs run
//   on threads in this process, or, where each job needs a process of its own (LibTorch's thread
//   settings are per process), in worker processes that each run one shard (RunJobsInProcesses).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/progress.h"

namespace naskit {

struct JobPoolOptions {
  std::size_t threads = 1;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT) to stop after the jobs in flight
  Progress* progress = nullptr;             // advanced once per committed job
  // Called under the pool's lock every `checkpoint_seconds` and once after the last job (also
  // when a job failed or the pool was stopped), so that whatever was committed is kept.
  std::function<void()> checkpoint{};
  int checkpoint_seconds = 300;
};

// Runs work(i) for i in [0, count) on up to `threads` threads. work(i) runs outside any lock and
// returns what to commit (or an empty function); commits run one at a time, in completion order.
// The first exception stops the pool (jobs in flight finish) and is rethrown after the final
// checkpoint. Returns the number of jobs committed.
std::size_t RunJobPool(std::size_t count,
                       const std::function<std::function<void()>(std::size_t)>& work,
                       const JobPoolOptions& options);

struct RunnerOptions {
  std::string out_dir;  // default: results/<folder name>
  int jobs = 1;
  int shard_index = 1;  // 1-based: this process runs jobs i, i+n, i+2n, ... (1-based)
  int shard_count = 1;
  bool progress = true;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT) to stop after the jobs in flight
};

struct RunnerSummary {
  std::size_t planned = 0;  // in this shard
  std::size_t already_done = 0;
  std::size_t completed = 0;
  bool interrupted = false;
  std::string out_dir;
};

// What a results folder holds, and what the first run records there.
struct JobFolder {
  std::string command;  // for the progress line: "run", "eval-predictors", "bench build"
  std::string name;     // the suite's or build's name: default folder results/<name>
  // The definition every job of the folder was computed from, recorded as `definition_file`; a
  // later run with another definition is refused with "<folder> holds <what_differs>".
  std::string definition_file = "suite.yaml";
  std::string definition{};
  std::string what_differs = "results of a different suite (or of other --set overrides)";
  // The checksums of the inputs (benchmark files), recorded as benchmark.checksum; none if empty.
  std::string checksums{};  // e.g. "fnv1a64:...\n"
  std::string inputs{};     // the input files, for the message when checksums differ
  // Record every job's key in `<out>/planned.txt`, so that a report can say which are missing.
  bool record_planned = false;
};

// The flag SIGINT and SIGTERM set once InstallStopHandlers() has run: runners start no new job
// (RunnerOptions::stop), and evaluators report work that ends meanwhile as interrupted, not as
// failed (a scheduler that cancels a search also cancels its trainings).
std::atomic<bool>& StopRequested();
void InstallStopHandlers();

// The file of a results folder that lists the keys of the jobs its definition plans, one a line.
inline constexpr const char* kPlannedJobsFile = "planned.txt";

// The share of a folder's jobs one process runs, {i, n} (jobs i, i+n, ...): `text` as "i/n" with
// 1 <= i <= n <= 100000; empty: the task's share of a Slurm job array when naskit runs as one
// (SLURM_ARRAY_TASK_ID, _MIN, _STEP and _COUNT), else {1, 1}. Throws ConfigError naming `text`.
std::pair<int, int> ResolveShard(const std::string& text);

// The items of share {i, n} (ResolveShard): every n-th from the i-th, as RunJobs shares jobs.
template <class T>
std::vector<T> ShareOf(const std::vector<T>& items, std::pair<int, int> shard) {
  std::vector<T> share;
  for (std::size_t k = static_cast<std::size_t>(shard.first - 1); k < items.size();
       k += static_cast<std::size_t>(shard.second)) {
    share.push_back(items[k]);
  }
  return share;
}

// Throws ConfigError for --jobs outside [1, 1024] or a bad --shard.
void CheckRunnerOptions(const RunnerOptions& options);

// Checks the options, claims or checks the folder, then runs `run(i)` for each job i of this shard
// whose `<out_dir>/<keys[i]>.json` does not exist yet, on `jobs` threads, and writes what it
// returns there. The first exception stops the pool and is rethrown.
RunnerSummary RunJobs(const JobFolder& folder, const std::vector<std::string>& keys,
                      const std::function<std::string(std::size_t)>& run,
                      const RunnerOptions& options);

// As RunJobs, with the jobs run by `options.jobs` worker processes: worker w of n is started as
// `worker_command(w, n)` (argv, argv[0] an executable path) and must run
// RunJobs(folder, keys, run, {.out_dir, .shard_index = w + 1, .shard_count = n, .progress =
// false}). Workers die with this process. A worker that fails stops the others and is an IoError
// (finished jobs are kept); `options.stop` stops them (SIGTERM).
RunnerSummary RunJobsInProcesses(
    const JobFolder& folder, const std::vector<std::string>& keys,
    const std::function<std::vector<std::string>(int, int)>& worker_command,
    const RunnerOptions& options);

}  // namespace naskit
