// The report of a predictor suite (experiments/predictor_suite.h): per experiment and dataset, a
// table of Kendall's tau by predictor and train size (mean [95% CI] over trials), Spearman,
// Pearson, precision of the top 10 %, the RMSE over the test set and over its best 10 %, fit and
// predict times, and a figure of Kendall's tau versus the train size with 95% CI bands, one line
// per predictor.
#pragma once

#include <string>
#include <vector>

#include "analysis/report.h"
#include "records/suite_manifest.h"

namespace naskit {

// `files`: the result files under the folder of `manifest`, sorted. Throws DataError naming the
// file and key for a malformed result or results of another suite.
ReportFiles WritePredictorReport(const SuiteManifest& manifest, const std::string& out_dir,
                                 const std::vector<std::string>& files);

}  // namespace naskit
