// The suite runner; see suite_runner.h.
#include "experiments/suite_runner.h"

#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "experiments/run_result.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

using Json = nlohmann::ordered_json;

// float32 table values as the shortest decimal that reads back to the same float, so result files
// show 94.3733 rather than 94.37329864501953.
double Decimal(float v) { return std::isnan(v) ? NAN : std::stod(fmt::format("{}", v)); }

}  // namespace

std::string RunResultJson(const Suite& suite, const PlannedRun& run, const PreparedSearch& search,
                          const RunTrace& trace) {
  const TabularBenchmark& benchmark = search.benchmark();
  const SearchSettings& s = search.settings();
  const SuiteStrategy& strategy = suite.strategies[run.strategy];
  Json j;
  j["format"] = kRunResultFormat;
  j["format_version"] = kRunResultFormatVersion;
  j["naskit_version"] = NASKIT_VERSION;
  j["suite"] = suite.name;
  j["run"] = run.key;
  j["experiment"] = suite.experiments[run.experiment].name;
  j["dataset"] = run.dataset;
  j["strategy"] = strategy.key;
  j["label"] = strategy.label;
  j["options"] = strategy.resolved;
  j["seed"] = run.seed;
  j["benchmark"] = {{"path", benchmark.path()},
                    {"name", benchmark.Attr("name")},
                    {"checksum", fmt::format("fnv1a64:{:016x}", benchmark.checksum())}};
  // A surrogate benchmark's values are predictions: every result says so, and how well they rank.
  if (const std::string predictor = benchmark.Attr("surrogate_predictor"); !predictor.empty()) {
    j["benchmark"]["surrogate"] = {
        {"predictor", predictor},
        {"target", benchmark.Attr("surrogate_target")},
        {"recorded", benchmark.Attr("surrogate_recorded")},
        {"holdout", benchmark.Attr("surrogate_holdout")},
        {"holdout_kendall_tau", benchmark.Attr("surrogate_holdout_kendall_tau")}};
  }
  if (const SearchSurrogate* surrogate = search.surrogate()) {
    auto describe = [](const SurrogateModel& m) {
      return Json{
          {"predictor", m.predictor_text},
          {"target", m.target_text},
          {"recorded", std::to_string(m.recorded.size())},
          {"holdout", fmt::format("{} of {}", m.holdout_measured.size(), m.recorded.size())},
          {"holdout_kendall_tau", fmt::format("{:.4f}", m.holdout_kendall_tau)}};
    };
    Json& j_surrogate = j["benchmark"]["surrogate"] = describe(surrogate->at_signal());
    j_surrogate["answers"] = "any architecture of the space, during the search";
    // The report's own models, where the report is not the signal.
    for (std::size_t d = 0; d < surrogate->reports.size(); ++d) {
      if (surrogate->reports[d] == surrogate->signal.back()) continue;
      j_surrogate["report"][search.report_datasets()[d]] = describe(*surrogate->reports[d]);
    }
  }
  j["signal"] = {{"metric", s.signal_metric}, {"epochs", s.signal_epochs}, {"dataset", s.dataset}};
  // Written only where they differ from the defaults, so that results of plain experiments keep
  // their bytes.
  if (!s.signal_device.empty()) j["signal"]["device"] = s.signal_device;
  if (s.signal_random_seed) j["signal"]["seed"] = "random";
  if (s.minimize) j["direction"] = "minimize";
  if (s.workers > 1) j["workers"] = s.workers;
  if (!s.warm_start.proxy.empty()) {
    j["warm_start"] = {{"proxy", s.warm_start.proxy},
                       {"pool", s.warm_start.pool},
                       {"top", s.warm_start.top},
                       {"seconds_per_score", s.warm_start.seconds_per_score}};
  }
  if (!s.constraints.empty()) {
    std::vector<std::string> texts;
    for (const auto& c : s.constraints) texts.push_back(c.text);
    j["constraints"] = texts;
  }
  Json best;
  for (std::size_t d = 0; d < search.report_datasets().size(); ++d)
    best[search.report_datasets()[d]] = Decimal(search.BestReport(d));
  j["report"] = {{"metric", s.report_metric},
                 {"epochs", s.report_epochs},
                 {"datasets", search.report_datasets()},
                 {"best_in_benchmark", best}};
  j["budget"] = {{"unit", s.budget_unit}, {"amount", s.budget}};
  if (s.budget_unit == "seconds") {
    const SearchSurrogate* surrogate = search.surrogate();
    j["cost"] = {{"scale", s.cost_scale},
                 {"source", surrogate ? fmt::format("{}'s predictions of {} (Kendall tau {:.4f} on "
                                                    "held-out recorded trainings), at least the "
                                                    "cheapest recorded training",
                                                    surrogate->seconds.back()->predictor_text,
                                                    surrogate->seconds.back()->target_text,
                                                    surrogate->seconds.back()->holdout_kendall_tau)
                                      : search.cost()->Description()},
                 {"modelled_queries", trace.modelled_cost_queries},
                 {"charge_repeats", s.charge_repeats}};
  }
  j["free_repeats"] = trace.free_repeats;
  j["stalled"] = trace.stalled;

  // A benchmark index per architecture; null for one a surrogate answered that the benchmark
  // does not record.
  auto index_of = [&](ArchId arch) -> Json {
    if (const auto row = benchmark.RowOf(arch)) return benchmark.data().index[*row];
    return nullptr;
  };
  const std::size_t n = trace.arch.size();
  Json final_result;
  final_result["queries"] = n;
  final_result["seconds"] = n ? trace.seconds.back() : 0.0;
  if (n && !trace.incumbent.back()) {
    // No query reached the signal's fidelity (or satisfied the constraints): nothing was chosen.
    final_result["incumbent_index"] = nullptr;
    final_result["incumbent"] = nullptr;
  } else if (n) {
    const ArchId inc = *trace.incumbent.back();
    final_result["incumbent_index"] = index_of(inc);
    final_result["incumbent"] = benchmark.space().Format(inc);
    final_result["signal"] =
        search.surrogate()
            ? Decimal(static_cast<float>(
                  search.surrogate()->at_signal().predictor->PredictMean({&inc, 1}).front()))
            : Decimal(search.signal().At(*benchmark.RowOf(inc), search.signal_column()));
    Json report;
    for (std::size_t d = 0; d < trace.report.size(); ++d)
      report[search.report_datasets()[d]] = Decimal(trace.report[d].back());
    final_result["report"] = report;
  }
  j["final"] = final_result;

  Json t;
  Json index = Json::array();
  Json incumbent = Json::array();
  std::vector<double> signal;
  for (std::size_t i = 0; i < n; ++i) {
    index.push_back(index_of(trace.arch[i]));
    incumbent.push_back(trace.incumbent[i] ? index_of(*trace.incumbent[i]) : Json(nullptr));
    signal.push_back(Decimal(trace.signal[i]));
  }
  t["index"] = index;
  if (search.surrogate()) {
    // Architectures a surrogate answered need not be in the benchmark: name them.
    std::vector<std::string> archs;
    for (ArchId arch : trace.arch) archs.push_back(benchmark.space().Format(arch));
    t["arch"] = archs;
  }
  t["signal"] = signal;
  if (s.budget_unit == "seconds") {
    std::vector<double> seconds;
    for (double x : trace.seconds) seconds.push_back(std::round(x * 1000) / 1000);
    t["seconds"] = seconds;
  }
  t["incumbent_index"] = incumbent;
  Json report;
  for (std::size_t d = 0; d < trace.report.size(); ++d) {
    std::vector<double> values;
    for (float v : trace.report[d]) values.push_back(Decimal(v));
    report[search.report_datasets()[d]] = values;
  }
  t["incumbent_report"] = report;
  j["trajectory"] = t;
  // Wall-clock times, to the microsecond: the only part of a result that differs between two
  // runs of the same suite (tests compare results without it).
  auto micro = [](double s) { return std::round(s * 1e6) / 1e6; };
  Json timing;
  timing["wall_seconds"] = micro(trace.wall_seconds);
  for (const auto& [part, seconds] : trace.part_seconds) {
    timing[part + "_seconds"] = micro(seconds);
  }
  j["timing"] = timing;
  return j.dump() + "\n";
}

