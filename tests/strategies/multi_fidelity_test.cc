// Successive halving and Hyperband on a benchmark with per-epoch curves.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "experiments/search_run.h"
#include "experiments/suite_runner.h"
#include "spaces/nb201/nb201_space.h"
#include "strategies/internal/halving_bracket.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

// The synthetic benchmark with a valid-accuracy curve over epochs 1..4 that rises towards the final
// value.
TabularBenchmark CurveBenchmark() {
  BenchmarkData data = testing::SyntheticNb201();
  Table& valid = data.tables["metrics/toy/valid_accuracy"];
  Table curve;
  curve.epochs = {1, 2, 3, 4};
  curve.columns = 4;
  for (std::size_t row = 0; row < data.archs.size(); ++row) {
    for (int e = 1; e <= 4; ++e) curve.values.push_back(valid.values[row] * (0.6f + 0.1f * e));
  }
  valid = curve;
  Table cost;
  cost.epochs = {1, 2, 3, 4};
  cost.columns = 4;
  for (std::size_t row = 0; row < data.archs.size(); ++row) {
    for (int e = 1; e <= 4; ++e) cost.values.push_back(10.0f * e);
  }
  data.tables["cost/toy/train_seconds"] = cost;
  return TabularBenchmark(std::move(data));
}

TEST(HalvingBracketTest, KeepsTheBestThirdAtEachRung) {
  std::vector<ArchId> cells;
  for (ArchId a = 0; a < 9; ++a) cells.push_back(a);
  internal::HalvingBracket bracket(cells, 0, 2, 3);
  std::map<std::size_t, std::vector<ArchId>> asked;
  while (!bracket.Finished()) {
    auto p = bracket.Next();
    ASSERT_TRUE(p.has_value());
    asked[p->fidelity].push_back(p->arch);
    EXPECT_TRUE(bracket.Record({*p, static_cast<double>(p->arch), {}}));  // higher id = better
  }
  EXPECT_EQ(asked[0].size(), 9u);
  EXPECT_EQ(asked[1], (std::vector<ArchId>{8, 7, 6}));
  EXPECT_EQ(asked[2], (std::vector<ArchId>{8}));
  EXPECT_EQ(internal::BracketSize(4, 3), 27u);
  EXPECT_EQ(internal::BracketSize(2, 3, 2.0), 6u);
}

std::map<std::size_t, int> FidelityCounts(const std::string& strategy, double budget) {
  const TabularBenchmark benchmark = CurveBenchmark();
  SearchSettings s;
  s.dataset = "toy";
  s.signal_epochs = 4;
  s.budget_unit = "seconds";
  s.budget = budget;
  const PreparedSearch search(benchmark, s);
  // Replay the run's queries through the space to recover their fidelities from the costs.
  const RunTrace trace = ExecuteRun(search, strategy, {}, 1);
  std::map<std::size_t, int> counts;
  double previous = 0;
  for (double seconds : trace.seconds) {
    counts[static_cast<std::size_t>(std::lround((seconds - previous) / 10.0))]++;
    previous = seconds;
  }
  return counts;
}

TEST(MultiFidelityTest, SuccessiveHalvingClimbsTheRungs) {
  // One full bracket with eta 3 over 4 rungs: 27 cells at 1 epoch, 9 at 2, 3 at 3, 1 at 4.
  const auto counts = FidelityCounts("successive_halving", 27 * 10 + 9 * 20 + 3 * 30 + 1 * 40);
  EXPECT_EQ(counts.at(1), 27);
  EXPECT_EQ(counts.at(2), 9);
  EXPECT_EQ(counts.at(3), 3);
  EXPECT_EQ(counts.at(4), 1);
}

TEST(MultiFidelityTest, HyperbandStartsWithTheMostAggressiveBracket) {
  const auto counts = FidelityCounts("hyperband", 27 * 10 + 9 * 20 + 3 * 30 + 1 * 40);
  EXPECT_EQ(counts.at(1), 27);
  EXPECT_EQ(counts.at(4), 1);
}

// With W workers and every evaluation costing the same, W times as many evaluations fit in a
// seconds budget, and the completion times step by one evaluation's cost.
TEST(ParallelWorkersTest, WorkersShareTheSimulatedClock) {
  const TabularBenchmark benchmark = CurveBenchmark();  // 40 s per evaluation at 4 epochs
  SearchSettings s;
  s.dataset = "toy";
  s.signal_epochs = 4;
  s.budget_unit = "seconds";
  s.budget = 1000;
  for (const std::size_t workers : {1, 4}) {
    s.workers = workers;
    const RunTrace trace = ExecuteRun(PreparedSearch(benchmark, s), "random", {}, 0);
    EXPECT_EQ(trace.arch.size(), 25 * workers);
    for (std::size_t i = 0; i < trace.seconds.size(); ++i) {
      const std::size_t round = i / workers + 1;  // whole rounds of `workers` evaluations
      EXPECT_EQ(trace.seconds[i], 40.0 * static_cast<double>(round));
    }
  }
  // Query budgets count started evaluations, whatever the number of workers; every strategy takes
  // proposals asked in batches and told out of order.
  s.budget_unit = "queries";
  s.budget = 30;
  s.workers = 3;
  for (const auto& strategy : StrategyRegistry::Global().Keys()) {
    EXPECT_EQ(ExecuteRun(PreparedSearch(benchmark, s), strategy, testing::TestOptions(strategy), 1)
                  .arch.size(),
              30u)
        << strategy;
  }
}

TEST(MultiFidelityTest, TheIncumbentComesFromTheSignalFidelityOnly) {
  const TabularBenchmark benchmark = CurveBenchmark();
  SearchSettings s;
  s.dataset = "toy";
  s.signal_epochs = 4;
  s.budget = 20;
  const PreparedSearch search(benchmark, s);
  const RunTrace trace = ExecuteRun(search, "successive_halving", {}, 3);
  // The first 20 queries are all at 1 epoch: no incumbent has been chosen at 4 epochs yet, and the
  // recorded report is NaN rather than a low-fidelity pick.
  EXPECT_TRUE(std::isnan(trace.report[0].back()));
  EXPECT_FALSE(trace.incumbent.back());

  // The result file then names no incumbent rather than the last cell queried.
  const std::string dir = testing::TempDir("no-incumbent");
  WriteBenchmark(benchmark.data(), dir + "/curves.h5");
  std::ofstream(dir + "/suite.yaml")
      << "name: early\nbenchmark: " << dir << "/curves.h5\nseeds: [3]\nstrategies:\n"
      << "  - strategy: successive_halving\nexperiments:\n  - name: e\n    datasets: [toy]\n"
      << "    signal_epochs: 4\n    report_epochs: 200\n    budgets: [20]\n";
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  RunSuite(LoadSuite(dir + "/suite.yaml"), options);
  std::ifstream in(options.out_dir + "/e/toy/successive_halving/20q/seed-3.json");
  const auto result = nlohmann::json::parse(in);
  EXPECT_TRUE(result["final"]["incumbent"].is_null());
  EXPECT_TRUE(result["final"]["incumbent_index"].is_null());
  EXPECT_TRUE(result["trajectory"]["incumbent_index"].back().is_null());
}

}  // namespace
}  // namespace naskit
