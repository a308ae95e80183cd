// Surrogates: the held-out ranking figure is Kendall's tau-b of the held-out architectures,
// recomputed here pair by pair from its definition; a materialised file and an on-the-fly surrogate
// evaluator answer for architectures the source does not record, with the fitted model's own
// predictions; results and the report say that values are predictions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "analysis/report.h"
#include "benchmarks_data/importer.h"
#include "core/errors.h"
#include "experiments/evaluator.h"
#include "experiments/suite_runner.h"
#include "experiments/surrogate.h"
#include "records/run_result.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

// Kendall's tau-b by its definition: (concordant - discordant) / sqrt((n0 - n1)(n0 - n2)), n1 and
// n2 the pairs tied in a and in b.
double TauBByDefinition(const std::vector<double>& a, const std::vector<double>& b) {
  double concordant = 0, discordant = 0, tied_a = 0, tied_b = 0, pairs = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = i + 1; j < a.size(); ++j) {
      ++pairs;
      const double x = a[i] - a[j], y = b[i] - b[j];
      tied_a += x == 0;
      tied_b += y == 0;
      concordant += x * y > 0;
      discordant += x * y < 0;
    }
  }
  return (concordant - discordant) / std::sqrt((pairs - tied_a) * (pairs - tied_b));
}

SurrogateSettings Settings() {
  SurrogateSettings s;
  s.dataset = "toy";
  s.metric = "valid_accuracy";
  s.epochs = 12;
  s.predictor = {"ridge", {}};
  s.holdout = 0.25;
  s.extra = 1000;
  s.seed = 5;
  return s;
}

TEST(SurrogateTest, RanksHeldOutArchitecturesAndAnswersForTheRest) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  const Surrogate surrogate = FitSurrogate(source, Settings());
  ASSERT_EQ(surrogate.model.holdout_measured.size(), 100u);
  EXPECT_EQ(surrogate.model.train, 300u);
  EXPECT_NEAR(surrogate.model.holdout_kendall_tau,
              TauBByDefinition(surrogate.model.holdout_measured, surrogate.model.holdout_predicted),
              1e-12);
  // The synthetic target is additive in the one-hot encoding: ridge ranks it well.
  EXPECT_GT(surrogate.model.holdout_kendall_tau, 0.6);
  // The held-out values are recorded ones.
  const Table& recorded = source.Get("metrics/toy/valid_accuracy");
  std::multiset<float> values(recorded.values.begin(), recorded.values.end());
  for (double v : surrogate.model.holdout_measured)
    EXPECT_TRUE(values.contains(static_cast<float>(v)));

  const BenchmarkData& data = surrogate.data;
  ASSERT_EQ(data.archs.size(), 1400u);
  std::set<ArchId> distinct(data.archs.begin(), data.archs.end());
  EXPECT_EQ(distinct.size(), 1400u);
  for (std::size_t row = 0; row < 400; ++row) {
    EXPECT_EQ(data.archs[row], source.data().archs[row]);
    EXPECT_EQ(data.index[row], source.data().index[row]);
  }
  const Table& predicted = data.tables.at("metrics/toy/valid_accuracy");
  for (float v : predicted.values) EXPECT_TRUE(std::isfinite(v));
  EXPECT_EQ(data.attrs.at("surrogate_holdout"), "100 of 400");
  EXPECT_EQ(data.attrs.at("surrogate_predictor"), "ridge");
  // The same seed gives the same file; the split depends on it.
  EXPECT_EQ(FitSurrogate(source, Settings()).data.tables.at("metrics/toy/valid_accuracy").values,
            predicted.values);
}

