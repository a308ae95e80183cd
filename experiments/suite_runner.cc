// The suite runner; see suite_runner.h.
#include "experiments/suite_runner.h"

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "experiments/training_benchmark.h"
#include "records/run_result.h"
#include "records/statistics.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

using Json = RunResult::Json;

// float32 table values as the shortest decimal that reads back to the same float, so result files
// show 94.3733 rather than 94.37329864501953.
double Decimal(float v) { return std::isnan(v) ? NAN : std::stod(fmt::format("{}", v)); }

// What one result file describes: the run's problem and settings, and the benchmark's preparation
// (null when the suite names a space and no benchmark).
struct RunView {
  const Suite& suite;
  const PlannedRun& run;
  const SearchProblem& problem;
  const SearchSettings& settings;
  const PreparedSearch* search;
  const std::vector<std::string>& report_datasets;
};

Json SurrogateJson(const PreparedSearch& search) {
  const SearchSurrogate& surrogate = *search.surrogate();
  auto describe = [](const SurrogateModel& m) {
    return Json{{"predictor", m.predictor_text},
                {"target", m.target_text},
                {"recorded", std::to_string(m.recorded.size())},
                {"holdout", fmt::format("{} of {}", m.holdout_measured.size(), m.recorded.size())},
                {"holdout_kendall_tau", fmt::format("{:.4f}", m.holdout_kendall_tau)}};
  };
  Json j = describe(surrogate.at_signal());
  j["answers"] = "any architecture of the space, during the search";
  // The report's own models, where the report is not the signal.
  for (std::size_t d = 0; d < surrogate.reports.size(); ++d) {
    if (surrogate.reports[d] == surrogate.signal.back()) continue;
    j["report"][search.report_datasets()[d]] = describe(*surrogate.reports[d]);
  }
  return j;
}

// The benchmark a run read; without one, the space and the evaluator that answered instead.
Json BenchmarkJson(const RunView& v) {
  if (!v.search) {
    return {
        {"path", ""}, {"space", v.problem.space->Name()}, {"evaluator", v.settings.evaluator.key}};
  }
  const TabularBenchmark& benchmark = v.search->benchmark();
  Json j = {{"path", benchmark.path()},
            {"name", benchmark.Attr("name")},
            {"checksum", fmt::format("fnv1a64:{:016x}", benchmark.checksum())}};
  // A surrogate benchmark's values are predictions: every result says so, and how well they rank.
  if (const std::string predictor = benchmark.Attr("surrogate_predictor"); !predictor.empty()) {
    j["surrogate"] = {{"predictor", predictor},
                      {"target", benchmark.Attr("surrogate_target")},
                      {"recorded", benchmark.Attr("surrogate_recorded")},
                      {"holdout", benchmark.Attr("surrogate_holdout")},
                      {"holdout_kendall_tau", benchmark.Attr("surrogate_holdout_kendall_tau")}};
  }
  if (v.search->surrogate()) j["surrogate"] = SurrogateJson(*v.search);
  return j;
}

