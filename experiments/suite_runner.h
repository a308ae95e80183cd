// Runs a suite: every planned run (or one shard of them) on a thread pool, one result file per run,
// each written atomically. Finished runs are skipped, so an interrupted suite resumes where it
// stopped and a finished one does nothing. Results do not depend on the number of jobs.
#pragma once

#include <atomic>
#include <string>

#include "experiments/suite.h"

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

RunnerSummary RunSuite(const Suite& suite, const RunnerOptions& options);

// The JSON result of one run, exactly as written to its file (deterministic bytes).
std::string RunResultJson(const Suite& suite, const PlannedRun& run, const PreparedSearch& search,
                          const RunTrace& trace);

}  // namespace naskit
