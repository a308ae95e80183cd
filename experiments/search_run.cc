// Suite settings checked against a benchmark, and the runs answered from it; see search_run.h.
#include "experiments/search_run.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/pareto.h"
#include "experiments/evaluator.h"
#include "experiments/scalarization.h"
#include "strategies/search_strategy.h"

namespace naskit {

namespace {

std::vector<std::string> Tokens(const std::string& text) {
  std::vector<std::string> tokens;
  std::istringstream in(text);
  for (std::string token; in >> token;) tokens.push_back(token);
  return tokens;
}

}  // namespace

std::optional<MetricReference> ParseMetricReference(std::span<const std::string> tokens) {
  if ((tokens.size() != 3 && tokens.size() != 5) || tokens[1] != "on") return std::nullopt;
  MetricReference r{tokens[0], tokens[2], kUnsetEpochs};
  if (tokens.size() == 5) {
    const std::string& epochs = tokens[4];
    auto [ptr, ec] = std::from_chars(epochs.data(), epochs.data() + epochs.size(), r.epochs);
    if (tokens[3] != "at" || ec != std::errc() || ptr != epochs.data() + epochs.size() ||
        r.epochs < 1 || r.epochs > 1000000) {
      return std::nullopt;
    }
  }
  return r;
}

SearchConstraint ParseConstraint(const std::string& text) {
  const std::vector<std::string> tokens = Tokens(text);
  SearchConstraint c;
  c.text = text;
  const auto reference = tokens.size() >= 2
                             ? ParseMetricReference(std::span(tokens).first(tokens.size() - 2))
                             : std::nullopt;
  bool valid = reference.has_value();
  if (valid) {
    static_cast<MetricReference&>(c) = *reference;
    const std::string& op = tokens[tokens.size() - 2];
    const std::string& bound = tokens.back();
    char* end = nullptr;
    c.bound = std::strtod(bound.c_str(), &end);
    c.at_most = op == "<=";
    valid = (op == "<=" || op == ">=") && *end == '\0' && std::isfinite(c.bound);
  }
  if (!valid) {
    throw ConfigError("constraint " + Quote(text) +
                      ": expected '<metric> on <device or dataset> [at <epochs>] <= <number>' (or "
                      ">=), e.g. 'latency_ms on pixel3 <= 10' or 'valid_accuracy on cifar10 at 12 "
                      ">= 85'");
  }
  return c;
}

ObjectiveReference ParseObjective(const std::string& text) {
  const std::vector<std::string> tokens = Tokens(text);
  ObjectiveReference o;
  o.text = text;
  const auto reference =
      tokens.empty() ? std::nullopt : ParseMetricReference(std::span(tokens).subspan(1));
  if (!reference || (tokens[0] != "max" && tokens[0] != "min")) {
    throw ConfigError("objective " + Quote(text) +
                      ": expected 'max|min <metric> on <device or dataset> [at <epochs>]', e.g. "
                      "'min latency_ms on pixel3' or 'max test_accuracy on cifar10 at 200'");
  }
  static_cast<MetricReference&>(o) = *reference;
  o.maximize = tokens[0] == "max";
  return o;
}

int ResolveEpochs(const Table& table, int epochs, const std::string& key,
                  const std::string& metric) {
  if (epochs != kUnsetEpochs) return epochs;
  if (table.epochs.empty()) return 0;
  if (table.epochs.size() == 1) return table.epochs.front();
  std::string recorded;
  for (int e : table.epochs) recorded += (recorded.empty() ? "" : ", ") + std::to_string(e);
  throw ConfigError(fmt::format("{}: metric {} records several epoch counts ({}): name one", key,
                                Quote(metric), recorded));
}

namespace {

// The table an objective or constraint reads: a device's hardware table, else a dataset's
// feature, else its metric; with the column to read.
std::pair<const Table*, std::size_t> ResolveTable(const TabularBenchmark& benchmark,
                                                  const std::string& metric, const std::string& on,
                                                  int epochs, bool device) {
  if (device || benchmark.FindTable("hardware/" + on + "/" + metric)) {
    return {&benchmark.Get("hardware/" + on + "/" + metric), 0};
  }
  if (const Table* feature = benchmark.FindTable("features/" + on + "/" + metric)) {
    return {feature, 0};
  }
  const Table& table = benchmark.Metric(on, metric);
  return {&table, table.ColumnOf(epochs, "metric " + Quote(on + "/" + metric))};
}

}  // namespace

std::pair<const Table*, std::size_t> ReferencedColumn(const TabularBenchmark& benchmark,
                                                      const MetricReference& r,
                                                      const std::string& key) {
  try {
    const bool metric = !benchmark.FindTable("hardware/" + r.on + "/" + r.metric) &&
                        !benchmark.FindTable("features/" + r.on + "/" + r.metric);
    if (!metric) {
      if (r.epochs != kUnsetEpochs)
        throw ConfigError(Quote(r.metric) + " on " + Quote(r.on) + " has no epochs");
      return ResolveTable(benchmark, r.metric, r.on, 0, false);
    }
    const int epochs = ResolveEpochs(benchmark.Metric(r.on, r.metric), r.epochs, "at <epochs>",
                                     r.on + "/" + r.metric);
    return ResolveTable(benchmark, r.metric, r.on, epochs, false);
  } catch (const ConfigError& error) {
    throw ConfigError(key + ": " + error.what());
  }
}

namespace {

// Strategies are told which cells satisfy the constraints and every objective's values: neither may
// read a held-out test metric (split "test", or a name such as test_accuracy).
void RefuseHeldOut(const Table& table, const MetricReference& r, const std::string& key) {
  const auto split = table.attrs.find("split");
  if ((split != table.attrs.end() && split->second == "test") || r.metric.starts_with("test_")) {
    throw ConfigError(key + ": " + Quote(r.metric + " on " + r.on) +
                      " is a held-out test metric, which strategies never see (they are told "
                      "which cells satisfy a constraint and every objective's values); use a "
                      "validation metric, a device or a feature");
  }
}

}  // namespace

PreparedSearch::PreparedSearch(const TabularBenchmark& benchmark, SearchSettings settings)
    : benchmark_(benchmark), settings_(std::move(settings)) {
  if (settings_.evaluator.key.empty()) {
    settings_.evaluator.key = settings_.surrogate ? "surrogate" : "tabular";
  }
  if (!settings_.fidelities.empty()) {
    throw ConfigError(
        "fidelities: the benchmark's tables give the fidelities (the key is for "
        "suites that name a space and no benchmark)");
  }
  ResolveSignal();
  PrepareObjectives();
  PrepareDomain();
  if (!settings_.warm_start.proxy.empty()) PrepareWarmStart();
  PrepareConstraints();
  PrepareReports();
  if (settings_.surrogate) FitSurrogates();
  PrepareProblem();
  if (!settings_.objectives.empty()) PrepareParetoQuality();
  if (settings_.budget_unit == "seconds") {
    // A surrogate's time models charge the queries (FitSurrogates); a table's times otherwise.
    if (!settings_.surrogate) PrepareCostModels();
  } else if (settings_.budget > static_cast<double>(kMaxQueriesPerRun)) {
    throw ConfigError(fmt::format("a budget of {} queries is more than a run may make ({})",
                                  settings_.budget, kMaxQueriesPerRun));
  } else if (settings_.budget_unit == "epochs") {
    throw ConfigError(
        "budget_unit epochs counts epochs trained, for an evaluator that trains (evaluator: "
        "training); a benchmark charges its recorded seconds (budget_unit: seconds)");
  } else if (settings_.budget_unit != "queries") {
    throw ConfigError(
        UnknownNameMessage("budget unit", settings_.budget_unit, {"queries", "seconds"}));
  }
}

// The signal's table and column, and the fidelities strategies may ask for.
void PreparedSearch::ResolveSignal() {
  if (settings_.signal_device.empty()) {
    signal_ = &benchmark_.Metric(settings_.dataset, settings_.signal_metric);
    settings_.signal_epochs = ResolveEpochs(*signal_, settings_.signal_epochs, "signal_epochs",
                                            settings_.dataset + "/" + settings_.signal_metric);
    signal_column_ =
        signal_->ColumnOf(settings_.signal_epochs,
                          "metric " + Quote(settings_.dataset + "/" + settings_.signal_metric));
  } else {
    std::tie(signal_, signal_column_) =
        ResolveTable(benchmark_, settings_.signal_metric, settings_.signal_device, 0, true);
    if (settings_.signal_epochs == kUnsetEpochs) settings_.signal_epochs = 0;  // a device table
  }
  fidelities_ =
      signal_->epochs.empty() ? std::vector<int>{settings_.signal_epochs} : signal_->epochs;
  if (settings_.surrogate) {
    CheckSurrogateSettings();
    if (!signal_->epochs.empty()) fidelities_.resize(signal_column_ + 1);  // those it answers
  }
}

// The further objectives' tables and columns. A multi-objective search is searched among the
// architectures that have every objective (PrepareDomain).
void PreparedSearch::PrepareObjectives() {
  for (const auto& o : settings_.objectives) {
    objective_columns_.push_back(ReferencedColumn(benchmark_, o, "objective " + Quote(o.text)));
    RefuseHeldOut(*objective_columns_.back().first, o, "objective " + Quote(o.text));
  }
}

void PreparedSearch::PrepareDomain() {
  // A sparse benchmark is searched among the rows whose signal was measured at the signal's
  // fidelity and every lower one (multi-fidelity strategies climb up to it); with a surrogate, the
  // whole space.
  std::vector<ArchId> measured;
  for (std::size_t row = 0; row < benchmark_.NumRows(); ++row) {
    bool complete = true;
    for (std::size_t c = 0; c <= signal_column_; ++c) complete &= !std::isnan(signal_->At(row, c));
    for (std::size_t k = 0; k < objective_columns_.size(); ++k) {
      complete &= !std::isnan(ObjectiveValue(k, row));
    }
    if (complete) measured.push_back(benchmark_.data().archs[row]);
  }
  if (measured.empty()) {
    throw DataError(
        benchmark_.path() + ": the signal " +
        Quote((settings_.signal_device.empty() ? settings_.dataset : settings_.signal_device) +
              "/" + settings_.signal_metric) +
        " was measured for no architecture" +
        (objective_columns_.empty() ? "" : " (with every objective)") +
        (settings_.signal_device.empty()
             ? " at " + std::to_string(settings_.signal_epochs) + " epochs"
             : ""));
  }
  if (!settings_.surrogate && (!benchmark_.Complete() || measured.size() < benchmark_.NumRows())) {
    domain_ = std::make_shared<RecordedSubspace>(benchmark_.space(), std::move(measured));
  }
}

void PreparedSearch::PrepareWarmStart() {
  const auto& domain = domain_ ? domain_->recorded() : benchmark_.data().archs;
  warm_start_candidates_ =
      WarmStartCandidates(benchmark_, space(), domain, settings_.dataset, settings_.warm_start);
  if (settings_.warm_start.seconds_per_score > 0 && settings_.budget_unit != "seconds") {
    throw ConfigError(
        "warm_start.seconds_per_score charges simulated seconds: it needs budget_unit: seconds");
  }
}

// Which rows satisfy every constraint, and what an infeasible architecture is told.
void PreparedSearch::PrepareConstraints() {
  if (!settings_.constraints.empty()) {
    feasible_.assign(benchmark_.NumRows(), 1);
    for (const auto& c : settings_.constraints) {
      const auto [table, column] = ReferencedColumn(benchmark_, c, "constraint " + Quote(c.text));
      RefuseHeldOut(*table, c, "constraint " + Quote(c.text));
      for (std::size_t row = 0; row < benchmark_.NumRows(); ++row) {
        const float v = table->At(row, column);  // NaN (not measured) is infeasible
        feasible_[row] &= c.at_most ? v <= c.bound : v >= c.bound;
      }
    }
  }
  if (!feasible_.empty() && std::find(feasible_.begin(), feasible_.end(), 1) == feasible_.end()) {
    std::string texts;
    for (const auto& c : settings_.constraints)
      texts += (texts.empty() ? "" : ", ") + Quote(c.text);
    throw ConfigError(benchmark_.path() + ": no architecture satisfies the constraints " + texts);
  }
  infeasible_signal_ = INFINITY;
  for (std::size_t row = 0; row < benchmark_.NumRows(); ++row) {
    const float v = signal_->At(row, signal_column_);
    if (!std::isnan(v)) {
      infeasible_signal_ =
          std::min(infeasible_signal_, settings_.minimize ? -double{v} : double{v});
    }
  }
}

// The report datasets' tables and columns, and their optima among what strategies may propose.
void PreparedSearch::PrepareReports() {
  report_datasets_ = ReportTargets(settings_);
  for (const auto& d : report_datasets_) {
    if (settings_.report_device.empty()) {
      reports_.push_back(&benchmark_.Metric(d, settings_.report_metric));
      settings_.report_epochs = ResolveEpochs(*reports_.back(), settings_.report_epochs,
                                              "report_epochs", d + "/" + settings_.report_metric);
      report_columns_.push_back(reports_.back()->ColumnOf(
          settings_.report_epochs, "metric " + Quote(d + "/" + settings_.report_metric)));
    } else {
      const auto [table, column] = ResolveTable(benchmark_, settings_.report_metric, d, 0, true);
      if (settings_.report_epochs == kUnsetEpochs) settings_.report_epochs = 0;
      reports_.push_back(table);
      report_columns_.push_back(column);
    }
    // The optimum among what the strategies may propose, so that regret is reachable; unknown
    // for a surrogate's whole space.
    float best = NAN;
    for (std::size_t row = 0; !settings_.surrogate && row < benchmark_.NumRows(); ++row) {
      if (domain_ && !domain_->Contains(benchmark_.data().archs[row])) continue;
      if (!Feasible(row)) continue;
      const float v = reports_.back()->At(row, report_columns_.back());
      if (!std::isnan(v) && (std::isnan(best) || (settings_.minimize ? v < best : v > best))) {
        best = v;
      }
    }
    best_reports_.push_back(best);
  }
}

void PreparedSearch::PrepareCostModels() {
  // A model per fidelity the signal has (multi-fidelity strategies query several); the signal's
  // own fidelity must have one, the others only if the cost table records them.
  const std::string cost_dataset =
      settings_.cost_dataset.empty() ? settings_.dataset : settings_.cost_dataset;
  const Table* cost_table = benchmark_.FindTable("cost/" + cost_dataset + "/train_seconds");
  const std::vector<int> epochs =
      signal_->epochs.empty() ? std::vector<int>{settings_.signal_epochs} : signal_->epochs;
  costs_.resize(epochs.size());
  for (std::size_t f = 0; f < epochs.size(); ++f) {
    const bool recorded =
        cost_table && std::find(cost_table->epochs.begin(), cost_table->epochs.end(), epochs[f]) !=
                          cost_table->epochs.end();
    if (recorded || f == signal_column_) {
      costs_[f] = std::make_shared<CostModel>(benchmark_, cost_dataset, epochs[f]);
    }
  }
  // The most queries a run may need: the budget over the cheapest query (charged repeats can
  // query one cell again and again), or every (cell, fidelity) once when repeats are free.
  double cheapest = INFINITY;
  for (std::size_t row = 0; row < benchmark_.NumRows(); ++row) {
    if (domain_ && !domain_->Contains(benchmark_.data().archs[row])) continue;
    for (std::size_t f = 0; f < costs_.size(); ++f) {
      if (costs_[f]) cheapest = std::min(cheapest, Seconds(row, f));
    }
  }
  double most = cheapest > 0 ? settings_.budget / cheapest : INFINITY;
  if (!settings_.charge_repeats) {
    most = std::min(most, static_cast<double>(space().Size()) * static_cast<double>(costs_.size()));
  }
  if (most > static_cast<double>(kMaxQueriesPerRun)) {
    throw ConfigError(fmt::format(
        "a run could need {:.3g} queries (budget {} s, cheapest query {:.3g} s; at most {} per "
        "run): lower the budget, raise cost_scale, or leave charge_repeats off",
        most, settings_.budget, cheapest, kMaxQueriesPerRun));
  }
}

void PreparedSearch::CheckSurrogateSettings() const {
  auto refuse = [](const std::string& what) {
    throw ConfigError("surrogate: " + what +
                      " is not supported with a surrogate evaluator, which answers a dataset's "
                      "metrics and training times");
  };
  if (!settings_.signal_device.empty() || !settings_.report_device.empty()) {
    refuse("a device objective");
  }
  if (!settings_.constraints.empty()) refuse("a constraint");
  if (!settings_.objectives.empty()) refuse("a further objective");
  if (settings_.signal_random_seed) refuse("signal_seed: random");
}

void PreparedSearch::FitSurrogates() {
  auto fit = [&](const std::string& group, const std::string& dataset, const std::string& metric,
                 int epochs) {
    SurrogateSettings target = *settings_.surrogate;
    target.group = group;
    target.dataset = dataset;
    target.metric = metric;
    target.epochs = epochs;
    return std::make_shared<const SurrogateModel>(FitSurrogateModel(benchmark_, target));
  };
  SearchSurrogate surrogate;
  const std::string cost_dataset =
      settings_.cost_dataset.empty() ? settings_.dataset : settings_.cost_dataset;
  for (int epochs : fidelities_) {
    surrogate.signal.push_back(fit("metrics", settings_.dataset, settings_.signal_metric,
                                   signal_->epochs.empty() ? 0 : epochs));
    if (settings_.budget_unit != "seconds") continue;
    surrogate.seconds.push_back(fit("cost", cost_dataset, "train_seconds", epochs));
    const auto& recorded = surrogate.seconds.back()->recorded_values;
    surrogate.min_seconds.push_back(*std::min_element(recorded.begin(), recorded.end()));
  }
  for (const auto& dataset : report_datasets_) {
    const bool same = dataset == settings_.dataset &&
                      settings_.report_metric == settings_.signal_metric &&
                      settings_.report_epochs == settings_.signal_epochs;
    surrogate.reports.push_back(
        same ? surrogate.signal.back()
             : fit("metrics", dataset, settings_.report_metric, settings_.report_epochs));
  }
  if (settings_.budget_unit == "seconds") {
    const double cheapest =
        *std::min_element(surrogate.min_seconds.begin(), surrogate.min_seconds.end()) *
        settings_.cost_scale;
    if (!(cheapest > 0) || settings_.budget / cheapest > static_cast<double>(kMaxQueriesPerRun)) {
      throw ConfigError(fmt::format(
          "surrogate: a run could need {:.3g} queries (budget {} s, cheapest recorded training "
          "{:.3g} s; at most {} per run): lower the budget or raise cost_scale",
          settings_.budget / cheapest, settings_.budget, cheapest, kMaxQueriesPerRun));
    }
  }
  surrogate_ = std::move(surrogate);
}

double PreparedSearch::Seconds(std::size_t row, std::size_t fidelity) const {
  if (costs_.empty()) return 0;
  if (!costs_[fidelity]) {
    throw DataError(benchmark_.path() + ": no training times at fidelity " +
                    std::to_string(fidelity) + " of " + settings_.dataset + "/" +
                    settings_.signal_metric + " to charge a seconds budget with");
  }
  return costs_[fidelity]->Seconds(row) * settings_.cost_scale;
}

void PreparedSearch::PrepareProblem() {
  const SearchSettings& s = settings_;
  SearchProblem& problem = problem_;
  problem.space = &space();
  problem.fidelities = fidelities_;
  problem.default_fidelity = signal_column_;
  problem.objectives = {{s.signal_metric, s.signal_device.empty() ? s.dataset : s.signal_device,
                         s.signal_epochs, s.minimize}};
  for (std::size_t k = 0; k < s.objectives.size(); ++k) {
    const auto& [table, column] = objective_columns_[k];
    problem.objectives.push_back({s.objectives[k].metric, s.objectives[k].on,
                                  table->epochs.empty() ? 0 : table->epochs[column],
                                  !s.objectives[k].maximize});
  }
  if (!s.scalarization.key.empty()) {
    problem.scalarization = ScalarizationRegistry::Global().Create(
        s.scalarization.key, s.scalarization.options, {problem.objectives});
  }
  for (const auto& c : s.constraints) problem.constraints.push_back(c.text);
  for (const auto& d : report_datasets_) {
    problem.reports.push_back(s.report_metric + " on " + d);
  }
  // A scalarised signal's worst value is not the table's: the worst told so far instead.
  problem.infeasible_signal = problem.scalarization ? NAN : infeasible_signal_;
}

std::vector<double> PreparedSearch::SearchPoint(std::size_t row) const {
  std::vector<double> point{problem_.objectives[0].Oriented(signal_->At(row, signal_column_))};
  for (std::size_t k = 0; k < objective_columns_.size(); ++k) {
    point.push_back(problem_.objectives[k + 1].Oriented(ObjectiveValue(k, row)));
  }
  return point;
}

std::vector<double> PreparedSearch::ReportPoint(std::size_t row) const {
  std::vector<double> point = SearchPoint(row);
  point[0] = problem_.objectives[0].Oriented(Report(0, row));
  return point;
}

namespace {

// The reference point below a true front: `first` for the first objective, the front's worst
// value for each other one.
std::vector<double> ReferenceBelow(const ObjectivePoints& points,
                                   const std::vector<std::size_t>& front, double first) {
  std::vector<double> reference(points.front().size(), INFINITY);
  reference[0] = first;
  for (std::size_t i : front) {
    for (std::size_t d = 1; d < reference.size(); ++d) {
      reference[d] = std::min(reference[d], points[i][d]);
    }
  }
  return reference;
}

ObjectivePoints Subset(const ObjectivePoints& points, const std::vector<std::size_t>& indices) {
  ObjectivePoints subset;
  for (std::size_t i : indices) subset.push_back(points[i]);
  return subset;
}

}  // namespace

// The true fronts over every feasible architecture strategies may propose, and their volumes.
void PreparedSearch::PrepareParetoQuality() {
  if (settings_.surrogate) return;  // refused by CheckSurrogateSettings; the optimum is unknown
  if (problem_.objectives.size() > 3) {
    throw ConfigError(
        fmt::format("objectives: {} objectives in all; hypervolumes are exact for two or three",
                    problem_.objectives.size()));
  }
  ObjectivePoints search_points, report_points;
  for (std::size_t row = 0; row < benchmark_.NumRows(); ++row) {
    if (domain_ && !domain_->Contains(benchmark_.data().archs[row])) continue;
    if (!Feasible(row) || std::isnan(Report(0, row))) continue;
    search_points.push_back(SearchPoint(row));
    report_points.push_back(ReportPoint(row));
  }
  if (search_points.empty()) {
    throw DataError(benchmark_.path() + ": no feasible architecture has every objective and " +
                    Quote(report_datasets_[0] + "/" + settings_.report_metric));
  }
  const double margin = settings_.hypervolume_margin;
  const auto search_front = NonDominated(search_points);
  const auto report_front = NonDominated(report_points);
  double best_search = -INFINITY, best_report = -INFINITY;
  for (std::size_t i : search_front) best_search = std::max(best_search, search_points[i][0]);
  for (std::size_t i : report_front) best_report = std::max(best_report, report_points[i][0]);
  ParetoQuality q;
  q.search_reference = ReferenceBelow(search_points, search_front, best_search - margin);
  q.report_reference =
      ReferenceBelow(report_points, report_front,
                     std::isnan(settings_.hypervolume_floor)
                         ? best_report - margin
                         : problem_.objectives[0].Oriented(settings_.hypervolume_floor));
  q.search_front = Subset(search_points, search_front);
  std::sort(q.search_front.begin(), q.search_front.end(), std::greater<>());
  q.search_hypervolume = Hypervolume(q.search_front, q.search_reference);
  q.report_hypervolume = Hypervolume(Subset(report_points, report_front), q.report_reference);
  if (q.search_hypervolume <= 0 || q.report_hypervolume <= 0) {
    throw ConfigError(fmt::format(
        "objectives: the true front has no volume above the reference point (search {:g}, "
        "report {:g}): lower hypervolume_floor or raise hypervolume_margin",
        q.search_hypervolume, q.report_hypervolume));
  }
  q.report_ceiling =
      Hypervolume(Subset(report_points, search_front), q.report_reference) / q.report_hypervolume;
  pareto_quality_ = std::move(q);
}

HypervolumeRatios PreparedSearch::Ratios(const RunTrace& trace) const {
  HypervolumeRatios ratios;
  if (!pareto_quality_) return ratios;
  const ParetoQuality& q = *pareto_quality_;
  // The archive of what the run saw: non-dominated oriented values, one per architecture.
  ObjectivePoints seen, reported;
  std::vector<ArchId> archs;
  double search = 0, report = 0;
  for (std::size_t i = 0; i < trace.arch.size(); ++i) {
    const auto row = benchmark_.RowOf(trace.arch[i]);
    if (trace.fidelity[i] == signal_column_ && row && Feasible(*row) &&
        std::find(archs.begin(), archs.end(), trace.arch[i]) == archs.end()) {
      std::vector<double> point;
      for (std::size_t d = 0; d < trace.objectives[i].size(); ++d) {
        point.push_back(problem_.objectives[d].Oriented(trace.objectives[i][d]));
      }
      const bool dominated =
          std::any_of(seen.begin(), seen.end(), [&](const auto& s) { return Dominates(s, point); });
      if (!dominated) {
        for (std::size_t k = seen.size(); k-- > 0;) {
          if (Dominates(point, seen[k])) {
            seen.erase(seen.begin() + static_cast<std::ptrdiff_t>(k));
            reported.erase(reported.begin() + static_cast<std::ptrdiff_t>(k));
            archs.erase(archs.begin() + static_cast<std::ptrdiff_t>(k));
          }
        }
        seen.push_back(point);
        reported.push_back(ReportPoint(*row));
        archs.push_back(trace.arch[i]);
        search = Hypervolume(seen, q.search_reference) / q.search_hypervolume;
        report = Hypervolume(reported, q.report_reference) / q.report_hypervolume;
      }
    }
    ratios.search.push_back(search);
    ratios.report.push_back(report);
  }
  return ratios;
}

std::vector<std::string> ReportTargets(const SearchSettings& s) {
  if (!s.report_device.empty()) return {s.report_device};
  return s.report_datasets.empty() ? std::vector<std::string>{s.dataset} : s.report_datasets;
}

SearchProblem ProblemWithoutBenchmark(const SearchSpace& space, const SearchSettings& s) {
  auto refuse = [](const std::string& key) {
    throw ConfigError(key + " needs a benchmark file; the suite names a space only");
  };
  if (!s.warm_start.proxy.empty()) refuse("warm_start");
  if (s.surrogate) refuse("surrogate");
  if (s.signal_random_seed) refuse("signal_seed: random");
  if (s.evaluator.key.empty()) {
    throw ConfigError(
        "the suite names no benchmark: name an evaluator that needs none (`evaluator: KEY`; "
        "`naskit list evaluators`)");
  }
  if (!s.cost_dataset.empty()) refuse("cost_dataset");
  if (!s.objectives.empty()) refuse("objectives");
  if (!s.scalarization.key.empty()) refuse("scalarization");
  SearchProblem problem;
  problem.space = &space;
  if (!s.fidelities.empty()) problem.fidelities = s.fidelities;
  if (s.signal_epochs == kUnsetEpochs) {
    if (s.fidelities.empty()) problem.fidelities = {0};
    problem.default_fidelity = problem.fidelities.size() - 1;
  } else if (s.fidelities.empty()) {
    problem.fidelities = {s.signal_epochs};
  } else {
    const auto it = std::find(s.fidelities.begin(), s.fidelities.end(), s.signal_epochs);
    if (it == s.fidelities.end()) {
      throw ConfigError(
          fmt::format("signal_epochs {} is not one of the fidelities", s.signal_epochs));
    }
    problem.default_fidelity = static_cast<std::size_t>(it - s.fidelities.begin());
  }
  problem.objectives = {{s.signal_metric, s.signal_device.empty() ? s.dataset : s.signal_device,
                         problem.fidelities[problem.default_fidelity], s.minimize}};
  for (const auto& c : s.constraints) problem.constraints.push_back(c.text);
  for (const auto& d : ReportTargets(s)) problem.reports.push_back(s.report_metric + " on " + d);
  return problem;
}

SearchBudget BudgetOf(const SearchSettings& s) {
  SearchBudget budget{s.budget_unit, s.budget, s.workers, s.charge_repeats};
  budget.seconds_per_score = s.zc_seconds_per_score;
  return budget;
}

RunTrace ExecuteRun(const PreparedSearch& search, const std::string& strategy_key,
                    const OptionValues& options, std::uint64_t seed) {
  return ExecuteRun(search.problem(), search.settings(), &search, strategy_key, options, seed);
}

RunTrace ExecuteRun(const SearchProblem& problem, const SearchSettings& settings,
                    const PreparedSearch* search, const std::string& strategy_key,
                    const OptionValues& options, std::uint64_t seed, const std::string& work_dir) {
  SearchBudget budget = BudgetOf(settings);
  // With a warm start, strategies search a space whose first samples are the proxy's picks, and
  // scoring its pool happens before the first query, at its charged cost.
  std::optional<WarmStartSpace> warm_space;
  if (search && !search->warm_start_candidates().empty()) {
    const auto& candidates = search->warm_start_candidates();
    warm_space.emplace(*problem.space, WarmStartPicks(candidates, settings.warm_start,
                                                      Rng(seed).Derive("warm start")));
    budget.start_seconds =
        settings.warm_start.seconds_per_score *
        static_cast<double>(std::min<std::size_t>(
            candidates.size(), static_cast<std::size_t>(settings.warm_start.pool)));
  }
  const EvaluatorContext evaluator_context{problem,     search,  seed, budget.start_seconds,
                                           budget.unit, work_dir};
  const auto evaluator = EvaluatorRegistry::Global().Create(
      settings.evaluator.key, settings.evaluator.options, evaluator_context);
  if (auto starts = evaluator->StartingPoints(); !starts.empty()) {
    if (warm_space)
      throw ConfigError("warm_start and an evaluator's own starting points exclude each other");
    warm_space.emplace(*problem.space, std::move(starts));
  }
  ZeroCostMeter zero_cost_meter;
  budget.zero_cost_meter = &zero_cost_meter;
  const StrategyContext context{warm_space ? *warm_space : *problem.space,
                                problem.fidelities,
                                problem.default_fidelity,
                                Rng(seed).Derive("strategy"),
                                search ? &search->benchmark() : nullptr,
                                settings.dataset,
                                &zero_cost_meter};
  const auto strategy = StrategyRegistry::Global().Create(strategy_key, options, context);
  return RunSearch(problem, budget, *evaluator, *strategy);
}

}  // namespace naskit
