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
    const RunTrace trace = ExecuteRun(search, strategy, {}, 0);
    EXPECT_FALSE(trace.row.empty()) << strategy;
    for (std::size_t row : trace.row) EXPECT_NE(row % 3, 0u) << strategy;
  }
}

}  // namespace
}  // namespace naskit
