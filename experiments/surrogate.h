// Surrogate benchmarks: a predictor fitted on the architectures a benchmark records answers for
// architectures it does not, so that strategies can search a space too large to tabulate (the
// idea of NAS-Bench-301, Siems et al., 2020, for DARTS).
//
// naskit materialises the surrogate: `naskit surrogate` fits the predictor on the recorded
// architectures' target metric, and writes a benchmark file holding the recorded architectures
// and `extra` more drawn uniformly from the space, every one of them with the predicted value.
// Searches then run on it like on any benchmark (the tabular evaluator, exact and fast), and the
// file says that its values are predictions: the predictor, and how well it ranks architectures
// it was not fitted on (Kendall's tau on a held-out share of the recorded architectures, fitted
// on the rest). Every result file and the report carry that statement. The final surrogate is
// refitted on every recorded architecture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/options.h"

namespace naskit {

struct SurrogateSettings {
  std::string dataset = "cifar10";
  std::string metric = "valid_accuracy";
  int epochs = 0;  // the column of the metric's table; 0 for single-column tables
  PluginOptions predictor{"xgboost", {}};
  double holdout = 0.2;    // share of the recorded architectures held out to measure the ranking
  std::size_t extra = 0;   // architectures drawn from the space beyond the recorded ones
  std::uint64_t seed = 0;  // the held-out split, the fits and the draws
};

struct Surrogate {
  BenchmarkData data;  // the surrogate benchmark
  // The held-out check: measured and predicted values of the held-out architectures, and the
  // Kendall tau-b between them.
  std::vector<double> holdout_measured, holdout_predicted;
  double holdout_kendall_tau = 0;
  std::size_t train = 0;
};

// Throws ConfigError naming the table, predictor or setting that does not fit.
Surrogate FitSurrogate(const TabularBenchmark& benchmark, const SurrogateSettings& settings);

}  // namespace naskit