// The signal, and the settings that differ from the defaults (only those are written, so that
// results of plain experiments keep their bytes); the report and the budget.
void RecordSettings(const RunView& v, RunResult& r) {
  const SearchSettings& s = v.settings;
  r.signal = {{"metric", s.signal_metric},
              {"epochs", v.problem.objectives.front().epochs},
              {"dataset", s.dataset}};
  if (!s.signal_device.empty()) r.signal["device"] = s.signal_device;
  if (s.signal_random_seed) r.signal["seed"] = "random";
  r.minimize = s.minimize;
  if (s.workers > 1) r.settings["workers"] = s.workers;
  if (!s.evaluator.options.empty()) r.settings["evaluator_options"] = s.evaluator.options;
  if (!s.warm_start.proxy.empty()) {
    r.settings["warm_start"] = {{"proxy", s.warm_start.proxy},
                                {"pool", s.warm_start.pool},
                                {"top", s.warm_start.top},
                                {"seconds_per_score", s.warm_start.seconds_per_score}};
    // Fewer cells have the proxy than the pool asked for: the pool scored is all of them.
    if (const std::size_t have = v.search ? v.search->warm_start_candidates().size() : 0;
        have < static_cast<std::size_t>(s.warm_start.pool)) {
      r.settings["warm_start"]["pool_scored"] = have;
    }
  }
  if (s.zc_seconds_per_score >= 0) r.settings["zc_seconds_per_score"] = s.zc_seconds_per_score;
  if (!v.problem.constraints.empty()) r.settings["constraints"] = v.problem.constraints;
  if (!s.scalarization.key.empty()) {
    r.settings["scalarization"] = {{"name", s.scalarization.key}};
    for (const auto& [key, value] : s.scalarization.options) {
      r.settings["scalarization"][key] = value;
    }
  }
  if (!s.objectives.empty()) {
    Json texts = Json::array();
    for (const auto& o : s.objectives) texts.push_back(o.text);
    r.settings["objectives"] = texts;
  }
  r.report_metric = s.report_metric;
  // Without a benchmark the evaluator reports at the signal's fidelity (a training's length).
  r.report_epochs = v.search ? s.report_epochs
                    : s.report_epochs != kUnsetEpochs
                        ? s.report_epochs
                        : v.problem.fidelities[v.problem.default_fidelity];
  r.report_datasets = v.report_datasets;
  for (std::size_t d = 0; d < v.report_datasets.size(); ++d) {
    r.best.push_back(v.search ? Decimal(v.search->BestReport(d)) : NAN);
  }
  r.budget_unit = s.budget_unit;
  r.budget = s.budget;
}

Json CostJson(const RunView& v, const RunTrace& trace) {
  const SearchSettings& s = v.settings;
  const SearchSurrogate* surrogate = v.search ? v.search->surrogate() : nullptr;
  std::string source = "the evaluator's clock";
  if (surrogate) {
    const SurrogateModel& time = *surrogate->seconds.back();
    source = fmt::format(
        "{}'s predictions of {} (Kendall tau {:.4f} on held-out recorded trainings), at least the "
        "cheapest recorded training",
        time.predictor_text, time.target_text, time.holdout_kendall_tau);
  } else if (v.search) {
    source = v.search->cost()->Description();
  }
  Json j = {{"scale", s.cost_scale},
            {"source", source},
            {"modelled_queries", trace.modelled_cost_queries},
            {"charge_repeats", s.charge_repeats}};
  if (s.zc_seconds_per_score >= 0) j["zero_cost_scores"] = trace.zero_cost_scores;
  return j;
}

// Whether the benchmark's table or surrogate answered the run's queries (not another evaluator on
// a benchmark's problem, such as a supernet).
bool AnsweredByBenchmark(const RunView& v) {
  return v.search && (v.search->settings().evaluator.key == "tabular" ||
                      v.search->settings().evaluator.key == "surrogate");
}

// The incumbent's signal: the table's (its mean over seeds) or the surrogate's; from another
// evaluator, the value its evaluation gave.
float IncumbentSignal(const RunView& v, const RunTrace& trace, ArchId inc) {
  if (AnsweredByBenchmark(v) && v.search->surrogate()) {
    return static_cast<float>(
        v.search->surrogate()->at_signal().predictor->PredictMean({&inc, 1}).front());
  }
  if (AnsweredByBenchmark(v)) {
    return v.search->signal().At(*v.search->benchmark().RowOf(inc), v.search->signal_column());
  }
  for (std::size_t i = 0; i < trace.arch.size(); ++i) {
    if (trace.arch[i] == inc) return trace.signal[i];
  }
  return NAN;
}

