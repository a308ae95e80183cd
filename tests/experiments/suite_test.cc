#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.h"
#include "experiments/predictor_suite.h"
#include "experiments/suite.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr const char* kGood = R"(name: demo
benchmark: some.h5
seeds: 0..4
strategies:
  - strategy: random
  - strategy: regularized_evolution
    label: rea
    options: {population_size: 20}
experiments:
  - name: q
    datasets: [cifar10, cifar100]
    budget_unit: queries
    budgets: [10, 20]
)";

std::string Write(const std::string& text) {
  std::string path = testing::TempDir("suite") + "/suite.yaml";
  std::ofstream(path) << text;
  return path;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(SuiteTest, LoadsAndPlansEveryRun) {
  const Suite suite = LoadSuite(Write(kGood));
  EXPECT_EQ(suite.seeds.size(), 5u);
  ASSERT_EQ(suite.strategies.size(), 2u);
  EXPECT_EQ(suite.strategies[1].label, "rea");
  EXPECT_EQ(suite.strategies[1].resolved.at("population_size"), "20");
  EXPECT_EQ(suite.strategies[1].resolved.at("sample_size"), "3");
  const auto runs = PlanRuns(suite);
  EXPECT_EQ(runs.size(), 2u * 2 * 2 * 5);
  EXPECT_EQ(runs.front().key, "q/cifar10/random/10q/seed-0");
  EXPECT_EQ(SettingsOf(suite, runs.back()).dataset, "cifar100");
}

TEST(SuiteTest, AnExperimentRunsOnlyTheStrategiesItNames) {
  const Suite suite = LoadSuite(Write(Replace(
      kGood, "    budget_unit: queries\n", "    strategies: [rea]\n    budget_unit: queries\n")));
  const auto runs = PlanRuns(suite);
  EXPECT_EQ(runs.size(), 2u * 1 * 2 * 5);
  for (const auto& run : runs) EXPECT_EQ(suite.strategies[run.strategy].label, "rea");
  EXPECT_THAT(
      [] {
        LoadSuite(Write(Replace(kGood, "    budget_unit: queries\n",
                                "    strategies: [bananas]\n    budget_unit: queries\n")));
      },
      ThrowsMessage<ConfigError>(AllOf(HasSubstr("\"bananas\""), HasSubstr("random, rea"))));
}

TEST(SuiteTest, OverridesApplyDottedKeys) {
  const Suite suite =
      LoadSuite(Write(kGood), {"seeds=[7, 9]", "strategies.rea.options.sample_size=5",
                               "experiments.q.budgets=[30]", "benchmark=other.h5"});
  EXPECT_EQ(suite.seeds, (std::vector<std::uint64_t>{7, 9}));
  EXPECT_EQ(suite.strategies[1].resolved.at("sample_size"), "5");
  EXPECT_EQ(suite.experiments[0].budgets, std::vector<double>{30});
  EXPECT_EQ(suite.benchmark, "other.h5");
  EXPECT_THAT([&] { LoadSuite(Write(kGood), {"strategies.nope.options.x=1"}); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("--set strategies.nope.options.x: no list item named \"nope\"")));
  EXPECT_THAT([&] { LoadSuite(Write(kGood), {"seeds"}); },
              ThrowsMessage<ConfigError>(HasSubstr("expected key=value")));
}

// A value shared through a YAML alias changes only where --set points.
TEST(SuiteTest, AnOverrideChangesOnlyTheAliasedValueItNames) {
  const std::string text =
      Replace(Replace(kGood, "  - strategy: random\n",
                      "  - strategy: regularized_evolution\n    label: a\n"
                      "    options: &shared {population_size: 20}\n"),
              "    options: {population_size: 20}\n", "    options: *shared\n");
  const Suite suite = LoadSuite(Write(text), {"strategies.rea.options.population_size=30"});
  EXPECT_EQ(suite.strategies[0].resolved.at("population_size"), "20");
  EXPECT_EQ(suite.strategies[1].resolved.at("population_size"), "30");
  const Suite unchanged = LoadSuite(Write(text));
  EXPECT_EQ(unchanged.strategies[0].resolved.at("population_size"), "20");
  EXPECT_EQ(unchanged.strategies[1].resolved.at("population_size"), "20");
  EXPECT_THAT([&] { LoadSuite(Write(text), {"strategies.rea.label.x=1"}); },
              ThrowsMessage<ConfigError>(HasSubstr(
                  "--set strategies.rea.label.x: \"x\" is below a value that is a single value")));
}

// Aliases of aliases ("billion laughs": 10^9 values from 90 lines) are refused after a bounded
// walk, with or without --set, instead of running until memory or patience ends.
TEST(SuiteTest, AliasesThatExpandWithoutBoundAreRefused) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  const std::string path = Write(text + kGood);
  EXPECT_THAT([&] { LoadSuite(path); },
              ThrowsMessage<ConfigError>(HasSubstr("more than 1000000 values")));
  EXPECT_THAT([&] { LoadSuite(path, {"seeds=3"}); },
              ThrowsMessage<ConfigError>(HasSubstr("more than 1000000 values")));
}

