// Experiment suites: YAML files that name a benchmark, seeds, strategies and experiments, and
// expand into runs. Format (experiments/README.md has the full reference):
//
//   name: nb201_paper
//   benchmark: build/nb201.h5          # relative to the current directory
//   seeds: 0..499                      # or a list
//   strategies:
//     - strategy: regularized_evolution
//       label: rea                     # optional, defaults to the strategy key
//       options: {population_size: 10, sample_size: 3}
//   experiments:
//     - name: paper
//       datasets: [cifar10]
//       signal_metric: valid_accuracy
//       signal_epochs: 12
//       report_datasets: [cifar10, cifar100, imagenet16-120]
//       budget_unit: seconds
//       budgets: [12000]
//       cost_scale: 0.5
//
// Unknown keys and bad values are ConfigErrors naming the file, line, key and value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "experiments/search_run.h"

namespace naskit {

// Bounds on what a suite may ask for, so that a legal but huge suite is a clear error up front and
// not an exhausted machine.
inline constexpr double kMaxRunsPerSuite = 2'000'000;

using SuiteStrategy = SuitePlugin;

struct SuiteExperiment {
  std::string name;
  std::vector<std::string> datasets;
  std::vector<double> budgets;
  SearchSettings settings;  // dataset and budget are filled per run
};

struct Suite {
  std::string path;
  std::string name;
  std::string description;
  std::string benchmark;  // empty when the suite names a space instead
  std::string space;      // the space searched without a benchmark (its evaluator needs none)
  std::vector<std::uint64_t> seeds;
  std::vector<SuiteStrategy> strategies;
  std::vector<SuiteExperiment> experiments;
  std::string canonical_yaml;  // the suite after overrides, as naskit re-emits it
};

// Loads `path` and applies `overrides` ("dotted.key=value", the value in YAML syntax).
Suite LoadSuite(const std::string& path, const std::vector<std::string>& overrides = {});

struct PlannedRun {
  std::size_t experiment;
  std::string dataset;
  std::size_t strategy;
  double budget;
  std::uint64_t seed;
  std::string key;  // "<experiment>/<dataset>/<label>/<budget>/seed-<seed>", also its result path
};

// Every run of the suite, in a fixed order.
std::vector<PlannedRun> PlanRuns(const Suite& suite);

// The settings of one planned run.
SearchSettings SettingsOf(const Suite& suite, const PlannedRun& run);

}  // namespace naskit
