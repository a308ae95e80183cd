// The result file of one predictor trial (`naskit eval-predictors`, experiments/predictor_suite.h):
// its format, and the reader `naskit report` uses. The writer is the predictor suite's.
#pragma once

#include <cmath>
#include <string>

namespace naskit {

inline constexpr const char* kPredictorResultFormat = "naskit-predictor-result";
inline constexpr int kPredictorResultFormatVersion = 1;

struct PredictorRecord {
  std::string path, suite, experiment, dataset, label, test;
  std::size_t train_size = 0, test_size = 0, pool = 0;
  double kendall_tau = NAN, spearman = NAN, pearson = NAN, precision_at_10 = NAN;
  double fit_seconds = NAN, predict_seconds_per_arch = NAN;
};

// Whether `path` is a predictor suite (it has a top-level `predictors:` key): its results folder
// holds predictor results.
bool IsPredictorSuite(const std::string& path);

// Throws DataError naming the file and the key for a file that is not such a result.
PredictorRecord ReadPredictorResult(const std::string& path);

}  // namespace naskit