// A metric measured for a few of the benchmark's cells: the cells without it are drawn like any
// unrecorded architecture (keeping their public index), and the file names the metric's epochs.
TEST(SurrogateTest, AMetricMeasuredForFewCellsGetsItsExtraArchitecturesAndItsEpochs) {
  BenchmarkData sparse = testing::SyntheticSparse("nb201", 400, 1);
  std::vector<float>& values = sparse.tables.at("metrics/toy/valid_accuracy").values;
  std::fill(values.begin() + static_cast<std::ptrdiff_t>(values.size() / 4), values.end(), NAN);
  const TabularBenchmark source(std::move(sparse));
  SurrogateSettings settings = Settings();
  settings.epochs = 0;  // the only one recorded
  const Surrogate surrogate = FitSurrogate(source, settings);
  EXPECT_EQ(surrogate.model.recorded.size(), 100u);
  EXPECT_EQ(surrogate.extra, 1000u);
  const BenchmarkData& data = surrogate.data;
  ASSERT_EQ(data.archs.size(), 1100u);
  EXPECT_EQ(data.tables.at("metrics/toy/valid_accuracy").epochs, std::vector<int>{12});
  EXPECT_THAT(surrogate.model.target_text, ::testing::HasSubstr("at 12 epochs"));
  EXPECT_EQ(data.attrs.at("surrogate_drawn"), "1000 of 1000 asked");
  std::size_t held = 0;
  for (std::size_t i = 100; i < data.archs.size(); ++i) {
    if (const auto row = source.RowOf(data.archs[i])) {
      EXPECT_EQ(data.index[i], source.data().index[*row]);
      ++held;
    }
  }
  EXPECT_GT(held, 0u) << "some drawn cells are rows of the source without the metric";
  EXPECT_EQ(std::set<std::uint32_t>(data.index.begin(), data.index.end()).size(), 1100u);
}

// Writes `data` and a suite on it (`body`: its seeds, strategies and experiments) into `dir`, runs
// the suite and returns the results folder.
std::string RunSuiteOn(const std::string& dir, const BenchmarkData& data, const std::string& body) {
  const std::string file = dir + "/benchmark.h5";
  WriteBenchmark(data, file);
  const std::string suite_path = dir + "/suite.yaml";
  std::ofstream(suite_path) << "name: suite\nbenchmark: " << file << "\n" << body;
  RunnerOptions options;
  options.out_dir = dir + "/results";
  RunSuite(LoadSuite(suite_path), options);
  return options.out_dir;
}

TEST(SurrogateTest, ASearchOnItSaysItsValuesArePredictions) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  const std::string results =
      RunSuiteOn(testing::TempDir("surrogate"), FitSurrogate(source, Settings()).data,
                 "seeds: 0..1\nstrategies:\n  - strategy: random\n"
                 "experiments:\n  - name: q\n    datasets: [toy]\n"
                 "    report_metric: valid_accuracy\n    report_epochs: 12\n    budgets: [30]\n");
  const RunResult r = ReadRunResult(results + "/q/toy/random/30q/seed-0.json");
  EXPECT_THAT(r.Surrogate(),
              ::testing::HasSubstr("values are ridge's predictions of "
                                   "toy/valid_accuracy at 12 epochs, fitted on 400"));
  EXPECT_THAT(r.Surrogate(), ::testing::HasSubstr("on 100 of 400 held-out ones"));
}

TEST(SurrogateTest, BadSettingsAreClearErrors) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  SurrogateSettings s = Settings();
  s.holdout = 1.5;
  EXPECT_THAT([&] { FitSurrogate(source, s); },
              ::testing::ThrowsMessage<ConfigError>(
                  ::testing::HasSubstr("holdout must be between 0 and 1")));
  s = Settings();
  s.predictor = {"params", {}};
  EXPECT_THAT([&] { FitSurrogate(source, s); },
              ::testing::ThrowsMessage<ConfigError>(::testing::HasSubstr("zero-cost predictor")));
  s = Settings();
  s.metric = "nope";
  EXPECT_THROW(FitSurrogate(source, s), ConfigError);
}

// The search settings of an on-the-fly surrogate on the synthetic sparse benchmark: search the
// 12-epoch validation accuracy, report the 200-epoch test accuracy (a second model).
SearchSettings OnTheFlySettings() {
  SearchSettings s;
  s.dataset = "toy";
  s.budget = 150;
  s.surrogate = Settings();
  return s;
}

SurrogateSettings Target(const char* metric, int epochs) {
  SurrogateSettings s = Settings();
  s.metric = metric;
  s.epochs = epochs;
  return s;
}

