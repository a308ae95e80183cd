// The benchmark naskit ships: it opens, covers the whole NB201 space with per-epoch curves for two
// seeds, and the quickstart suite runs on it.
#include <gtest/gtest.h>

#include <cmath>

#include "benchmarks_data/tabular_benchmark.h"
#include "experiments/suite.h"

namespace naskit {
namespace {

const std::string kEmbedded =
    std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201_fashion_mnist.h5";

TEST(EmbeddedBenchmarkTest, CoversEveryCellWithTwoSeedsOfCurves) {
  const auto b = TabularBenchmark::Open(kEmbedded);
  EXPECT_EQ(b.NumRows(), 15625u);
  EXPECT_FALSE(b.Attr("build_settings").empty());
  for (const char* metric : {"train_accuracy", "valid_accuracy", "test_accuracy", "valid_loss"}) {
    const Table& t = b.Metric("fashion-mnist", metric);
    EXPECT_EQ(t.epochs, (std::vector<int>{1, 2, 3, 4})) << metric;
    EXPECT_EQ(t.seeds, 2u) << metric;
    for (float v : t.per_seed) ASSERT_FALSE(std::isnan(v)) << metric;
  }
  // Isomorphic cells share their class's values; the all-`none` cell learns nothing (chance is
  // 10%).
  const Table& test = b.Metric("fashion-mnist", "test_accuracy");
  EXPECT_LT(test.At(*b.RowOf(0), 3), 20.0f);
  float best = 0;
  for (std::size_t row = 0; row < b.NumRows(); ++row) best = std::max(best, test.At(row, 3));
  EXPECT_GT(best, 70.0f);
}

TEST(EmbeddedBenchmarkTest, TheQuickstartSuiteLoadsAndPlans) {
  const Suite suite = LoadSuite(std::string(NASKIT_SOURCE_DIR) + "/experiments/quickstart.yaml",
                                {"benchmark=" + kEmbedded});
  EXPECT_EQ(PlanRuns(suite).size(), 6u * 50);
}

}  // namespace
}  // namespace naskit
