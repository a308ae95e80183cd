// Objectives with a direction and constraints: regret against the brute-force optimum, incumbents
// that never violate a constraint, and what strategies are told.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>

#include "core/errors.h"
#include "experiments/search_run.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const TabularBenchmark& Nb201() {
  static const TabularBenchmark b =
      TabularBenchmark::Open(std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5");
  return b;
}

SearchSettings Fastest() {
  SearchSettings s;
  s.signal_metric = s.report_metric = "latency_ms";
  s.signal_device = s.report_device = "pixel3";
  s.minimize = true;
  s.budget = 60;
  return s;
}

SearchSettings AccurateUnder(double ms) {
  SearchSettings s;
  s.signal_epochs = 12;  // NB201's protocol
  s.report_epochs = 200;
  s.constraints = {ParseConstraint("latency_ms on pixel3 <= " + std::to_string(ms))};
  s.budget = 60;
  return s;
}

TEST(ObjectivesTest, MinimisingLatencyMeasuresRegretAgainstTheFastestCell) {
  const Table& latency = Nb201().Get("hardware/pixel3/latency_ms");
  double fastest = INFINITY;
  for (std::size_t row = 0; row < Nb201().NumRows(); ++row)
    fastest = std::min(fastest, double{latency.At(row)});
  const PreparedSearch search(Nb201(), Fastest());
  EXPECT_EQ(search.BestReport(0), fastest);
  for (const auto& strategy : StrategyRegistry::Global().Keys()) {
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      const RunTrace t = ExecuteRun(search, strategy, testing::TestOptions(strategy), seed);
      // The incumbent is the fastest cell queried so far.
      double best_seen = INFINITY;
      const auto rows = testing::RowsOf(Nb201(), t.arch);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        best_seen = std::min(best_seen, double{latency.At(rows[i])});
        EXPECT_EQ(t.report[0][i], best_seen) << strategy;
        EXPECT_GE(t.report[0][i], fastest);
      }
    }
  }
}

TEST(ObjectivesTest, ALatencyConstraintIsNeverViolatedAndSetsTheOptimum) {
  const Table& latency = Nb201().Get("hardware/pixel3/latency_ms");
  const Table& test = Nb201().Metric("cifar10", "test_accuracy");
  const std::size_t column = test.ColumnOf(200, "test");
  double best_feasible = -INFINITY, best_overall = -INFINITY;
  for (std::size_t row = 0; row < Nb201().NumRows(); ++row) {
    best_overall = std::max(best_overall, double{test.At(row, column)});
    if (latency.At(row) <= 10)
      best_feasible = std::max(best_feasible, double{test.At(row, column)});
  }
  const PreparedSearch search(Nb201(), AccurateUnder(10));
  EXPECT_EQ(search.BestReport(0), best_feasible);
  EXPECT_LT(best_feasible, best_overall);  // the constraint binds
  for (const auto& strategy : StrategyRegistry::Global().Keys()) {
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      const RunTrace t = ExecuteRun(search, strategy, testing::TestOptions(strategy), seed);
      for (std::size_t i = 0; i < t.arch.size(); ++i) {
        if (std::isnan(t.report[0][i])) continue;  // no feasible cell queried yet
        ASSERT_TRUE(t.incumbent[i]);
        EXPECT_LE(latency.At(*Nb201().RowOf(*t.incumbent[i])), 10) << strategy;
        EXPECT_LE(t.report[0][i], best_feasible);
      }
    }
  }
}

TEST(ObjectivesTest, StrategiesSeeMinimisedObjectivesNegatedAndInfeasibleCellsAsTheWorst) {
  const PreparedSearch fastest(Nb201(), Fastest());
  EXPECT_EQ(fastest.Told(true, 5.0), -5.0);
  const PreparedSearch constrained(Nb201(), AccurateUnder(10));
  const Table& latency = Nb201().Get("hardware/pixel3/latency_ms");
  const Table& signal = constrained.signal();
  double worst = INFINITY;
  for (std::size_t row = 0; row < Nb201().NumRows(); ++row)
    worst = std::min(worst, double{signal.At(row, constrained.signal_column())});
  for (std::size_t row = 0; row < 200; ++row) {
    const double v = signal.At(row, constrained.signal_column());
    EXPECT_EQ(constrained.Told(constrained.Feasible(row), v), latency.At(row) <= 10 ? v : worst);
  }
}

