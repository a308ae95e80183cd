// The benchmark naskit ships: it opens, covers the whole NB201 space with per-epoch curves for two
// seeds, and the quickstart suite runs on it.
#include <gtest/gtest.h>

#include <cmath>

#include "benchmarks_data/tabular_benchmark.h"
#include "experiments/suite.h"
#include "predictors/zero_cost_proxies.h"
#include "spaces/nb201/nb201_macro.h"

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

// Parameters and FLOPs are counted per row (isomorphic cells share results, not weights); the
// zero-cost proxies `naskit zc` computed at the file's own network cover every row.
TEST(EmbeddedBenchmarkTest, FeaturesDescribeEveryRow) {
  const auto b = TabularBenchmark::Open(kEmbedded);
  const Nb201MacroOptions network{
      .channels = 4, .cells = 1, .classes = 10, .in_channels = 1, .image_size = 8};
  const Table& params = b.Get("features/fashion-mnist/params");
  for (std::size_t row = 0; row < b.NumRows(); ++row) {
    ASSERT_EQ(params.At(row), Nb201NetworkCost(b.data().archs[row], network).params) << row;
  }
  for (const auto& proxy : ZeroCostProxies()) {
    const Table& t = b.Get(std::string("features/fashion-mnist/naskit_") + proxy.key);
    EXPECT_NE(t.attrs.at("settings").find("\"channels\":\"4\""), std::string::npos);
    std::size_t scored = 0;
    for (std::size_t row = 0; row < b.NumRows(); ++row) scored += !std::isnan(t.At(row));
    // jacob_cov has no score where the output ignores the input.
    EXPECT_GE(scored, proxy.key == std::string("jacob_cov") ? b.NumRows() * 9 / 10 : b.NumRows())
        << proxy.key;
  }
}

TEST(EmbeddedBenchmarkTest, TheQuickstartSuiteLoadsAndPlans) {
  const Suite suite = LoadSuite(std::string(NASKIT_SOURCE_DIR) + "/experiments/quickstart.yaml",
                                {"benchmark=" + kEmbedded});
  EXPECT_EQ(PlanRuns(suite).size(), 6u * 50);
}

}  // namespace
}  // namespace naskit
