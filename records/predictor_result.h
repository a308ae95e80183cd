// The result file of one predictor trial (`naskit eval-predictors`, experiments/predictor_suite.h):
// its one type, its one writer and its one reader (`naskit report`). Writing what was read gives
// the file back byte for byte; the reader checks every value it returns (names, counts, the
// statistics' ranges) and throws DataError naming the file and the key.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace naskit {

inline constexpr const char* kPredictorResultFormat = "naskit-predictor-result";
inline constexpr int kPredictorResultFormatVersion = 1;

struct PredictorRecord {
  std::string path;  // the file it was read from; empty for a result being written
  std::string naskit_version;
  std::string suite, run, experiment, dataset, predictor, label;
  std::map<std::string, std::string> options;  // the predictor's, defaults included
  std::uint64_t trial = 0;
  // As written: {path, name, space, checksum} of the benchmark.
  nlohmann::ordered_json benchmark = nlohmann::ordered_json::object();
  std::string target_metric;  // what was predicted, at target_epochs (0: the metric has none)
  int target_epochs = 0;
  std::size_t pool = 0, train_size = 0, test_size = 0;
  std::string test;  // "rest" (every pool cell not trained on) or "fixed"
  std::size_t undefined_predictions =
      0;  // test cells predicted NaN or ±inf, left out of the metrics
  // NaN where undefined (a constant prediction): correlations in [-1, 1], precision in [0, 1].
  double kendall_tau = NAN, spearman = NAN, pearson = NAN, precision_at_10 = NAN;
  // Root-mean-square error in the target's units, over the test set and over its best 10 % by the
  // target; NaN (null) where undefined, and in files written before naskit recorded them.
  double rmse = NAN, rmse_top_10 = NAN;
  double fit_seconds = NAN, predict_seconds_per_arch = NAN;  // wall-clock
};

// The file's text. Undefined statistics are written as null.
std::string PredictorResultJson(const PredictorRecord& record);

// Throws IoError when the file cannot be read, DataError naming the file and the key for one that
// is not such a result.
PredictorRecord ReadPredictorResult(const std::string& path);
PredictorRecord ParsePredictorResult(const std::string& text, const std::string& path);

}  // namespace naskit
