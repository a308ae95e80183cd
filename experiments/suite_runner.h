// Runs a suite: every planned run (or one shard of them) on a thread pool, one result file per run,
// each written atomically. Finished runs are skipped, so an interrupted suite resumes where it
// stopped and a finished one does nothing. Results do not depend on the number of jobs.
#pragma once

#include <string>

#include "experiments/job_runner.h"
#include "experiments/suite.h"

namespace naskit {

RunnerSummary RunSuite(const Suite& suite, const RunnerOptions& options);

// The JSON result of one run, exactly as written to its file (deterministic bytes).
std::string RunResultJson(const Suite& suite, const PlannedRun& run, const PreparedSearch& search,
                          const RunTrace& trace);

}  // namespace naskit
