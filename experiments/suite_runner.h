// Runs a suite: every planned run (or one shard of them) on a thread pool, one result file per run,
// each written atomically. Finished runs are skipped, so an interrupted suite resumes where it
// stopped and a finished one does nothing. Results do not depend on the number of jobs.
#pragma once

#include <string>

#include "core/job_runner.h"
#include "experiments/suite.h"

namespace naskit {

RunnerSummary RunSuite(const Suite& suite, const RunnerOptions& options);

}  // namespace naskit
