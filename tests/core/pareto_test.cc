// Pareto fronts and indicators against hand-computed cases and brute force on random point sets
// (with ties and points below the reference): the front by pairwise dominance, the hypervolume by
// inclusion-exclusion over every subset of points.
#include "core/pareto.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace naskit {
namespace {

// Random points on a coarse grid, so that ties in one or every objective are common.
ObjectivePoints RandomPoints(std::mt19937_64& rng, std::size_t n, std::size_t dims) {
  std::uniform_int_distribution<int> grid(0, 6);
  ObjectivePoints points(n, std::vector<double>(dims));
  for (auto& p : points) {
    for (double& v : p) v = grid(rng) * 0.5;
  }
  return points;
}

// The hypervolume by inclusion-exclusion: the union of the boxes [reference, p] is the signed sum
// of the volumes of the intersections of every non-empty subset of them.
double HypervolumeByInclusionExclusion(const ObjectivePoints& points,
                                       const std::vector<double>& reference) {
  double volume = 0;
  for (std::size_t subset = 1; subset < (std::size_t{1} << points.size()); ++subset) {
    std::vector<double> corner(reference.size(), std::numeric_limits<double>::infinity());
    int members = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (!(subset >> i & 1)) continue;
      ++members;
      for (std::size_t d = 0; d < reference.size(); ++d)
        corner[d] = std::min(corner[d], points[i][d]);
    }
    double box = 1;
    for (std::size_t d = 0; d < reference.size(); ++d)
      box *= std::max(0.0, corner[d] - reference[d]);
    volume += (members % 2 ? 1 : -1) * box;
  }
  return volume;
}

TEST(ParetoTest, HandComputedCases) {
  EXPECT_TRUE(Dominates(std::vector<double>{2, 3}, std::vector<double>{2, 2}));
  EXPECT_FALSE(Dominates(std::vector<double>{2, 2}, std::vector<double>{2, 2}));
  EXPECT_FALSE(Dominates(std::vector<double>{3, 1}, std::vector<double>{1, 3}));
  // A staircase: x in [0, 1] is covered to height 3, [1, 2] to 2, [2, 3] to 1.
  const ObjectivePoints stairs = {{1, 3}, {2, 2}, {3, 1}, {1, 1}, {2, 2}};
  EXPECT_EQ(NonDominated(stairs), (std::vector<std::size_t>{0, 1, 2, 4}));
  EXPECT_DOUBLE_EQ(Hypervolume(stairs, std::vector<double>{0, 0}), 6);
  EXPECT_DOUBLE_EQ(Hypervolume(stairs, std::vector<double>{1, 1}), 1);  // only (2, 2) counts
  EXPECT_DOUBLE_EQ(Hypervolume(stairs, std::vector<double>{5, 5}), 0);
  // Two boxes of volume 2 and 4 sharing the unit cube.
  EXPECT_DOUBLE_EQ(Hypervolume({{1, 1, 2}, {2, 2, 1}}, std::vector<double>{0, 0, 0}), 5);
  EXPECT_DOUBLE_EQ(Hypervolume({{2, 3, 4}}, std::vector<double>{0, 0, 0}), 24);
  EXPECT_THROW(Hypervolume({{1, 2, 3, 4}}, std::vector<double>{0, 0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(Hypervolume({{1, 2}}, std::vector<double>{0, 0, 0}), std::invalid_argument);
  // IGD+ counts only where the found point is worse: (3, 0) is 1 short of (3, 1) in y only.
  EXPECT_DOUBLE_EQ(IgdPlus({{3, 0}, {1, 3}}, {{1, 3}, {3, 1}}), 0.5);
  EXPECT_DOUBLE_EQ(IgdPlus({{4, 4}}, {{1, 3}, {3, 1}}), 0);
  EXPECT_TRUE(std::isnan(IgdPlus({}, {{1, 3}})));
  // Crowding: the extremes are infinite; (2, 2) sits between (1, 3) and (3, 1), a full range in
  // both objectives.
  const std::vector<double> crowding = CrowdingDistance(stairs, {0, 1, 2});
  EXPECT_TRUE(std::isinf(crowding[0]));
  EXPECT_DOUBLE_EQ(crowding[1], 2);
  EXPECT_TRUE(std::isinf(crowding[2]));
}

TEST(ParetoTest, FrontsAndHypervolumesMatchBruteForce) {
  std::mt19937_64 rng(7);
  for (std::size_t dims : {2, 3}) {
    for (int trial = 0; trial < 300; ++trial) {
      const std::size_t n = 1 + trial % 9;
      const ObjectivePoints points = RandomPoints(rng, n, dims);
      std::vector<std::size_t> brute;
      for (std::size_t i = 0; i < n; ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < n; ++j) dominated |= Dominates(points[j], points[i]);
        if (!dominated) brute.push_back(i);
      }
      ASSERT_EQ(NonDominated(points), brute) << "dims " << dims << ", trial " << trial;
      std::vector<double> reference(dims, trial % 3 == 0 ? 1.0 : -0.5);  // some points below it
      ASSERT_NEAR(Hypervolume(points, reference),
                  HypervolumeByInclusionExclusion(points, reference), 1e-9)
          << "dims " << dims << ", trial " << trial;
      // Non-dominated sorting: every point in one front; each front is the non-dominated set of
      // what the fronts before it left, so each member of front k + 1 is dominated by one of k.
      const auto fronts = NonDominatedSort(points);
      std::vector<int> seen(n, 0);
      for (std::size_t k = 0; k < fronts.size(); ++k) {
        for (std::size_t i : fronts[k]) {
          ++seen[i];
          for (std::size_t later = k; later < fronts.size(); ++later) {
            for (std::size_t j : fronts[later]) ASSERT_FALSE(Dominates(points[j], points[i]));
          }
          if (k == 0) continue;
          bool covered = false;
          for (std::size_t j : fronts[k - 1]) covered |= Dominates(points[j], points[i]);
          ASSERT_TRUE(covered);
        }
      }
      ASSERT_EQ(seen, std::vector<int>(n, 1));
    }
  }
}

// The front of many points (the size of NB201) by the sweep equals the general method's.
TEST(ParetoTest, TheTwoObjectiveSweepEqualsTheGeneralMethod) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  ObjectivePoints points(5000), lifted(5000);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double x = std::round(normal(rng) * 20) / 4, y = std::round(-x + normal(rng) * 8) / 2;
    points[i] = {x, y};
    lifted[i] = {x, y, 0};  // a constant third objective changes no dominance
  }
  EXPECT_EQ(NonDominated(points), NonDominated(lifted));
  EXPECT_GT(NonDominated(points).size(), 5u);
}

}  // namespace
}  // namespace naskit
