// Runs the keyed jobs of a suite into a results folder, one result file per job, each written
// atomically, on a thread pool (or one shard of them). Finished jobs are skipped, so an interrupted
// suite resumes where it stopped and a finished one does nothing. A folder holds one suite: its
// canonical YAML and the checksums of its benchmarks are recorded by the first run and checked by
// every later one. Search suites (suite_runner.h) and predictor suites (predictor_suite.h) share
// it.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace naskit {

struct RunnerOptions {
  std::string out_dir;  // default: results/<suite name>
  int jobs = 1;
  int shard_index = 1;  // 1-based: this process runs runs i, i+n, i+2n, ... (1-based)
  int shard_count = 1;
  bool progress = true;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT) to stop after the runs in flight
};

struct RunnerSummary {
  std::size_t planned = 0;  // in this shard
  std::size_t already_done = 0;
  std::size_t completed = 0;
  bool interrupted = false;
  std::string out_dir;
};

struct JobFolder {
  std::string command;  // for the progress line: "run", "eval-predictors"
  std::string suite_name;
  std::string canonical_yaml;  // recorded as suite.yaml
  std::string checksums;       // recorded as benchmark.checksum, e.g. "fnv1a64:...\n"
  std::string benchmarks;      // the benchmark files, for the message when checksums differ
};

// Throws ConfigError for --jobs outside [1, 1024] or a bad --shard.
void CheckRunnerOptions(const RunnerOptions& options);

// Checks the jobs and shard options, claims or checks the folder, then calls `run(i)` for each
// job i of this shard whose `<out_dir>/<keys[i]>.json` does not exist yet and writes what it
// returns there. The first exception stops the pool and is rethrown.
RunnerSummary RunJobs(const JobFolder& folder, const std::vector<std::string>& keys,
                      const std::function<std::string(std::size_t)>& run,
                      const RunnerOptions& options);

}  // namespace naskit