// Every key an experiment documents loads: each parsed key is also a known key.
TEST(SuiteTest, EveryExperimentKeyLoads) {
  const Suite suite =
      LoadSuite(Write(Replace(kGood, "    budget_unit: queries\n", R"(    budget_unit: seconds
    signal_metric: valid_accuracy
    signal_epochs: 12
    report_metric: test_accuracy
    report_epochs: 200
    report_datasets: [cifar10]
    cost_scale: 0.5
    cost_dataset: cifar10
    charge_repeats: true
    signal_seed: random
    workers: 4
    direction: maximize
    constraints: ["latency_ms on pixel3 <= 10"]
    warm_start: {proxy: zc:synflow, pool: 100, top: 5}
    zc_seconds_per_score: 0.25
    surrogate: {predictor: {name: xgboost, max_depth: 4}, holdout: 0.3, seed: 2}
)")));
  const SearchSettings& s = suite.experiments[0].settings;
  EXPECT_EQ(s.workers, 4u);
  EXPECT_TRUE(s.signal_random_seed);
  EXPECT_TRUE(s.charge_repeats);
  EXPECT_EQ(s.constraints.size(), 1u);
  EXPECT_EQ(s.warm_start.proxy, "zc:synflow");
  EXPECT_EQ(s.warm_start.pool, 100);
  EXPECT_EQ(s.warm_start.top, 5);
  EXPECT_EQ(s.warm_start.seconds_per_score, 0);
  EXPECT_EQ(s.zc_seconds_per_score, 0.25);
  ASSERT_TRUE(s.surrogate);
  EXPECT_EQ(s.surrogate->predictor.key, "xgboost");
  EXPECT_EQ(s.surrogate->predictor.options.at("max_depth"), "4");
  EXPECT_EQ(s.surrogate->holdout, 0.3);
  EXPECT_EQ(s.surrogate->seed, 2u);
}

TEST(SuiteTest, BadInputNamesFileLineKeyAndValue) {
  struct Case {
    std::string from, to, message;
  };
  const std::vector<Case> cases = {
      {"seeds: 0..4", "sedes: 0..4",
       "suite.yaml:3: unknown key \"sedes\"; known: name, description, benchmark, space, "
       "seeds, strategies, experiments, plugins (did you mean \"seeds\"?)"},
      {"seeds: 0..4", "seeds: 5..2", "suite.yaml:3: key \"seeds\": empty range (got \"5..2\""},
      {"seeds: 0..4", "seeds: []", "key \"seeds\": expected FIRST..LAST or a non-empty list"},
      {"seeds: 0..4", "seeds: [1, x]", "not a non-negative integer (got \"x\")"},
      {"budgets: [10, 20]", "budgets: [10, -5]",
       "suite.yaml:13: key \"budgets\": value out of range (got -5; expected 1 to"},
      {"budgets: [10, 20]", "budgets: [10, 1e99]", "value out of range (got 1e99"},
      {"budgets: [10, 20]", "budgets: ten", "key \"budgets\": not a number (got \"ten\")"},
      {"budget_unit: queries", "budget_unit: hours",
       "unknown budget unit \"hours\"; known: queries, seconds"},
      {"strategy: random", "strategy: randm", "unknown strategy \"randm\"; known:"},
      {"population_size: 20", "population_size: 0",
       "strategy \"regularized_evolution\": option \"population_size\" must be >= 1 (got 0)"},
      {"population_size: 20", "popsize: 20", "unknown option \"popsize\""},
      {"    datasets:", "    dataset:", "unknown key \"experiments[].dataset\""},
      {"label: rea", "label: random", "two strategies share the label \"random\""},
      {"name: q", "nam: q", "did you mean \"experiments[].name\"?"},
      {"budget_unit: queries", "signal_epochs: 3.9",
       "suite.yaml:12: key \"signal_epochs\": not a whole number (got \"3.9\")"},
      {"population_size: 20", "population_size: 4294967306",
       "option \"population_size\" is out of range (got 4294967306"},
      {"label: rea", "label: ../rea", "key \"label\": name \"../rea\" cannot be part of a path"},
      {"label: rea", "label: a/b", "cannot be part of a path"},
      {"name: q", "name: .hidden", "name \".hidden\" cannot be part of a path"},
      {"datasets: [cifar10, cifar100]", "datasets: [cifar10, cifar10]",
       "suite.yaml:11: key \"datasets\": lists \"cifar10\" twice"},
      {"budgets: [10, 20]", "budgets: [10, 10]", "key \"budgets\": lists 10 twice"},
      {"budgets: [10, 20]", "budgets: [10, 20.5]", "key \"budgets\": not a whole number"},
      {"seeds: 0..4", "seeds: 0..4\nseeds: 0..9", "suite.yaml:4: key \"seeds\": appears twice"},
      {"seeds: 0..4", "seeds: 0..999999", "the suite plans 8000000 runs (at most 2000000)"},
      {"population_size: 20", "population_size: {size: 3}",
       "key \"population_size\": a nested option map needs a \"name\""},
      {"budget_unit: queries", "warm_start: {pool: 10}",
       "suite.yaml:12: key \"warm_start\": missing required key \"proxy\""},
      {"budget_unit: queries", "warm_start: {proxy: zc:synflow, top: 20, pool: 10}",
       "key \"warm_start.top\": is 20, more than the pool of 10"},
      {"budget_unit: queries", "warm_start: {proxy: zc:synflow, tpo: 2}",
       "unknown key \"warm_start.tpo\"; known: proxy, pool, top, seconds_per_score (did you mean "
       "\"warm_start.top\"?)"},
      {"budget_unit: queries", "budget_unit: queries\n    zc_seconds_per_score: 2",
       "key \"zc_seconds_per_score\": charges simulated seconds: it needs budget_unit: seconds"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT([&] { LoadSuite(Write(Replace(kGood, c.from, c.to))); },
                ThrowsMessage<ConfigError>(HasSubstr(c.message)))
        << c.to;
  }
  EXPECT_THAT([] { LoadSuite("/nonexistent/suite.yaml"); },
              ThrowsMessage<ConfigError>(HasSubstr("suite file not found")));
  EXPECT_THAT([&] { LoadSuite(Write("name: [unclosed\n")); },
              ThrowsMessage<ConfigError>(HasSubstr("not valid YAML")));
}

}  // namespace
}  // namespace naskit

namespace naskit {
namespace {

// Every suite naskit ships loads (search and predictor suites); those on the shipped NB201 file
// prepare every experiment against it (datasets, metrics, devices, objectives, constraints,
// scalarisations), so that a suite never fails on its first run.
TEST(SuiteTest, EveryShippedSuiteLoadsAndItsNb201ExperimentsPrepare) {
  const std::filesystem::path folder = std::filesystem::path(NASKIT_SOURCE_DIR) / "experiments";
  const TabularBenchmark nb201 =
      TabularBenchmark::Open(std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5");
  std::size_t prepared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".yaml") continue;
    std::stringstream text;
    text << std::ifstream(entry.path()).rdbuf();
    if (text.str().find("\npredictors:") != std::string::npos) {  // a predictor suite
      EXPECT_NO_THROW(LoadPredictorSuite(entry.path().string())) << entry.path();
      continue;
    }
    const Suite suite = LoadSuite(entry.path().string());
    if (suite.benchmark != "benchmarks_data/nb201.h5") continue;
    std::set<std::string> seen;
    for (const PlannedRun& run : PlanRuns(suite)) {
      const std::string key = fmt::format("{}/{}/{}", run.experiment, run.dataset, run.budget);
      if (!seen.insert(key).second) continue;
      EXPECT_NO_THROW(PreparedSearch(nb201, SettingsOf(suite, run))) << entry.path() << " " << key;
      ++prepared;
    }
  }
  EXPECT_GE(prepared, 10u);
}

}  // namespace
}  // namespace naskit
