// The rank statistics of the predictor protocol against values computed by hand (ties included) and
// against the O(n^2) definition of Kendall's tau-b on random data with many ties.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.h"
#include "records/statistics.h"

namespace naskit {
namespace {

int Sign(double x) { return (x > 0) - (x < 0); }

double BruteForceTauB(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0, untied_a = 0, untied_b = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = i + 1; j < a.size(); ++j) {
      const double da = a[i] - a[j], db = b[i] - b[j];
      sum += Sign(da) * Sign(db);
      untied_a += da != 0;
      untied_b += db != 0;
    }
  }
  return sum / std::sqrt(untied_a * untied_b);
}

TEST(StatisticsTest, KendallTauByHand) {
  EXPECT_DOUBLE_EQ(KendallTau({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(KendallTau({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  // Pairs of {1,2,3}/{1,3,2}: (1,2)+ (1,3)+ (2,3)-: (2 - 1) / 3.
  EXPECT_DOUBLE_EQ(KendallTau({1, 2, 3}, {1, 3, 2}), 1.0 / 3);
  // a = {1,1,2,3}, b = {1,2,2,3}: pairs (0,1) tied in a, (1,2) tied in b, the other four
  // concordant: 4 / sqrt(5 * 5).
  EXPECT_DOUBLE_EQ(KendallTau({1, 1, 2, 3}, {1, 2, 2, 3}), 4.0 / 5);
  // One pair tied in both rankings counts in neither normaliser factor's untied pairs.
  EXPECT_DOUBLE_EQ(KendallTau({1, 1, 2}, {5, 5, 6}), 1.0);
  EXPECT_TRUE(std::isnan(KendallTau({1, 1, 1}, {1, 2, 3})));
  EXPECT_TRUE(std::isnan(KendallTau({1}, {1})));
}

TEST(StatisticsTest, KendallTauMatchesTheDefinitionWithTies) {
  Rng rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t n = 2 + rng.UniformInt(300);
    std::vector<double> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = static_cast<double>(rng.UniformInt(1 + trial % 10));  // many ties
      b[i] = a[i] + static_cast<double>(rng.UniformInt(4));
    }
    const double expected = BruteForceTauB(a, b);
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(KendallTau(a, b)));
    } else {
      EXPECT_NEAR(KendallTau(a, b), expected, 1e-12) << "n = " << n;
    }
  }
}

TEST(StatisticsTest, SpearmanAndPearsonByHand) {
  EXPECT_DOUBLE_EQ(Pearson({1, 2, 3}, {2, 4, 6}), 1.0);
  // Ranks of {1, 2, 2, 3} are {1, 2.5, 2.5, 4}; with {1, 2, 3, 4}: Pearson of the ranks.
  const double expected = 4.5 / std::sqrt(4.5 * 5.0);
  EXPECT_NEAR(Spearman({1, 2, 2, 3}, {1, 2, 3, 4}), expected, 1e-12);
}

TEST(StatisticsTest, PrecisionAtTopByHand) {
  const std::vector<double> truth = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  // Top 20 % = 2 cells: truth's {0, 1}; predicted's {0, 5}: one of two.
  EXPECT_DOUBLE_EQ(PrecisionAtTop({9, 1, 1, 1, 1, 8, 1, 1, 1, 1}, truth, 0.2), 0.5);
  EXPECT_DOUBLE_EQ(PrecisionAtTop(truth, truth, 0.1), 1.0);
  // Ties in the prediction are broken by position: {0, 1} of the all-equal scores.
  EXPECT_DOUBLE_EQ(PrecisionAtTop(std::vector<double>(10, 1.0), truth, 0.2), 1.0);
  // At least one cell, even when the fraction rounds to none.
  EXPECT_DOUBLE_EQ(PrecisionAtTop({1, 2, 3}, {3, 2, 1}, 0.1), 0.0);
}

TEST(StatisticsTest, RmseByHand) {
  // Errors {3, 0, -4, 0}: sqrt(25 / 4).
  EXPECT_DOUBLE_EQ(Rmse({4, 2, -1, 0}, {1, 2, 3, 0}), 2.5);
  const std::vector<double> truth = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const std::vector<double> predicted = {7, 9, 8, 7, 6, 5, 4, 3, 2, 100};
  // The best 20 % by truth are cells 0 and 1, errors {-3, 0}: sqrt(9 / 2); the error of cell 9,
  // among the worst, does not count.
  EXPECT_DOUBLE_EQ(RmseAtTop(predicted, truth, 0.2), std::sqrt(4.5));
  // At least one cell: the best alone.
  EXPECT_DOUBLE_EQ(RmseAtTop({1, 2, 3}, {1, 2, 3.5}, 0.1), 0.5);
  EXPECT_TRUE(std::isnan(Rmse({}, {})));
  EXPECT_TRUE(std::isnan(RmseAtTop({}, {}, 0.1)));
}

// No number from numbers that are not there: a NaN input makes every statistic NaN (Kendall's tau
// was about 1 with NaN predictions); infinities rank as extremes, and Pearson, which needs finite
// values, is NaN.
TEST(StatisticsTest, UndefinedInputsGiveUndefinedStatistics) {
  const std::vector<double> truth = {1, 2, 3, 4, 5};
  const std::vector<double> with_nan = {NAN, NAN, NAN, NAN, 5};
  EXPECT_TRUE(std::isnan(KendallTau(with_nan, truth)));
  EXPECT_TRUE(std::isnan(KendallTau(truth, with_nan)));
  EXPECT_TRUE(std::isnan(Spearman(with_nan, truth)));
  EXPECT_TRUE(std::isnan(Pearson(with_nan, truth)));
  EXPECT_TRUE(std::isnan(PrecisionAtTop(with_nan, truth, 0.2)));
  EXPECT_TRUE(std::isnan(Rmse(with_nan, truth)));
  // A NaN among the cells the top leaves out still makes it undefined.
  EXPECT_TRUE(std::isnan(RmseAtTop(with_nan, truth, 0.2)));
  const std::vector<double> with_inf = {-INFINITY, 2, 3, 4, INFINITY};
  EXPECT_DOUBLE_EQ(KendallTau(with_inf, truth), 1.0);
  EXPECT_DOUBLE_EQ(Spearman(with_inf, truth), 1.0);
  EXPECT_TRUE(std::isnan(Pearson(with_inf, truth)));
}

// A summary counts what it left out, and a bounded statistic's interval stays within its bounds.
TEST(StatisticsTest, SummariesCountUndefinedValuesAndClipBoundedIntervals) {
  const Summary s = Summarise({0.99, 0.5, NAN}, -1, 1);
  EXPECT_EQ(s.n, 2u);
  EXPECT_EQ(s.undefined, 1u);
  EXPECT_DOUBLE_EQ(s.mean, 0.745);
  EXPECT_GT(s.mean + s.half_width, 1.0);  // the t interval of two values is wide
  EXPECT_EQ(s.high, 1.0);
  EXPECT_GE(s.low, -1.0);
  const Summary none = Summarise({NAN, INFINITY});
  EXPECT_EQ(none.n, 0u);
  EXPECT_EQ(none.undefined, 2u);
  EXPECT_TRUE(std::isnan(none.mean));
}

}  // namespace
}  // namespace naskit
