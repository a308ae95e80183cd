// Predictor suites: the predictor-evaluation protocol of White et al., "How Powerful are
// Performance Predictors in Neural Architecture Search?" (NeurIPS 2021). For each experiment,
// dataset, predictor, train size n and trial: fit on n architectures drawn uniformly from the
// benchmark's pool, predict a disjoint test set (a fixed number per trial, or every other
// architecture of the pool as PINAT and TNASP do), and record Kendall's tau, Spearman, Pearson,
// the precision of the top 10 %, the root-mean-square error over the test set and over its best
// 10 %, fit seconds and predict seconds per architecture.
//
//   name: predictors
//   trials: 0..19
//   predictors:
//     - predictor: xgboost
//       label: xgb_onehot                 # optional, defaults to the predictor key
//       options: {features: [onehot]}
//   experiments:
//     - name: nb201
//       benchmark: benchmarks_data/nb201.h5
//       datasets: [cifar10, cifar100, imagenet16-120]
//       metric: valid_accuracy             # the predicted value (default valid_accuracy)
//       epochs: 200                        # its fidelity (needed where several are recorded)
//       train_sizes: [10, 23, 56, 87, 135, 209, 500, 781, 1000]
//       test_size: 200                     # or: rest
//       predictors: [xgb_onehot]           # optional, defaults to every predictor of the suite
//
// The pool of an experiment and dataset is every architecture with the target measured and every
// benchmark feature its predictors read (zc:..., latency:...). Train and test sets depend only on
// the dataset and trial (and n), so every predictor sees the same splits; with test_size N the test
// set is the first N of the trial's shuffled pool for every n, and the train set the next n.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/job_runner.h"
#include "core/options.h"
#include "records/predictor_result.h"

namespace naskit {

using SuitePredictor = SuitePlugin;

// One experiment of a predictor suite. Every key is declared once, in Visit(): the reader reads
// them with it and `naskit describe predictor_experiment` lists them.
struct PredictorExperiment {
  std::string name;
  std::string benchmark;
  std::vector<std::string> datasets;
  std::string metric = "valid_accuracy";
  int epochs = 0;  // 0: the only one recorded
  std::vector<std::size_t> train_sizes;
  std::size_t test_size = 200;
  bool test_rest = false;               // test on every architecture of the pool not trained on
  std::vector<std::size_t> predictors;  // indices into PredictorSuite::predictors
  // As written, turned into test_size/test_rest and predictors by the reader.
  std::string test = "200";
  std::vector<std::string> predictor_labels;

  template <class V>
  void Visit(V& v) {
    v("name", name, "unique; part of each run's key", Required(Names()));
    v("benchmark", benchmark, "the benchmark file, relative to the current directory", Required());
    v("datasets", datasets, "the datasets whose metric is predicted", Required(Names()));
    v("metric", metric, "the predicted metric", Names());
    v("epochs", epochs, "its training length (0: the only one recorded; needed where several are)",
      InRange(0, 1e6));
    v("train_sizes", train_sizes, "the numbers of architectures fitted on",
      Required(InRange(2, 1e7)));
    v("test_size", test, "architectures predicted per trial, or rest: every other one of the pool");
    v("predictors", predictor_labels, "the suite's predictor labels run here (default: all)",
      Names());
  }
};

// Every key of a predictor suite's experiment, for `naskit describe predictor_experiment`.
std::vector<OptionInfo> DescribePredictorExperimentKeys();

struct PredictorSuite {
  std::string path;
  std::string name;
  std::string description;
  std::vector<std::uint64_t> trials;
  std::vector<SuitePredictor> predictors;
  std::vector<PredictorExperiment> experiments;
  std::string canonical_yaml;
};

PredictorSuite LoadPredictorSuite(const std::string& path,
                                  const std::vector<std::string>& overrides = {});

struct PredictorRun {
  std::size_t experiment;
  std::string dataset;
  std::size_t predictor;
  std::size_t train_size;
  std::uint64_t trial;
  std::string key;  // "<experiment>/<dataset>/<label>/n-<n>/trial-<t>", also its result path
};

std::vector<PredictorRun> PlanPredictorRuns(const PredictorSuite& suite);

// The train and test sets of one run as positions in the pool: a uniform shuffle that depends
// only on the trial and dataset; with a fixed test size the test set is the first `test_size` of
// it for every train size and the train set the next `train_size`, with `test_rest` the train set
// is the first `train_size` and the test set all the others. Disjoint by construction.
struct PoolSplit {
  std::vector<std::size_t> train, test;
};
PoolSplit SplitPool(std::size_t pool_size, std::uint64_t trial, const std::string& dataset,
                    std::size_t train_size, std::size_t test_size, bool test_rest);

// Opens the benchmarks, checks every pool against the train and test sizes, then runs the suite
// (or a shard of it) like a search suite: resumable, any --jobs, one JSON file per run.
RunnerSummary RunPredictorSuite(const PredictorSuite& suite, const RunnerOptions& options);

}  // namespace naskit