TEST(SurrogateTest, AnOnTheFlySurrogateAnswersAnyArchitectureWithTheFittedModel) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  const PreparedSearch search(source, OnTheFlySettings());
  ASSERT_NE(search.surrogate(), nullptr);
  EXPECT_EQ(search.space().Size(), 15625u);  // the whole space, not the 400 recorded cells
  EXPECT_TRUE(std::isnan(search.BestReport(0)));
  // Models fitted independently with the same settings: the run's answers must be theirs.
  const SurrogateModel signal = FitSurrogateModel(source, Target("valid_accuracy", 12));
  const SurrogateModel report = FitSurrogateModel(source, Target("test_accuracy", 200));
  EXPECT_EQ(search.surrogate()->at_signal().holdout_kendall_tau, signal.holdout_kendall_tau);
  for (const char* strategy : {"random", "regularized_evolution", "local_search"}) {
    const RunTrace trace = ExecuteRun(search, strategy, {}, 3);
    ASSERT_EQ(trace.arch.size(), 150u) << strategy;
    const auto predicted = signal.predictor->Predict(trace.arch).mean;
    std::size_t unrecorded = 0;
    std::optional<ArchId> incumbent;
    float best = -INFINITY;
    for (std::size_t i = 0; i < trace.arch.size(); ++i) {
      unrecorded += !source.RowOf(trace.arch[i]);
      EXPECT_EQ(trace.signal[i], static_cast<float>(predicted[i])) << strategy << " " << i;
      if (!incumbent || trace.signal[i] > best) {
        incumbent = trace.arch[i];
        best = trace.signal[i];
      }
      ASSERT_EQ(trace.incumbent[i], incumbent) << strategy << " " << i;
      EXPECT_EQ(trace.report[0][i],
                static_cast<float>(report.predictor->Predict({&*incumbent, 1}).mean[0]));
    }
    // 400 of 15,625 cells are recorded: nearly every query is answered by the model alone.
    EXPECT_GT(unrecorded, 130u) << strategy;
    ASSERT_FALSE(trace.part_seconds.empty());
    EXPECT_EQ(trace.part_seconds.back().first, "query");  // the predictions' time, reported
    EXPECT_GT(trace.part_seconds.back().second, 0);
    const RunTrace again = ExecuteRun(search, strategy, {}, 3);
    EXPECT_EQ(again.arch, trace.arch) << strategy;
    EXPECT_EQ(again.signal, trace.signal) << strategy;
  }
}

TEST(SurrogateTest, AnOnTheFlySuiteNamesItsArchitecturesAndReportsNoFalseRegret) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  const std::string dir = testing::TempDir("surrogate_on_the_fly");
  const std::string results =
      RunSuiteOn(dir, source.data(),
                 "seeds: 0..2\nstrategies:\n  - strategy: random\n"
                 "  - strategy: regularized_evolution\n"
                 "experiments:\n  - name: q\n    datasets: [toy]\n"
                 "    surrogate: {predictor: ridge, holdout: 0.25, seed: 5}\n    budgets: [40]\n");
  const std::string result_path = results + "/q/toy/random/40q/seed-0.json";
  std::ifstream in(result_path);
  const auto j = nlohmann::json::parse(in);
  const auto& archs = j["trajectory"]["arch"];
  const auto& index = j["trajectory"]["index"];
  ASSERT_EQ(archs.size(), 40u);
  ASSERT_EQ(index.size(), 40u);
  const SearchSpace& space = source.space();
  for (std::size_t i = 0; i < 40; ++i) {
    const auto row = source.RowOf(space.Parse(archs[i].get<std::string>()));
    // The index is the benchmark's where it records the cell, else null.
    if (row) {
      EXPECT_EQ(index[i], source.data().index[*row]);
    } else {
      EXPECT_TRUE(index[i].is_null());
    }
  }
  EXPECT_TRUE(j["report"]["best_in_benchmark"]["toy"].is_null());
  const RunResult r = ReadRunResult(result_path);
  EXPECT_THAT(r.Surrogate(), ::testing::HasSubstr("values are ridge's predictions of toy/valid_"
                                                  "accuracy at 12 epochs, fitted on 400"));
  EXPECT_THAT(r.Surrogate(), ::testing::HasSubstr("it answers any architecture of the space"));
  EXPECT_THAT(r.Surrogate(), ::testing::HasSubstr("the report on toy is a prediction of "
                                                  "toy/test_accuracy at 200 epochs"));
  const ReportFiles report = WriteReport(results, dir + "/report");
  EXPECT_THAT(report.summary_markdown,
              ::testing::HasSubstr("the optimum of the space is not known"));
  EXPECT_THAT(report.summary_markdown, ::testing::Not(::testing::HasSubstr("Regret on")));
  EXPECT_THAT(report.summary_markdown, ::testing::Not(::testing::HasSubstr("nan")));
}

