// Every registered strategy: deterministic per seed, no repeats unless the algorithm allows them,
// budgets respected, Tell() rejects strangers, and decisions never depend on the report metric.
#include <gtest/gtest.h>

#include <set>

#include "experiments/search_run.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"

namespace naskit {
namespace {

class StrategyConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  static const TabularBenchmark& Benchmark() {
    static const TabularBenchmark benchmark(testing::SyntheticNb201());
    return benchmark;
  }
  static SearchSettings Settings(const std::string& unit, double budget) {
    SearchSettings s;
    s.dataset = "toy";
    s.budget_unit = unit;
    s.budget = budget;
    return s;
  }
};

TEST_P(StrategyConformanceTest, SameSeedSameRunOtherSeedOtherRun) {
  const PreparedSearch search(Benchmark(), Settings("queries", 60));
  const RunTrace a = ExecuteRun(search, GetParam(), {}, 3);
  const RunTrace b = ExecuteRun(search, GetParam(), {}, 3);
  const RunTrace c = ExecuteRun(search, GetParam(), {}, 4);
  EXPECT_EQ(a.row, b.row);
  EXPECT_EQ(a.incumbent, b.incumbent);
  EXPECT_NE(a.row, c.row);
}

TEST_P(StrategyConformanceTest, NeverProposesTwiceUnlessTheAlgorithmMay) {
  const SearchSpace& space = GetSpace("nb201");
  auto strategy =
      StrategyRegistry::Global().Create(GetParam(), {}, StrategyContext{space, {12}, 0, Rng(1)});
  std::set<ArchId> seen;
  std::size_t repeats = 0;
  for (int i = 0; i < 400; ++i) {
    const auto proposals = strategy->Ask(1 + i % 3);
    ASSERT_FALSE(proposals.empty());
    ASSERT_LE(proposals.size(), 1u + i % 3);
    std::vector<Observation> observations;
    for (const auto& p : proposals) {
      repeats += !seen.insert(p.arch).second;
      observations.push_back({p, static_cast<double>(p.arch % 97)});
    }
    strategy->Tell(observations);
  }
  if (!strategy->MayRepeat()) EXPECT_EQ(repeats, 0u);
}

TEST_P(StrategyConformanceTest, TellRejectsProposalsNeverAsked) {
  const SearchSpace& space = GetSpace("nb201");
  auto strategy =
      StrategyRegistry::Global().Create(GetParam(), {}, StrategyContext{space, {12}, 0, Rng(1)});
  const auto asked = strategy->Ask(1);
  ASSERT_EQ(asked.size(), 1u);
  const Observation stranger{{(asked[0].arch + 1) % space.Size(), 0}, 1.0};
  EXPECT_THROW(strategy->Tell({&stranger, 1}), std::logic_error);
  const Observation ok{asked[0], 1.0};
  strategy->Tell({&ok, 1});
  EXPECT_THROW(strategy->Tell({&ok, 1}), std::logic_error);  // told twice
}

TEST_P(StrategyConformanceTest, RespectsQueryAndTimeBudgets) {
  const RunTrace queries =
      ExecuteRun(PreparedSearch(Benchmark(), Settings("queries", 37)), GetParam(), {}, 5);
  EXPECT_EQ(queries.row.size(), 37u);
  const PreparedSearch timed(Benchmark(), Settings("seconds", 2500));
  const RunTrace seconds = ExecuteRun(timed, GetParam(), {}, 5);
  ASSERT_GE(seconds.seconds.size(), 2u);
  // The query that crosses the budget is the last one (NB201's protocol).
  EXPECT_GE(seconds.seconds.back(), 2500);
  EXPECT_LT(seconds.seconds[seconds.seconds.size() - 2], 2500);
  EXPECT_GT(seconds.modelled_cost_queries, 0u);  // half the synthetic cells have no recorded cost
}

TEST_P(StrategyConformanceTest, NeverReadsTheReportMetric) {
  // The same benchmark with different report values must give the same decisions.
  BenchmarkData other = testing::SyntheticNb201();
  for (auto& v : other.tables["metrics/toy/test_accuracy"].values) v = 100 - v;
  const TabularBenchmark flipped(std::move(other));
  const RunTrace a =
      ExecuteRun(PreparedSearch(Benchmark(), Settings("queries", 80)), GetParam(), {}, 9);
  const RunTrace b =
      ExecuteRun(PreparedSearch(flipped, Settings("queries", 80)), GetParam(), {}, 9);
  EXPECT_EQ(a.row, b.row);
  EXPECT_EQ(a.incumbent, b.incumbent);
  EXPECT_NE(a.report, b.report);
}

TEST_P(StrategyConformanceTest, RejectsUnknownOptions) {
  const PreparedSearch search(Benchmark(), Settings("queries", 10));
  EXPECT_THROW(ExecuteRun(search, GetParam(), {{"no_such_option", "1"}}, 0), ConfigError);
}

INSTANTIATE_TEST_SUITE_P(AllRegistered, StrategyConformanceTest,
                         ::testing::ValuesIn(StrategyRegistry::Global().Keys()),
                         [](const auto& info) { return info.param; });

TEST(StrategyTest, SearchBeatsRandomOnTheSyntheticBenchmark) {
  // A sanity check of the algorithms themselves: with the same budget, evolution and local search
  // find better cells than random sampling on average.
  const TabularBenchmark benchmark(testing::SyntheticNb201());
  SearchSettings s;
  s.dataset = "toy";
  s.budget = 100;
  const PreparedSearch search(benchmark, s);
  auto mean_final = [&](const std::string& key) {
    double total = 0;
    for (std::uint64_t seed = 0; seed < 40; ++seed)
      total += ExecuteRun(search, key, {}, seed).report[0].back();
    return total / 40;
  };
  const double random = mean_final("random");
  EXPECT_GT(mean_final("regularized_evolution"), random);
  EXPECT_GT(mean_final("local_search"), random);
}

}  // namespace
}  // namespace naskit
