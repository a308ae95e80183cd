// One search run on a benchmark: a suite experiment's settings checked against the file
// (PreparedSearch), turned into a SearchProblem and answered by a registered evaluator (its table,
// or a surrogate fitted on it) in the search loop (search_loop.h), from a seed.
//
// The strategy sees only the search signal (e.g. 12-epoch validation accuracy). After every counted
// query the run records the architecture, its signal, the cumulative simulated cost, the incumbent
// chosen by the signal, and the incumbent's report metric (e.g. 200-epoch test accuracy) on each
// report dataset. A run is a pure function of (benchmark, settings, strategy, options, seed).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/options.h"
#include "core/pareto.h"
#include "experiments/cost_model.h"
#include "experiments/search_loop.h"
#include "experiments/search_problem.h"
#include "experiments/surrogate.h"
#include "experiments/warm_start.h"
#include "spaces/recorded_subspace.h"

namespace naskit {

// Epochs left unset: the metric's only recorded epoch count (an error naming the recorded ones
// when the metric has several, e.g. NB201's 12 and 200).
inline constexpr int kUnsetEpochs = -1;

// "<metric> on <device or dataset> [at <epochs>]": a column of a benchmark that a constraint or
// an objective reads (a device's table of /hardware, else a dataset's of /features or /metrics).
struct MetricReference {
  std::string metric;
  std::string on;
  int epochs = kUnsetEpochs;  // `at <epochs>` (unset: the metric's only epoch count)
};

// Reads the 3 or 5 tokens of a MetricReference; nullopt when they are not one.
std::optional<MetricReference> ParseMetricReference(std::span<const std::string> tokens);

// The table and column `reference` names; a metric recorded at several epoch counts needs
// `at <epochs>` (NB201's accuracies at 12 and 200), devices and features have none. Throws
// ConfigError prefixed with `key`.
std::pair<const Table*, std::size_t> ReferencedColumn(const TabularBenchmark& benchmark,
                                                      const MetricReference& reference,
                                                      const std::string& key);

// A bound an incumbent must satisfy, e.g. "latency_ms on pixel3 <= 10".
struct SearchConstraint : MetricReference {
  bool at_most = true;  // "<=", else ">="
  double bound = 0;
  std::string text;  // as written, for messages and result files
};

// Parses "<metric> on <device or dataset> [at <epochs>] <= <number>" (or >=); throws ConfigError
// naming `text`.
SearchConstraint ParseConstraint(const std::string& text);

// An objective of a multi-objective question, e.g. "min latency_ms on pixel3".
struct ObjectiveReference : MetricReference {
  bool maximize = true;
  std::string text;
};

// Parses "max|min <metric> on <device or dataset> [at <epochs>]"; throws ConfigError naming
// `text`.
ObjectiveReference ParseObjective(const std::string& text);

// `epochs` as given, or the table's only recorded epoch count when unset: an error naming `key`
// and the recorded counts when there are several (NB201's 12 and 200).
int ResolveEpochs(const Table& table, int epochs, const std::string& key,
                  const std::string& metric);

struct SearchSettings {
  std::string dataset = "cifar10";
  std::string signal_metric = "valid_accuracy";
  int signal_epochs = kUnsetEpochs;  // 0: the last recorded column
  std::string report_metric = "test_accuracy";
  int report_epochs = kUnsetEpochs;
  std::vector<std::string> report_datasets;  // empty: the search dataset
  std::string budget_unit = "queries";       // "queries" or "seconds"
  double budget = 100;
  // Multiplies the recorded training seconds: NB201's paper charged the cifar10-valid split (25k
  // training images) while the shared times were recorded on cifar10 (50k), hence 0.5 there.
  double cost_scale = 1.0;
  std::string cost_dataset;     // whose training times are charged; empty: dataset
  bool charge_repeats = false;  // re-evaluating a seen architecture costs and counts
  // The objective: the signal (and the report, its held-out counterpart) read from a device's
  // hardware table instead of a dataset's metrics when set (e.g. latency_ms on pixel3), and
  // whether it is maximised or minimised.
  std::string signal_device;
  std::string report_device;
  bool minimize = false;
  std::vector<SearchConstraint> constraints;
  // Further objectives after the signal (e.g. "min latency_ms on pixel3"): a multi-objective
  // search, whose run keeps the Pareto archive of what the strategy saw. Their values do not
  // depend on the fidelity and are their own report (a latency has no held-out counterpart).
  std::vector<ObjectiveReference> objectives;
  // The reference points of a multi-objective run's hypervolumes (ParetoQuality): the first
  // objective's is the best value of the true front minus `hypervolume_margin` for the search,
  // and `hypervolume_floor` for the report (NaN: the best report value minus the margin, too).
  double hypervolume_margin = 10;
  double hypervolume_floor = NAN;
  // A registered scalarisation of the objectives (experiments/scalarization.h) that single-
  // objective strategies are told instead of the signal, e.g. MnasNet's reward; unset: none.
  PluginOptions scalarization;
  // Evaluations in flight at once (asynchronous parallel search): strategies are asked for as
  // many proposals as workers are free, and simulated time is the makespan, not the sum.
  std::size_t workers = 1;
  // The registered evaluator that answers the run's queries (experiments/evaluator.h) and its
  // options. Unset: the benchmark's, `surrogate` when the experiment fits one, else `tabular`
  // (PreparedSearch resolves it); a suite without a benchmark must name one.
  PluginOptions evaluator;
  // Without a benchmark: the training lengths (epochs) a strategy may ask for, the signal's being
  // signal_epochs (default: the last). A benchmark's tables give them otherwise.
  std::vector<int> fidelities;
  // The signal of a table with per-seed values: their mean, or one recorded seed drawn per query
  // (NAS-Bench-201's is_random=True: a noisy signal, as a real training gives).
  bool signal_random_seed = false;
  // Strategies start from the best architectures of a zero-cost proxy (experiments/warm_start.h).
  WarmStartSettings warm_start;
  // Simulated seconds charged, under a seconds budget, per zero-cost score (`zc:` feature) a
  // guided strategy's predictor reads, each (architecture, score) once. Negative: not said, an
  // error once a strategy reads one under a seconds budget.
  double zc_seconds_per_score = -1;
  // A predictor fitted on the benchmark's recorded architectures answers every query instead of
  // the table, for any architecture of the space (experiments/surrogate.h); only the model's
  // options are read from it, the targets are the signal (at each fidelity), the report metric and,
  // for seconds budgets, the training time.
  std::optional<SurrogateSettings> surrogate;
};

// With a surrogate, the models that answer for any architecture.
struct SearchSurrogate {
  // Per fidelity of PreparedSearch::fidelities(), the last being the signal's: the signal's model
  // and, for seconds budgets, the training time's with the cheapest recorded training, below which
  // no query is charged (a model predicting near zero must not make a run endless).
  std::vector<std::shared_ptr<const SurrogateModel>> signal, seconds;
  std::vector<double> min_seconds;
  // The report metric's model per report dataset (the signal's own where the target is the same).
  std::vector<std::shared_ptr<const SurrogateModel>> reports;

