// The benchmark naskit ships: it opens, covers the whole NB201 space with per-epoch curves for two
// seeds, and the quickstart suite runs on it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "benchmarks_data/importer.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "experiments/suite.h"
#include "experiments/suite_runner.h"
#include "predictors/zero_cost_proxies.h"
#include "spaces/nb201/nb201_network.h"
#include "tests/test_util.h"

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

TEST(EmbeddedBenchmarkTest, TheFashionMnistSuiteLoadsAndPlans) {
  const Suite suite = LoadSuite(std::string(NASKIT_SOURCE_DIR) + "/experiments/fashion_mnist.yaml",
                                {"benchmark=" + kEmbedded});
  EXPECT_EQ(PlanRuns(suite).size(), 7u * 50);
}

const std::string kShippedNb201 = std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5";

// benchmarks_data/nb201.h5 is exactly what `naskit import nb201` makes of the public data, plus the
// `features/<dataset>/naskit_<proxy>` tables `naskit zc` added (their values are checked against
// a recomputation in tests/training/shipped_zero_cost_test.cc).
TEST(ShippedNb201Test, ReimportingGivesTheSameBytes) {
  NASKIT_REQUIRE_SHARED(csv, "derived/nb201.csv");
  const std::string out = testing::TempDir("reimport") + "/nb201.h5";
  const auto importer = ImporterRegistry::Global().Create("nb201", {});
  BenchmarkData data = importer->Import(std::filesystem::path(csv).parent_path().string());
  const TabularBenchmark shipped = TabularBenchmark::Open(kShippedNb201);
  for (const auto& [path, table] : shipped.data().tables) {
    if (path.starts_with("features/") && path.find("/naskit_") != std::string::npos) {
      EXPECT_FALSE(data.tables.contains(path)) << path;
      data.tables[path] = table;
    }
  }
  WriteBenchmark(data, out);
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  EXPECT_TRUE(bytes(out) == bytes(kShippedNb201));
}

// The README's main job reproduces NB201's Table 5 within 0.25 points on the shipped file, with
// nothing from ../shared.
TEST(ShippedNb201Test, QuickstartReproducesTable5) {
  const Suite suite = LoadSuite(std::string(NASKIT_SOURCE_DIR) + "/experiments/quickstart.yaml",
                                {"benchmark=" + kShippedNb201});
  RunnerOptions options;
  options.out_dir = testing::TempDir("quickstart");
  options.jobs = 2;
  options.progress = false;
  RunSuite(suite, options);
  const std::map<std::string, double> paper = {
      {"random", 93.70}, {"regularized_evolution", 93.92}, {"reinforce", 93.85}};
  for (const auto& [label, published] : paper) {
    double sum = 0;
    int n = 0;
    for (const auto& run : PlanRuns(suite)) {
      if (suite.strategies[run.strategy].label != label) continue;
      std::ifstream in(options.out_dir + "/" + run.key + ".json");
      sum += nlohmann::json::parse(in)["final"]["report"]["cifar10"].get<double>();
      ++n;
    }
    EXPECT_EQ(n, 500) << label;
    EXPECT_NEAR(sum / n, published, 0.25) << label;
  }
}

}  // namespace
}  // namespace naskit
