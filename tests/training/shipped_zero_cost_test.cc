// The zero-cost scores the repository's benchmark files carry (`features/<dataset>/naskit_<proxy>`,
// written by `naskit zc`) are what naskit computes: a sample of rows is scored again with the
// settings each table records and compared.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/rng.h"
#include "predictors/predictor.h"
#include "training/zero_cost.h"

namespace naskit {
namespace {

constexpr std::size_t kRowsPerTable = 3;

TEST(ShippedZeroCostTest, StoredScoresEqualARecomputation) {
  std::size_t checked = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data")) {
    if (entry.path().extension() != ".h5") continue;
    const TabularBenchmark benchmark = TabularBenchmark::Open(entry.path().string());
    const BenchmarkData& data = benchmark.data();
    for (const auto& [path, table] : data.tables) {
      if (path.find("/naskit_") == std::string::npos) continue;
      const std::string key = path.substr(path.find("/naskit_") + 8);
      OptionValues settings;
      const auto recorded = nlohmann::json::parse(table.attrs.at("settings"));
      for (const auto& [k, v] : recorded.items()) settings[k] = v.get<std::string>();
      const auto predictor = PredictorRegistry::Global().Create(key, settings, {benchmark.space()});
      // Sampled among the scored rows: a table may hold only some (its `rows` attribute), and a
      // proxy may be undefined at a cell (NaN).
      std::vector<std::size_t> scored;
      for (std::size_t row = 0; row < data.archs.size(); ++row)
        if (!std::isnan(table.At(row))) scored.push_back(row);
      ASSERT_FALSE(scored.empty()) << entry.path().filename() << " " << path;
      Rng rng(Rng(7).Derive(path));
      for (std::size_t i = 0; i < kRowsPerTable; ++i) {
        const std::size_t row = scored[rng.UniformInt(scored.size())];
        const double stored = table.At(row);
        const double score = predictor->Predict({&data.archs[row], 1}).mean[0];
        // Another CPU's kernels may round differently.
        EXPECT_NEAR(score, stored, 1e-3 * std::max(1.0, std::abs(stored)))
            << entry.path().filename() << " " << path << " row " << row;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace
}  // namespace naskit