  const SurrogateModel& at_signal() const { return *signal.back(); }
};

// How good a multi-objective run's fronts are, against the benchmark's true fronts: hypervolumes
// above reference points (oriented: every objective maximised, as core/pareto.h counts them).
struct ParetoQuality {
  // The search front: the signal at its fidelity and the further objectives, as strategies see
  // them; its reference: the best signal of the true front minus hypervolume_margin, and the worst
  // value of each further objective on it (e.g. the largest latency).
  std::vector<double> search_reference;
  double search_hypervolume = 0;  // of the true front over every feasible architecture
  ObjectivePoints search_front;   // that front's points, best first objective first
  // The reported front: the first report target's report metric in place of the signal; its
  // reference: hypervolume_floor (or the best report value minus the margin), then as above.
  std::vector<double> report_reference;
  double report_hypervolume = 0;
  // The reported ratio were every architecture evaluated: the report values of the true search
  // front over the true report front (below 1 where the signal ranks cells otherwise).
  double report_ceiling = 0;
};

// Per query of a run, the hypervolume of its fronts so far over the true fronts' (0 while it has
// none): the search front of the objective values it saw at the signal's fidelity, and the
// reported front of the report values of the architectures that front holds.
struct HypervolumeRatios {
  std::vector<double> search, report;
};

// Settings checked against a benchmark once and shared by every run that uses them.
class PreparedSearch {
 public:
  // Throws ConfigError naming any dataset, metric or epoch count the benchmark lacks. settings()
  // then holds the epochs resolved.
  PreparedSearch(const TabularBenchmark& benchmark, SearchSettings settings);

