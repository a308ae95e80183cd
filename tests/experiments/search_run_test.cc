// A search run on a benchmark with holes: a signal the benchmark never measured stops the run with
// a DataError naming the architecture, instead of steering the search with a made-up value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "experiments/search_run.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(SearchRunTest, ASignalMeasuredNowhereIsADataError) {
  BenchmarkData data = testing::SyntheticNb201();
  for (float& v : data.tables["metrics/toy/valid_accuracy"].values) v = NAN;
  const TabularBenchmark benchmark(std::move(data));
  SearchSettings settings;
  settings.dataset = "toy";
  EXPECT_THAT([&] { PreparedSearch(benchmark, settings); },
              ThrowsMessage<DataError>(HasSubstr(
                  "the signal \"toy/valid_accuracy\" was measured for no architecture at 12")));
}

// Where the signal is missing for some architectures, strategies search the others
// (RecordedSubspace's policy), and regret is measured against the best of those.
TEST(SearchRunTest, ArchitecturesWithoutASignalAreNeverProposed) {
  BenchmarkData data = testing::SyntheticNb201();
  auto& signal = data.tables["metrics/toy/valid_accuracy"].values;
  const auto& report = data.tables["metrics/toy/test_accuracy"].values;
  float best_measured = 0;
  for (std::size_t row = 0; row < signal.size(); ++row) {
    if (row % 3 == 0) {
      signal[row] = NAN;
    } else {
      best_measured = std::max(best_measured, report[row]);
    }
  }
  const TabularBenchmark benchmark(std::move(data));
  SearchSettings settings;
  settings.dataset = "toy";
  settings.budget = 300;
  const PreparedSearch search(benchmark, settings);
  EXPECT_EQ(search.space().Size(), benchmark.NumRows() - (benchmark.NumRows() + 2) / 3);
  EXPECT_EQ(search.BestReport(0), best_measured);
  for (const std::string& strategy : StrategyRegistry::Global().Keys()) {
    const RunTrace trace = ExecuteRun(search, strategy, testing::TestOptions(strategy), 0);
    EXPECT_FALSE(trace.arch.empty()) << strategy;
    for (std::size_t row : testing::RowsOf(benchmark, trace.arch))
      EXPECT_NE(row % 3, 0u) << strategy;
  }
}

// A query budget on the synthetic benchmark's "toy" dataset.
SearchSettings ToySettings(double budget) {
  SearchSettings settings;
  settings.dataset = "toy";
  settings.budget = budget;
  return settings;
}

// Strategies never see the budget, so a longer run extends a shorter one: the report reads a
// 150-query run's first 100 queries as the 100-query run (BENCHMARKS.md's guided suite relies
// on it). Every registered strategy, at a query budget.
TEST(SearchRunTest, ALongerRunBeginsWithTheShorterRun) {
  const TabularBenchmark benchmark(testing::SyntheticNb201());
  const PreparedSearch shorter(benchmark, ToySettings(40)), longer(benchmark, ToySettings(60));
  for (const std::string& strategy : StrategyRegistry::Global().Keys()) {
    const RunTrace a = ExecuteRun(shorter, strategy, testing::TestOptions(strategy), 3);
    const RunTrace b = ExecuteRun(longer, strategy, testing::TestOptions(strategy), 3);
    ASSERT_LE(a.arch.size(), b.arch.size()) << strategy;
    EXPECT_TRUE(std::equal(a.arch.begin(), a.arch.end(), b.arch.begin())) << strategy;
    EXPECT_TRUE(
        std::equal(a.report[0].begin(), a.report[0].end(), b.report[0].begin(),
                   [](float x, float y) { return x == y || (std::isnan(x) && std::isnan(y)); }))
        << strategy;
  }
}

