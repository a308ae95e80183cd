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

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "experiments/evaluator.h"
#include "experiments/scalarization.h"
#include "experiments/search_run.h"

namespace naskit {

// Bounds on what a suite may ask for, so that a legal but huge suite is a clear error up front and
// not an exhausted machine.
inline constexpr double kMaxRunsPerSuite = 2'000'000;

using SuiteStrategy = SuitePlugin;

// One experiment of a suite. Every key is declared once, in Visit(): the suite reader reads them
// with it and `naskit describe experiment` lists them.
struct SuiteExperiment {
  std::string name;
  std::vector<std::string> datasets;
  std::vector<double> budgets;
  SearchSettings settings;  // dataset and budget are filled per run
  // Keys whose text the reader turns into settings (signal_random_seed, minimize, constraints,
  // objectives).
  std::string signal_seed = "mean";
  std::string direction = "maximize";
  std::vector<std::string> constraints;
  std::vector<std::string> objectives;
  std::vector<std::string> strategies;  // labels; empty: every strategy of the suite

  // Whether the experiment runs the suite's strategy labelled `label`.
  bool Runs(const std::string& label) const {
    return strategies.empty() ||
           std::find(strategies.begin(), strategies.end(), label) != strategies.end();
  }

  template <class V>
  void Visit(V& v) {
    SearchSettings& s = settings;
    v("name", name, "unique; part of each run's key", Required(Names()));
    v("datasets", datasets, "the datasets searched, one set of runs each", Required(Names()));
    v("strategies", strategies,
      "labels of the suite's strategies that this experiment runs (default: all of them)", Names());
    v("signal_metric", s.signal_metric, "what strategies are told: a metric of the dataset");
    v("signal_epochs", s.signal_epochs,
      "the signal's training length (-1: the metric's only recorded one; 0: its last)",
      InRange(0, 1e6));
    v("report_metric", s.report_metric,
      "what the run records for the incumbent, held out from strategies");
    v("report_epochs", s.report_epochs, "the report metric's training length, as signal_epochs",
      InRange(0, 1e6));
    v("report_datasets", s.report_datasets,
      "datasets the incumbent is reported on (default: the searched one)", Names());
    v("budget_unit", s.budget_unit,
      "queries, seconds of (simulated or measured) training, or epochs trained (evaluators that "
      "train)",
      OneOf({"queries", "seconds", "epochs"}));
    v("budgets", budgets, "one or more budgets, in budget_unit", Required(InRange(1, 1e12)));
    v("cost_scale", s.cost_scale, "factor on recorded training seconds", InRange(1e-6, 1e6));
    v("cost_dataset", s.cost_dataset, "whose training times are charged (default: the searched)",
      Names());
    v("charge_repeats", s.charge_repeats,
      "a repeated (architecture, fidelity) costs and counts again (its values come from the "
      "cache)");
    v("signal_seed", signal_seed,
      "per-seed tables: mean over seeds, or one recorded seed drawn per query",
      OneOf({"mean", "random"}));
    v("workers", s.workers, "evaluations in flight at once", InRange(1, 1024));
    v("signal_device", s.signal_device,
      "read the signal from hardware/<device>/<signal_metric> instead of a dataset", Names());
    v("report_device", s.report_device, "the same for the report", Names());
    v("direction", direction, "of the signal", OneOf({"maximize", "minimize"}));
    v("constraints", constraints,
      "bounds the incumbent satisfies: '<metric> on <device or dataset> [at <epochs>] <= "
      "<number>' (or >=); a metric recorded at several epoch counts needs 'at'");
    v("objectives", objectives,
      "further objectives after the signal, for a multi-objective (Pareto) search: 'max|min "
      "<metric> on <device or dataset> [at <epochs>]', e.g. 'min latency_ms on pixel3'");
    v("hypervolume_margin", s.hypervolume_margin,
      "multi-objective runs: the search hypervolume's reference is this far below the true "
      "front's best signal",
      InRange(1e-9, 1e12));
    v("hypervolume_floor", s.hypervolume_floor,
      "multi-objective runs: the report metric's value at the reported hypervolume's reference "
      "point, an accuracy floor (default: the best report value minus hypervolume_margin)",
      InRange(-1e12, 1e12));
    v("scalarization", s.scalarization,
      "single-objective strategies are told this function of the objectives instead of the "
      "signal, which also picks the incumbent (e.g. {name: mnasnet, target: 10})",
      PluginOf<ScalarizationRegistry>());
    v("warm_start", s.warm_start,
      "start from the best of a zero-cost proxy's picks (Abdelfattah et al., ICLR 2021)");
    v("zc_seconds_per_score", s.zc_seconds_per_score,
      "simulated seconds charged per zero-cost score (zc: feature) a guided strategy reads, each "
      "(architecture, score) once (seconds budgets only; 0: free)",
      InRange(0, 1e9));
    v("surrogate", s.surrogate,
      "a predictor fitted on the recorded architectures answers every query (a predictor key, or "
      "a map of these keys)");
    v("evaluator", s.evaluator,
      "what answers the queries: the benchmark's (tabular, or surrogate when one is fitted) by "
      "default",
      PluginOf<EvaluatorRegistry>());
    v("fidelities", s.fidelities,
      "without a benchmark: the epoch counts strategies may ask for, ascending", InRange(0, 1e6));
  }
};

// Every key of a suite experiment, for `naskit describe experiment`.
std::vector<OptionInfo> DescribeExperimentKeys();

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
// A suite given as YAML text (Python's naskit.search() builds one); `source` stands for the file
// in messages.
Suite ParseSuite(const std::string& yaml, const std::string& source);

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