  const TabularBenchmark& benchmark() const { return benchmark_; }
  // What strategies search: the benchmark's space when the signal was measured for every
  // architecture of it or a surrogate answers, else the architectures whose signal was measured at
  // the signal's fidelity and every lower one (RecordedSubspace's policy).
  const SearchSpace& space() const { return domain_ ? *domain_ : benchmark_.space(); }
  // The fidelities (epochs) strategies may ask for, and the index of the signal's among them: the
  // signal table's columns (with a surrogate, those up to the signal's).
  const std::vector<int>& fidelities() const { return fidelities_; }
  std::size_t signal_fidelity() const { return signal_column_; }
  // Null unless the settings name a surrogate.
  const SearchSurrogate* surrogate() const { return surrogate_ ? &*surrogate_ : nullptr; }
  const SearchSettings& settings() const { return settings_; }
  // The problem as the benchmark answers it: its space (or recorded subspace), the signal's
  // fidelities, the signal as the one objective, the constraints and the report datasets.
  const SearchProblem& problem() const { return problem_; }
  const Table& signal() const { return *signal_; }
  std::size_t signal_column() const { return signal_column_; }
  const std::vector<std::string>& report_datasets() const { return report_datasets_; }
  float Report(std::size_t dataset, std::size_t row) const {
    return reports_[dataset]->At(row, report_columns_[dataset]);
  }
  // The signal as strategies see it, higher is better: negated when the objective is minimised,
  // and, for an architecture that violates a constraint, the worst value of the space (a death
  // penalty, so that strategies learn to avoid infeasible regions without knowing the bounds).
  double Told(bool feasible, double signal) const {
    return feasible ? (settings_.minimize ? -signal : signal) : infeasible_signal_;
  }
  double infeasible_signal() const { return infeasible_signal_; }
  bool Feasible(std::size_t row) const { return feasible_.empty() || feasible_[row]; }
  // The best report value (the largest, or the smallest when minimising) on report dataset
  // `dataset` among the feasible architectures strategies may propose (space()), for regret; NaN
  // when a surrogate answers, since the optimum of its whole space is not known.
  float BestReport(std::size_t dataset) const { return best_reports_[dataset]; }
  // The cost model at the signal's fidelity (null for query budgets), and the simulated seconds of
  // evaluating `row` at signal fidelity index `fidelity`.
  const CostModel* cost() const { return costs_.empty() ? nullptr : costs_[signal_column_].get(); }
  bool Modelled(std::size_t row, std::size_t fidelity) const {
    return costs_[fidelity]->Modelled(row);
  }
  double Seconds(std::size_t row, std::size_t fidelity) const;
  // The architectures a warm start draws its pool from, with their proxy scores (empty without a
  // warm start).
  const std::vector<std::pair<ArchId, double>>& warm_start_candidates() const {
    return warm_start_candidates_;
  }
  // Further objective `k`'s value (SearchSettings::objectives), in its own units.
  float ObjectiveValue(std::size_t k, std::size_t row) const {
    return objective_columns_[k].first->At(row, objective_columns_[k].second);
  }
  // With further objectives (and no surrogate): the true fronts' reference points and volumes.
  const std::optional<ParetoQuality>& pareto_quality() const { return pareto_quality_; }
  // `trace`'s hypervolume ratios per query; empty without pareto_quality().
  HypervolumeRatios Ratios(const RunTrace& trace) const;

 private:
  const TabularBenchmark& benchmark_;
  SearchSettings settings_;
  const Table* signal_;
  std::size_t signal_column_;
  std::vector<std::string> report_datasets_;
  std::vector<const Table*> reports_;
  std::vector<std::size_t> report_columns_;
  std::vector<float> best_reports_;
  std::vector<std::shared_ptr<const CostModel>>
      costs_;                                       // per signal fidelity; null where not recorded
  std::shared_ptr<const RecordedSubspace> domain_;  // null: the whole space
  std::vector<char> feasible_;                      // per row; empty without constraints
  double infeasible_signal_ = 0;
  std::vector<std::pair<ArchId, double>> warm_start_candidates_;
  std::vector<int> fidelities_;
  std::optional<SearchSurrogate> surrogate_;
  std::vector<std::pair<const Table*, std::size_t>> objective_columns_;
  std::optional<ParetoQuality> pareto_quality_;
  SearchProblem problem_;

  // Oriented objective vectors of `row`: the signal's (search) or the first report's (report)
  // first, then the further objectives.
  std::vector<double> SearchPoint(std::size_t row) const;
  std::vector<double> ReportPoint(std::size_t row) const;

  void ResolveSignal();
  void PrepareObjectives();
  void PrepareDomain();
  void PrepareWarmStart();
  void PrepareConstraints();
  void PrepareReports();
  void PrepareCostModels();
  void CheckSurrogateSettings() const;
  void FitSurrogates();
  void PrepareProblem();
  void PrepareParetoQuality();
};

// The problem of a suite that names a space and no benchmark: the settings' fidelities, the signal
// as the one objective, the report metric on each report dataset. Throws ConfigError for a setting
// that needs a benchmark (a warm start, a surrogate, training times).
SearchProblem ProblemWithoutBenchmark(const SearchSpace& space, const SearchSettings& settings);
SearchBudget BudgetOf(const SearchSettings& settings);
// Where the incumbent is reported: the report device, else the report datasets, else the searched
// dataset.
std::vector<std::string> ReportTargets(const SearchSettings& settings);

// A run on `problem`, answered by the evaluator the settings name; `search` is the benchmark's
// preparation, or null when the suite names none; `work_dir`, the suite's results folder
// (EvaluatorContext::work_dir).
RunTrace ExecuteRun(const SearchProblem& problem, const SearchSettings& settings,
                    const PreparedSearch* search, const std::string& strategy,
                    const OptionValues& options, std::uint64_t seed,
                    const std::string& work_dir = "");
// A run against the benchmark of `search` (the table, or the surrogate fitted on it).
RunTrace ExecuteRun(const PreparedSearch& search, const std::string& strategy,
                    const OptionValues& options, std::uint64_t seed);

}  // namespace naskit