// How another evaluator's signal (a supernet's inherited-weight accuracy) ranks the distinct
// architectures it evaluated at the signal's fidelity, against the benchmark's report value on the
// first report dataset (Yu et al., ICLR 2020; Ning et al., NeurIPS 2021): Kendall's tau and the
// precision of the top 10 %. Architectures without finite values on both sides are left out.
Json SignalRanking(const RunView& v, const RunTrace& trace) {
  std::vector<double> signal, truth;
  std::set<ArchId> seen;
  for (std::size_t i = 0; i < trace.arch.size(); ++i) {
    if (trace.fidelity[i] != v.problem.default_fidelity || !seen.insert(trace.arch[i]).second) {
      continue;
    }
    const auto row = v.search->benchmark().RowOf(trace.arch[i]);
    const double report = row ? v.search->Report(0, *row) : NAN;
    if (!std::isfinite(report) || !std::isfinite(trace.signal[i])) continue;
    signal.push_back(trace.signal[i]);
    truth.push_back(report);
  }
  const bool enough = signal.size() >= 2;
  return {{"archs", signal.size()},
          {"kendall_tau", Decimal(enough ? KendallTau(signal, truth) : NAN)},
          {"top10_precision", Decimal(enough ? PrecisionAtTop(signal, truth, 0.1) : NAN)}};
}

// The trajectory, one entry per query, and the final incumbent.
void RecordQueries(const RunView& v, const RunTrace& trace, RunResult& r) {
  // A benchmark index per architecture; null for one the benchmark does not record.
  auto index_of = [&](ArchId arch) -> std::optional<std::uint32_t> {
    if (!v.search) return std::nullopt;
    const TabularBenchmark& benchmark = v.search->benchmark();
    if (const auto row = benchmark.RowOf(arch)) return benchmark.data().index[*row];
    return std::nullopt;
  };
  // Architectures a surrogate or another evaluator answered need not be in a benchmark: name them.
  r.names_archs = !v.search || v.search->surrogate();
  for (std::size_t i = 0; i < trace.arch.size(); ++i) {
    r.index.push_back(index_of(trace.arch[i]));
    if (r.names_archs) r.archs.push_back(v.problem.space->Format(trace.arch[i]));
    r.signal_values.push_back(Decimal(trace.signal[i]));
    r.incumbent_indices.push_back(trace.incumbent[i] ? index_of(*trace.incumbent[i])
                                                     : std::nullopt);
  }
  for (const auto& o : trace.objectives)
    r.objectives.emplace_back(o.view().begin(), o.view().end());
  r.pareto = trace.pareto;
  if (v.settings.budget_unit != "queries") {
    for (double x : trace.seconds) r.seconds.push_back(std::round(x * 1000) / 1000);
  }
  for (const auto& values : trace.report) {
    std::vector<double> curve;
    for (float x : values) curve.push_back(Decimal(x));
    r.curve.push_back(std::move(curve));
  }
  if (!AnsweredByBenchmark(v)) {
    // The incumbent's signal per query: the value its evaluation at the default fidelity gave.
    std::map<ArchId, float> signal_of;
    for (std::size_t i = 0; i < trace.arch.size(); ++i) {
      if (trace.fidelity[i] == v.problem.default_fidelity) {
        signal_of.try_emplace(trace.arch[i], trace.signal[i]);
      }
      r.incumbent_signals.push_back(trace.incumbent[i] ? Decimal(signal_of.at(*trace.incumbent[i]))
                                                       : NAN);
    }
  }
  if (v.search && !AnsweredByBenchmark(v)) r.signal_ranking = SignalRanking(v, trace);
  r.queries = trace.arch.size();
  r.final_seconds = r.queries ? trace.seconds.back() : 0.0;
  // No incumbent: no query reached the signal's fidelity (or satisfied the constraints).
  if (r.queries && trace.incumbent.back()) {
    const ArchId inc = *trace.incumbent.back();
    r.incumbent_index = index_of(inc);
    r.incumbent = v.problem.space->Format(inc);
    r.incumbent_signal = Decimal(IncumbentSignal(v, trace, inc));
  }
}

