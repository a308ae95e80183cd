// Surrogate benchmarks: the held-out ranking figure is Kendall's tau-b of the held-out
// architectures, recomputed here pair by pair from its definition; the file answers for
// architectures the source does not record; results and the report say that values are predictions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>

#include "core/errors.h"
#include "experiments/run_result.h"
#include "experiments/suite_runner.h"
#include "experiments/surrogate.h"
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
  ASSERT_EQ(surrogate.holdout_measured.size(), 100u);
  EXPECT_EQ(surrogate.train, 300u);
  EXPECT_NEAR(surrogate.holdout_kendall_tau,
              TauBByDefinition(surrogate.holdout_measured, surrogate.holdout_predicted), 1e-12);
  // The synthetic target is additive in the one-hot encoding: ridge ranks it well.
  EXPECT_GT(surrogate.holdout_kendall_tau, 0.6);
  // The held-out values are recorded ones.
  const Table& recorded = source.Get("metrics/toy/valid_accuracy");
  std::multiset<float> values(recorded.values.begin(), recorded.values.end());
  for (double v : surrogate.holdout_measured) EXPECT_TRUE(values.contains(static_cast<float>(v)));

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

TEST(SurrogateTest, ASearchOnItSaysItsValuesArePredictions) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  const std::string dir = testing::TempDir("surrogate");
  const std::string file = dir + "/surrogate.h5";
  WriteBenchmark(FitSurrogate(source, Settings()).data, file);
  const std::string suite_path = dir + "/suite.yaml";
  std::ofstream(suite_path) << "name: on_surrogate\nbenchmark: " << file
                            << "\nseeds: 0..1\nstrategies:\n  - strategy: random\n"
                               "experiments:\n  - name: q\n    datasets: [toy]\n"
                               "    report_metric: valid_accuracy\n    report_epochs: 12\n"
                               "    budgets: [30]\n";
  RunnerOptions options;
  options.out_dir = dir + "/results";
  RunSuite(LoadSuite(suite_path), options);
  const RunResult r = ReadRunResult(options.out_dir + "/q/toy/random/30q/seed-0.json");
  EXPECT_THAT(r.surrogate, ::testing::HasSubstr("values are ridge's predictions of "
                                                "toy/valid_accuracy at 12 epochs, fitted on 400"));
  EXPECT_THAT(r.surrogate, ::testing::HasSubstr("on 100 of 400 held-out ones"));
}

TEST(SurrogateTest, BadSettingsAreClearErrors) {
  const TabularBenchmark source(testing::SyntheticSparse("nb201", 400, 1));
  SurrogateSettings s = Settings();
  s.holdout = 1.5;
  EXPECT_THAT([&] { FitSurrogate(source, s); },
              ::testing::ThrowsMessage<ConfigError>(::testing::HasSubstr("--holdout")));
  s = Settings();
  s.predictor = {"params", {}};
  EXPECT_THAT([&] { FitSurrogate(source, s); },
              ::testing::ThrowsMessage<ConfigError>(::testing::HasSubstr("zero-cost predictor")));
  s = Settings();
  s.metric = "nope";
  EXPECT_THROW(FitSurrogate(source, s), ConfigError);
}

}  // namespace
}  // namespace naskit