// The run records its wall-clock time, and a guided strategy the share of its fits and
// acquisitions.
TEST(SearchRunTest, RecordsWallClockTimeAndTheStrategysParts) {
  const TabularBenchmark benchmark(testing::SyntheticNb201());
  const PreparedSearch search(benchmark, ToySettings(60));
  const RunTrace plain = ExecuteRun(search, "random", {}, 0);
  EXPECT_GT(plain.wall_seconds, 0);
  EXPECT_TRUE(plain.part_seconds.empty());
  const RunTrace guided =
      ExecuteRun(search, "predictor_evolution", testing::TestOptions("predictor_evolution"), 0);
  ASSERT_EQ(guided.part_seconds.size(), 2u);
  EXPECT_EQ(guided.part_seconds[0].first, "fit");
  EXPECT_EQ(guided.part_seconds[1].first, "acquisition");
  EXPECT_GT(guided.part_seconds[0].second, 0);
  EXPECT_LE(guided.part_seconds[0].second + guided.part_seconds[1].second, guided.wall_seconds);
}

// Zero-cost warm start (Abdelfattah et al., ICLR 2021): with a pool as large as the proxy's
// coverage, the picks are the proxy's overall best cells, read here straight from the table; the
// strategies that start from random samples evaluate them first, best first.
TEST(SearchRunTest, AWarmStartBeginsWithTheProxysBestCells) {
  const TabularBenchmark benchmark =
      TabularBenchmark::Open(std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5");
  const Table& synflow = benchmark.Get("features/cifar10/synflow");
  std::vector<std::size_t> scored;
  for (std::size_t row = 0; row < benchmark.NumRows(); ++row) {
    if (!std::isnan(synflow.At(row))) scored.push_back(row);
  }
  ASSERT_EQ(scored.size(), 491u);
  std::stable_sort(scored.begin(), scored.end(),
                   [&](std::size_t a, std::size_t b) { return synflow.At(a) > synflow.At(b); });
  SearchSettings settings;
  settings.signal_epochs = 12;
  settings.report_epochs = 200;
  settings.budget = 30;
  settings.warm_start = {"zc:synflow", 1000, 5, 0};
  const PreparedSearch search(benchmark, settings);
  for (const char* strategy : {"random", "regularized_evolution", "local_search"}) {
    const RunTrace trace = ExecuteRun(search, strategy, {}, 11);
    ASSERT_GE(trace.arch.size(), 5u);
    const auto rows = testing::RowsOf(benchmark, trace.arch);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(rows[i], scored[i]) << strategy << " " << i;
  }
  // A smaller pool: the picks are the best of a different random pool per seed.
  settings.warm_start.pool = 50;
  const PreparedSearch small(benchmark, settings);
  const RunTrace a = ExecuteRun(small, "random", {}, 1), b = ExecuteRun(small, "random", {}, 2);
  EXPECT_NE(std::vector<ArchId>(a.arch.begin(), a.arch.begin() + 5),
            std::vector<ArchId>(b.arch.begin(), b.arch.begin() + 5));
  for (const RunTrace* t : {&a, &b}) {
    const auto rows = testing::RowsOf(benchmark, t->arch);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_FALSE(std::isnan(synflow.At(rows[i])));
    for (std::size_t i = 1; i < 5; ++i) EXPECT_GE(synflow.At(rows[i - 1]), synflow.At(rows[i]));
  }
  // Charged scoring: the first query completes after the pool's scoring time.
  settings.budget_unit = "seconds";
  settings.budget = 20000;
  settings.warm_start = {"zc:synflow", 100, 5, 2.0};
  const PreparedSearch charged(benchmark, settings);
  settings.warm_start.seconds_per_score = 0;
  const PreparedSearch free(benchmark, settings);
  const RunTrace paid = ExecuteRun(charged, "random", {}, 3),
                 gratis = ExecuteRun(free, "random", {}, 3);
  EXPECT_EQ(paid.arch[0], gratis.arch[0]);
  EXPECT_DOUBLE_EQ(paid.seconds[0], gratis.seconds[0] + 200.0);
  // Not a single score, or charged seconds on a query budget: clear errors.
  settings.warm_start = {"onehot", 100, 5, 0};
  EXPECT_THAT([&] { PreparedSearch(benchmark, settings); },
              ::testing::ThrowsMessage<ConfigError>(
                  ::testing::HasSubstr("warm_start.proxy: \"onehot\" is 30 values")));
  settings.budget_unit = "queries";
  settings.budget = 30;
  settings.warm_start = {"zc:synflow", 100, 5, 1.0};
  EXPECT_THAT([&] { PreparedSearch(benchmark, settings); },
              ::testing::ThrowsMessage<ConfigError>(::testing::HasSubstr("budget_unit: seconds")));
  // A latency ranks the slowest cells first: not a warm-start score.
  settings.warm_start = {"latency:pixel3", 100, 5, 0};
  EXPECT_THAT([&] { PreparedSearch(benchmark, settings); },
              ::testing::ThrowsMessage<ConfigError>(
                  ::testing::HasSubstr("\"latency:pixel3\" is a latency, where lower is better")));
}

// signal_seed: random reads one recorded training seed per query (NB201's is_random=True).
TEST(SearchRunTest, ARandomSignalSeedReadsOneRecordedSeedPerQuery) {
  const TabularBenchmark benchmark = TabularBenchmark::Open(
      std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201_fashion_mnist.h5");
  SearchSettings settings;
  settings.dataset = "fashion-mnist";
  settings.signal_epochs = 4;
  settings.report_epochs = 4;
  settings.budget = 200;
  settings.signal_random_seed = true;
  const PreparedSearch search(benchmark, settings);
  const Table& table = search.signal();
  ASSERT_EQ(table.seeds, 2u);
  const RunTrace a = ExecuteRun(search, "random", {}, 7);
  std::size_t from_seed[2] = {0, 0};
  const auto rows = testing::RowsOf(benchmark, a.arch);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const float s0 = table.AtSeed(rows[i], search.signal_column(), 0);
    const float s1 = table.AtSeed(rows[i], search.signal_column(), 1);
    ASSERT_TRUE(a.signal[i] == s0 || a.signal[i] == s1) << i;
    if (s0 != s1) ++from_seed[a.signal[i] == s0 ? 0 : 1];
  }
  EXPECT_GT(from_seed[0], 50u);
  EXPECT_GT(from_seed[1], 50u);
  EXPECT_EQ(ExecuteRun(search, "random", {}, 7).signal, a.signal);  // a function of the seed
  settings.signal_random_seed = false;
  const RunTrace mean = ExecuteRun(PreparedSearch(benchmark, settings), "random", {}, 7);
  EXPECT_EQ(mean.arch, a.arch);  // random search ignores the signal; only the values differ
  EXPECT_NE(mean.signal, a.signal);
}

// A legal but huge run (a long seconds budget, a tiny cost scale, charged repeats) is refused up
// front with the numbers, instead of exhausting memory.
TEST(SearchRunTest, ARunThatCouldNeedTooManyQueriesIsRefusedUpFront) {
  const TabularBenchmark benchmark(testing::SyntheticNb201());
  SearchSettings settings;
  settings.dataset = "toy";
  settings.budget_unit = "seconds";
  settings.budget = 1e9;
  settings.cost_scale = 1e-6;
  settings.charge_repeats = true;
  EXPECT_THAT([&] { PreparedSearch(benchmark, settings); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("queries (budget 1000000000 s, cheapest query 0.0001 s")));
  settings.charge_repeats = false;  // then every cell once at most: 15,625 queries
  EXPECT_NO_THROW(PreparedSearch(benchmark, settings));
  settings.budget_unit = "queries";
  settings.budget = 2e6;
  EXPECT_THAT([&] { PreparedSearch(benchmark, settings); },
              ThrowsMessage<ConfigError>(HasSubstr("more than a run may make")));
}

}  // namespace
}  // namespace naskit