// A multi-objective run's hypervolume ratios per query, and what they are ratios of: reference
// points in the objectives' own units, the true search front and the true fronts' volumes, the
// reported ratio's ceiling.
void RecordHypervolumes(const RunView& v, const RunTrace& trace, RunResult& r) {
  const ParetoQuality& q = *v.search->pareto_quality();
  auto micro = [](double x) { return std::round(x * 1e6) / 1e6; };
  auto own_units = [&](const std::vector<double>& oriented) {
    Json point = Json::array();
    for (std::size_t d = 0; d < oriented.size(); ++d) {
      point.push_back(micro(v.problem.objectives[d].Oriented(oriented[d])));
    }
    return point;
  };
  Json front = Json::array();
  for (const auto& point : q.search_front) front.push_back(own_units(point));
  r.hypervolume = {{"search_reference", own_units(q.search_reference)},
                   {"search_front_volume", micro(q.search_hypervolume)},
                   {"search_front", front},
                   {"report_reference", own_units(q.report_reference)},
                   {"report_front_volume", micro(q.report_hypervolume)},
                   {"report_ceiling", micro(q.report_ceiling)}};
  r.report_hv_ceiling = micro(q.report_ceiling);
  const HypervolumeRatios ratios = v.search->Ratios(trace);
  for (double x : ratios.search) r.search_hv_ratio.push_back(micro(x));
  for (double x : ratios.report) r.report_hv_ratio.push_back(micro(x));
}

std::string ResultJson(const RunView& v, const RunTrace& trace) {
  const SuiteStrategy& strategy = v.suite.strategies[v.run.strategy];
  RunResult r;
  r.naskit_version = NASKIT_VERSION;
  r.suite = v.suite.name;
  r.run = v.run.key;
  r.experiment = v.suite.experiments[v.run.experiment].name;
  r.dataset = v.run.dataset;
  r.strategy = strategy.key;
  r.label = strategy.label;
  r.options = strategy.resolved;
  r.seed = v.run.seed;
  r.benchmark = BenchmarkJson(v);
  RecordSettings(v, r);
  if (v.settings.budget_unit == "seconds") r.cost = CostJson(v, trace);
  r.free_repeats = trace.free_repeats;
  r.failures = trace.failures;
  r.stalled = trace.stalled;
  RecordQueries(v, trace, r);
  if (v.search && v.search->pareto_quality()) RecordHypervolumes(v, trace, r);
  // Wall-clock times, to the microsecond: the only part of a result that differs between two runs
  // of the same suite (tests compare results without it).
  auto micro = [](double s) { return std::round(s * 1e6) / 1e6; };
  r.wall_seconds = micro(trace.wall_seconds);
  for (const auto& [part, seconds] : trace.part_seconds) {
    r.part_seconds.emplace_back(part, micro(seconds));
  }
  r.reused_evaluations = trace.reused_evaluations;
  return RunResultJson(r);
}

// One (experiment, dataset, budget) of a suite, shared by its runs: its problem, and the
// benchmark's preparation when the suite names a benchmark.
struct SuiteSearch {
  SearchSettings settings;
  std::unique_ptr<PreparedSearch> prepared;
  SearchProblem problem;
  std::vector<std::string> report_datasets;
};

std::unique_ptr<SuiteSearch> PrepareSearch(const Suite& suite, const PlannedRun& run,
                                           const TabularBenchmark* benchmark,
                                           const SearchSpace* space) {
  auto search = std::make_unique<SuiteSearch>();
  try {
    if (benchmark) {
      search->prepared = std::make_unique<PreparedSearch>(*benchmark, SettingsOf(suite, run));
      search->settings = search->prepared->settings();
      search->problem = search->prepared->problem();
      search->report_datasets = search->prepared->report_datasets();
    } else {
      search->settings = SettingsOf(suite, run);
      search->problem = ProblemWithoutBenchmark(*space, search->settings);
      search->report_datasets = ReportTargets(search->settings);
    }
  } catch (const ConfigError& e) {
    throw ConfigError(suite.path + ": experiment " + Quote(suite.experiments[run.experiment].name) +
                      ": " + e.what());
  }
  return search;
}