RunnerSummary RunSuite(const Suite& suite, const RunnerOptions& options) {
  CheckRunnerOptions(options);
  // Everything is checked before the first run starts: benchmark, names, options.
  const TabularBenchmark benchmark = TabularBenchmark::Open(suite.benchmark);
  const auto runs = PlanRuns(suite);
  std::map<std::string, std::unique_ptr<PreparedSearch>> searches;
  auto search_key = [](const PlannedRun& r) {
    return fmt::format("{}/{}/{}", r.experiment, r.dataset, r.budget);
  };
  for (const auto& run : runs) {
    auto& slot = searches[search_key(run)];
    if (!slot) {
      try {
        slot = std::make_unique<PreparedSearch>(benchmark, SettingsOf(suite, run));
      } catch (const ConfigError& e) {
        throw ConfigError(suite.path + ": experiment " +
                          Quote(suite.experiments[run.experiment].name) + ": " + e.what());
      }
    }
  }
  // Every strategy is built once here, single-threaded: a plugin library it needs (a LibTorch
  // predictor) is loaded before the pool starts (core/plugins.h).
  if (!searches.empty()) {
    const PreparedSearch& search = *searches.begin()->second;
    StrategyContext context{search.space(), search.fidelities(), search.signal_fidelity(), Rng(0)};
    for (const auto& strategy : suite.strategies) {
      StrategyRegistry::Global().Create(strategy.key, strategy.options, context);
    }
  }
  std::vector<std::string> keys;
  for (const auto& run : runs) keys.push_back(run.key);
  const JobFolder folder{"run", suite.name, suite.canonical_yaml,
                         fmt::format("fnv1a64:{:016x}\n", benchmark.checksum()), suite.benchmark};
  return RunJobs(
      folder, keys,
      [&](std::size_t i) {
        const PlannedRun& run = runs[i];
        const PreparedSearch& search = *searches.at(search_key(run));
        const SuiteStrategy& strategy = suite.strategies[run.strategy];
        const RunTrace trace = ExecuteRun(search, strategy.key, strategy.options, run.seed);
        return RunResultJson(suite, run, search, trace);
      },
      options);
}

}  // namespace naskit