// NB201 records accuracies at 12 and 200 epochs: which one a run reads is the suite's choice.
TEST(ObjectivesTest, AnAmbiguousEpochCountIsAClearError) {
  EXPECT_THAT([] { PreparedSearch(Nb201(), SearchSettings{}); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("signal_epochs: metric \"cifar10/valid_accuracy\" records several "
                            "epoch counts (12, 200): name one")));
  // A device's table has no epochs; one recorded epoch count needs no name.
  const PreparedSearch fastest(Nb201(), Fastest());
  EXPECT_EQ(fastest.settings().signal_epochs, 0);
}

// A constraint on a metric recorded at 12 and 200 epochs names its epochs; it then reads exactly
// that column.
TEST(ObjectivesTest, AConstraintOnAMetricReadsTheEpochsItNames) {
  SearchSettings s = AccurateUnder(10);
  s.constraints = {ParseConstraint("valid_accuracy on cifar10 >= 85")};
  EXPECT_THAT([&] { PreparedSearch(Nb201(), s); },
              ThrowsMessage<ConfigError>(HasSubstr(
                  "constraint \"valid_accuracy on cifar10 >= 85\": at <epochs>: metric "
                  "\"cifar10/valid_accuracy\" records several epoch counts (12, 200): name one")));
  const Table& accuracy = Nb201().Metric("cifar10", "valid_accuracy");
  for (int epochs : {12, 200}) {
    s.constraints = {ParseConstraint(fmt::format("valid_accuracy on cifar10 at {} >= 70", epochs))};
    const PreparedSearch search(Nb201(), s);
    const std::size_t column = accuracy.ColumnOf(epochs, "");
    std::size_t feasible = 0;
    for (std::size_t row = 0; row < Nb201().NumRows(); ++row) {
      EXPECT_EQ(search.Feasible(row), accuracy.At(row, column) >= 70) << row;
      feasible += search.Feasible(row);
    }
    EXPECT_GT(feasible, 0u);
    EXPECT_LT(feasible, Nb201().NumRows());
  }
  s.constraints = {ParseConstraint("valid_accuracy on cifar10 at 7 >= 85")};
  EXPECT_THAT([&] { PreparedSearch(Nb201(), s); },
              ThrowsMessage<ConfigError>(HasSubstr("has no column for 7 epochs")));
  s.constraints = {ParseConstraint("latency_ms on pixel3 at 12 <= 10")};
  EXPECT_THAT([&] { PreparedSearch(Nb201(), s); },
              ThrowsMessage<ConfigError>(HasSubstr("\"latency_ms\" on \"pixel3\" has no epochs")));
}

TEST(ObjectivesTest, MalformedConstraintsNameTheText) {
  for (const char* bad :
       {"latency_ms pixel3 <= 10", "latency_ms on pixel3 < 10",
        "valid_accuracy on cifar10 at 0 >= 85", "valid_accuracy on cifar10 in 12 >= 85",
        "valid_accuracy on cifar10 at 12x >= 85", "latency_ms on pixel3 <= ten",
        "latency_ms on pixel3 <= 10 ms"}) {
    EXPECT_THAT([&] { ParseConstraint(bad); },
                ThrowsMessage<ConfigError>(HasSubstr(std::string("constraint \"") + bad)));
  }
  SearchSettings unknown = AccurateUnder(10);
  unknown.constraints[0].on = "pixel9";
  EXPECT_THROW(PreparedSearch(Nb201(), unknown), ConfigError);
  EXPECT_THAT([&] { PreparedSearch(Nb201(), AccurateUnder(-1)); },
              ThrowsMessage<ConfigError>(HasSubstr("no architecture satisfies the constraints")));
}

}  // namespace
}  // namespace naskit
