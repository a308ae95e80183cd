// Surrogate benchmarks: a predictor fitted on the architectures a benchmark records answers for
// architectures it does not, so that strategies can search a space too large to tabulate (the
// idea of NAS-Bench-301, Siems et al., 2020, for DARTS).
//
// FitSurrogateModel fits the predictor on the recorded architectures' values of one target and
// measures how well it ranks architectures it was not fitted on (Kendall's tau on a held-out share
// of the recorded architectures, fitted on the rest); the model itself is refitted on every
// recorded architecture. naskit uses it two ways:
// - on the fly: a search experiment's `surrogate:` key makes models answer every query, for any
//   architecture of the space (SurrogateEvaluator, experiments/evaluator.h): the signal at each
//   fidelity, the report metric and, for seconds budgets, the training time;
// - materialised: `naskit surrogate` writes a benchmark file of the recorded architectures and
//   `extra` more drawn uniformly from the space, every value a prediction, which then runs like any
//   benchmark (the tabular evaluator, exact and fast).
// Either way every result file and the report say that values are predictions, and how well the
// predictor ranks held-out architectures.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/options.h"
#include "predictors/predictor.h"

namespace naskit {

// The most architectures `naskit surrogate --extra` materialises beyond the recorded ones: a row
// each in memory and in the file (about 100 bytes a row per target table).
inline constexpr double kMaxSurrogateExtra = 1e7;

struct SurrogateSettings {
  // The target: a column of the benchmark's table <group>/<dataset>/<metric> (a metric, or
  // "cost" for training seconds).
  std::string group = "metrics";
  std::string dataset = "cifar10";
  std::string metric = "valid_accuracy";
  int epochs = 0;  // the column of the metric's table; 0: its only one (an error if it has several)
  // The model, as a search experiment's `surrogate:` key names it.
  PluginOptions predictor{"xgboost", {}};
  double holdout = 0.2;    // share of the recorded architectures held out to measure the ranking
  std::uint64_t seed = 0;  // the held-out split and the fits (the same for every run)
  std::size_t extra = 0;   // materialised only: architectures drawn beyond the recorded ones

  template <class V>
  void Visit(V& v) {
    v("predictor", predictor, "predictor fitted on the recorded architectures",
      PluginOf<PredictorRegistry>());
    v("holdout", holdout, "share of the recorded architectures held out to measure the ranking",
      InRange(0.01, 0.99));
    v("seed", seed, "seed of the held-out split and of the fits");
  }
};

// A predictor fitted on a benchmark's recorded values of one target, and its held-out check.
struct SurrogateModel {
  std::shared_ptr<const Predictor> predictor;  // fitted on every recorded architecture
  std::vector<ArchId> recorded;                // with their rows' values
  std::vector<std::size_t> recorded_rows;
  std::vector<double> recorded_values;
  // The held-out check: measured and predicted values of the held-out architectures, and the
  // Kendall tau-b between them, for a model fitted on the other `train` ones.
  std::vector<double> holdout_measured, holdout_predicted;
  double holdout_kendall_tau = 0;
  std::size_t train = 0;
  std::string predictor_text;  // "gp", or "xgboost max_depth=4"
  std::string target_text;     // "cifar10/valid_accuracy at 12 epochs"
  int epochs = 0;              // the target's column (0: the table has no epochs)
};

// Throws ConfigError naming the table, predictor or setting that does not fit.
SurrogateModel FitSurrogateModel(const TabularBenchmark& benchmark,
                                 const SurrogateSettings& settings);

// A materialised surrogate benchmark.
struct Surrogate {
  BenchmarkData data;
  SurrogateModel model;
  std::size_t extra = 0;  // architectures drawn beyond the recorded ones (fewer than asked when
                          // the space holds fewer unrecorded ones than `extra` asked)
};

Surrogate FitSurrogate(const TabularBenchmark& benchmark, const SurrogateSettings& settings);

}  // namespace naskit