TEST(SurrogateTest, SettingsAnOnTheFlySurrogateCannotAnswerAreClearErrors) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  auto refused = [&](SearchSettings s, const char* what) {
    EXPECT_THAT([&] { PreparedSearch(source, std::move(s)); },
                ::testing::ThrowsMessage<ConfigError>(::testing::HasSubstr(what)));
  };
  SearchSettings s = OnTheFlySettings();
  s.constraints = {ParseConstraint("test_accuracy on toy >= 50")};
  refused(s, "surrogate: a constraint is not supported");
  s = OnTheFlySettings();
  s.surrogate->predictor = {"params", {}};
  refused(s, "zero-cost predictor");
  // In a suite: the key's options are checked with the file and line.
  const std::string dir = testing::TempDir("surrogate_keys");
  const std::string suite_path = dir + "/suite.yaml";
  std::ofstream(suite_path) << "name: bad\nbenchmark: x.h5\nseeds: 0\nstrategies:\n"
                               "  - strategy: random\nexperiments:\n  - name: q\n"
                               "    datasets: [toy]\n    budgets: [10]\n"
                               "    surrogate: {predictr: ridge}\n";
  EXPECT_THAT([&] { LoadSuite(suite_path); },
              ::testing::ThrowsMessage<ConfigError>(::testing::AllOf(
                  ::testing::HasSubstr("suite.yaml:10"), ::testing::HasSubstr("predictor"))));
}

// A seconds budget is charged the time model's prediction, never below the cheapest recorded
// training; multi-fidelity strategies get a model per fidelity (NB101's 4/12/36/108 epochs).
TEST(SurrogateTest, TimeModelsChargeSecondsBudgetsAtEveryFidelity) {
  NASKIT_REQUIRE_SHARED(vis, "nas-bench-101/nasbench-vis-data-1k.json");
  NASKIT_REQUIRE_SHARED(zc, "nas-bench-suite-zero/zc_nasbench101.json");
  const auto importer = ImporterRegistry::Global().Create("nb101", {});
  const TabularBenchmark nb101(importer->Import(testing::SharedDataFile("").value()));
  SearchSettings settings;
  settings.signal_epochs = settings.report_epochs = 108;
  settings.report_metric = "valid_accuracy";
  settings.budget_unit = "seconds";
  settings.budget = 100000;
  settings.surrogate = SurrogateSettings{};
  settings.surrogate->predictor = {"ridge", {}};
  const PreparedSearch search(nb101, settings);
  EXPECT_EQ(search.fidelities(), (std::vector<int>{4, 12, 36, 108}));
  EXPECT_EQ(search.space().Size(), 423624u);  // every NB101 graph, not the 1,291 recorded
  // Independently fitted models: the charges must be theirs.
  std::vector<SurrogateModel> signal, seconds;
  for (int epochs : search.fidelities()) {
    SurrogateSettings target = *settings.surrogate;
    target.epochs = epochs;
    signal.push_back(FitSurrogateModel(nb101, target));
    target.group = "cost";
    target.metric = "train_seconds";
    seconds.push_back(FitSurrogateModel(nb101, target));
  }
  const RunTrace trace = ExecuteRun(search, "hyperband", {}, 4);
  std::set<std::size_t> fidelities_seen;
  double clock = 0;
  std::size_t unrecorded = 0;
  for (std::size_t i = 0; i < trace.arch.size(); ++i) {
    const ArchId arch = trace.arch[i];
    unrecorded += !nb101.RowOf(arch);
    // The query's fidelity is the one whose model gives its signal.
    std::size_t f = 0;
    while (f < 4 && trace.signal[i] !=
                        static_cast<float>(signal[f].predictor->Predict({&arch, 1}).mean[0])) {
      ++f;
    }
    ASSERT_LT(f, 4u) << i;
    fidelities_seen.insert(f);
    const auto& recorded = seconds[f].recorded_values;
    const double charged = std::max(seconds[f].predictor->Predict({&arch, 1}).mean[0],
                                    *std::min_element(recorded.begin(), recorded.end()));
    clock += charged;
    EXPECT_NEAR(trace.seconds[i], clock, 1e-6 * clock) << i;
  }
  EXPECT_EQ(fidelities_seen.size(), 4u);
  EXPECT_GT(unrecorded, trace.arch.size() / 2);
  EXPECT_GE(trace.seconds.back(), settings.budget);  // the last query crosses the budget
  EXPECT_EQ(trace.modelled_cost_queries, trace.arch.size());
}

}  // namespace
}  // namespace naskit