// The trainings a real-training search ran, as a benchmark file per recipe folder
// (experiments/training_benchmark.h), rewritten whenever the runs end.
void WriteTrainingsBenchmarks(const std::string& suite, const std::string& out_dir) {
  namespace fs = std::filesystem;
  const fs::path trainings = fs::path(out_dir) / kTrainingsFolder;
  if (!fs::is_directory(trainings)) return;
  for (const auto& entry : fs::directory_iterator(trainings)) {
    if (entry.is_directory() && fs::exists(entry.path() / "recipe.json")) {
      WriteTrainingsBenchmark(entry.path().string(), entry.path().string() + ".h5", suite);
    }
  }
}

}  // namespace

RunnerSummary RunSuite(const Suite& suite, const RunnerOptions& options) {
  CheckRunnerOptions(options);
  // Everything is checked before the first run starts: benchmark, names, options.
  std::optional<TabularBenchmark> benchmark;
  std::unique_ptr<SearchSpace> space;
  if (!suite.benchmark.empty()) {
    benchmark.emplace(TabularBenchmark::Open(suite.benchmark));
  } else {
    space = SpaceRegistry::Global().Create(suite.space, {});
  }
  const auto runs = PlanRuns(suite);
  const std::string out_dir = options.out_dir.empty() ? "results/" + suite.name : options.out_dir;
  std::map<std::string, std::unique_ptr<SuiteSearch>> searches;
  auto search_key = [](const PlannedRun& r) {
    return fmt::format("{}/{}/{}", r.experiment, r.dataset, r.budget);
  };
  for (const auto& run : runs) {
    auto& slot = searches[search_key(run)];
    if (!slot) slot = PrepareSearch(suite, run, benchmark ? &*benchmark : nullptr, space.get());
  }
  // Every strategy and evaluator is built once here, single-threaded: a plugin library one needs
  // (a LibTorch predictor) is loaded before the pool starts (core/plugins.h), and an evaluator that
  // cannot answer this suite fails before any run.
  for (const auto& [key, search] : searches) {
    const SearchProblem& problem = search->problem;
    const StrategyContext context{*problem.space,
                                  problem.fidelities,
                                  problem.default_fidelity,
                                  Rng(0),
                                  search->prepared ? &search->prepared->benchmark() : nullptr,
                                  search->settings.dataset};
    for (const auto& strategy : suite.strategies) {
      StrategyRegistry::Global().Create(strategy.key, strategy.options, context);
    }
    const EvaluatorContext evaluator_context{problem, search->prepared.get(),       0,
                                             0,       search->settings.budget_unit, out_dir};
    EvaluatorRegistry::Global().Create(search->settings.evaluator.key,
                                       search->settings.evaluator.options, evaluator_context);
  }
  std::vector<std::string> keys;
  for (const auto& run : runs) keys.push_back(run.key);
  const JobFolder folder{
      .command = "run",
      .name = suite.name,
      .definition = suite.canonical_yaml,
      .checksums = benchmark ? fmt::format("fnv1a64:{:016x}\n", benchmark->checksum()) : "none\n",
      .inputs = benchmark ? suite.benchmark : "no benchmark",
      .record_planned = true};
  RunnerSummary summary = RunJobs(
      folder, keys,
      [&](std::size_t i) {
        const PlannedRun& run = runs[i];
        const SuiteSearch& search = *searches.at(search_key(run));
        const SuiteStrategy& strategy = suite.strategies[run.strategy];
        const RunTrace trace = ExecuteRun(search.problem, search.settings, search.prepared.get(),
                                          strategy.key, strategy.options, run.seed, out_dir);
        return ResultJson({suite, run, search.problem, search.settings, search.prepared.get(),
                           search.report_datasets},
                          trace);
      },
      options);
  if (!summary.interrupted) WriteTrainingsBenchmarks(suite.name, out_dir);
  return summary;
}

}  // namespace naskit
