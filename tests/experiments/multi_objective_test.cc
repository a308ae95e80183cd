// Multi-objective search on the shipped NAS-Bench-201 file: objective vectors from the tables, the
// Pareto archive, hypervolume ratios checked against a brute force, and the multi-objective
// strategies against random search.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "core/pareto.h"
#include "experiments/search_run.h"
#include "experiments/suite.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

const TabularBenchmark& Nb201() {
  static const TabularBenchmark benchmark = TabularBenchmark::Open(*testing::ImportedNb201());
  return benchmark;
}

SearchSettings ParetoSettings(const std::string& device, double budget) {
  SearchSettings s;
  s.dataset = "cifar10";
  s.signal_epochs = 12;
  s.report_epochs = 200;
  s.budget = budget;
  s.objectives = {ParseObjective("min latency_ms on " + device)};
  s.hypervolume_floor = 90;
  return s;
}

// Every feasible architecture's oriented (accuracy, -latency) for `metric` at `epochs`.
ObjectivePoints AllPoints(const PreparedSearch& search, const std::string& metric, int epochs) {
  const Table& accuracy = Nb201().Metric("cifar10", metric);
  const Table& latency = Nb201().Get("hardware/pixel3/latency_ms");
  ObjectivePoints points;
  for (std::size_t row = 0; row < Nb201().NumRows(); ++row) {
    if (!search.Feasible(row)) continue;
    points.push_back({accuracy.At(row, accuracy.ColumnOf(epochs, "")), -latency.At(row, 0)});
  }
  return points;
}

// The brute-force hypervolume of the non-dominated points of `points`.
double FrontVolume(const ObjectivePoints& points, const std::vector<double>& reference) {
  ObjectivePoints front;
  for (const auto& p : points) {
    if (std::none_of(points.begin(), points.end(), [&](const auto& q) { return Dominates(q, p); }))
      front.push_back(p);
  }
  return Hypervolume(front, reference);
}

TEST(MultiObjectiveTest, ObjectivesAreReadFromTheTablesAndOriented) {
  const PreparedSearch search(Nb201(), ParetoSettings("pixel3", 50));
  ASSERT_EQ(search.problem().objectives.size(), 2u);
  EXPECT_TRUE(search.problem().objectives[1].minimize);
  const RunTrace trace = ExecuteRun(search, "random", {}, 1);
  ASSERT_EQ(trace.objectives.size(), 50u);
  const Table& latency = Nb201().Get("hardware/pixel3/latency_ms");
  for (std::size_t q = 0; q < 50; ++q) {
    const std::size_t row = *Nb201().RowOf(trace.arch[q]);
    EXPECT_EQ(trace.objectives[q][0], search.signal().At(row, search.signal_column()));
    EXPECT_EQ(trace.objectives[q][1], latency.At(row, 0));
  }
  // The archive is exactly the non-dominated queries, by brute force.
  std::vector<std::size_t> expected;
  for (std::size_t q = 0; q < 50; ++q) {
    const std::vector<double> p{trace.objectives[q][0], -trace.objectives[q][1]};
    bool dominated = false;
    for (std::size_t k = 0; k < 50; ++k) {
      dominated |=
          Dominates(std::vector<double>{trace.objectives[k][0], -trace.objectives[k][1]}, p);
    }
    if (!dominated) expected.push_back(q);
  }
  EXPECT_EQ(trace.pareto, expected);
}

TEST(MultiObjectiveTest, HypervolumeRatiosAgreeWithABruteForce) {
  const PreparedSearch search(Nb201(), ParetoSettings("pixel3", 120));
  const ParetoQuality& q = *search.pareto_quality();
  // The references the protocol states: the best signal minus 10 points and an accuracy
  // floor of 90, each with the largest latency on its true front.
  const double search_volume =
      FrontVolume(AllPoints(search, "valid_accuracy", 12), q.search_reference);
  const double report_volume =
      FrontVolume(AllPoints(search, "test_accuracy", 200), q.report_reference);
  EXPECT_DOUBLE_EQ(q.search_hypervolume, search_volume);
  EXPECT_DOUBLE_EQ(q.report_hypervolume, report_volume);
  EXPECT_EQ(q.report_reference[0], 90);
  EXPECT_GT(q.report_ceiling, 0.5);
  EXPECT_LT(q.report_ceiling, 1);

  const RunTrace trace = ExecuteRun(search, "nsga2", {}, 4);
  const HypervolumeRatios ratios = search.Ratios(trace);
  ASSERT_EQ(ratios.search.size(), trace.arch.size());
  EXPECT_TRUE(std::is_sorted(ratios.search.begin(), ratios.search.end()));  // a front only grows
  ObjectivePoints seen;
  for (const auto& o : trace.objectives) seen.push_back({o[0], -o[1]});
  EXPECT_NEAR(ratios.search.back(), FrontVolume(seen, q.search_reference) / search_volume, 1e-12);
  EXPECT_LE(ratios.search.back(), 1);
  EXPECT_LE(ratios.report.back(), 1);
}

TEST(MultiObjectiveTest, EvaluatingEveryCellReachesTheWholeFrontAndTheCeiling) {
  const PreparedSearch search(Nb201(), ParetoSettings("fpga", 1));
  RunTrace all;
  for (std::size_t row = 0; row < Nb201().NumRows(); ++row) {
    all.arch.push_back(Nb201().data().archs[row]);
    all.fidelity.push_back(search.signal_column());
    all.objectives.push_back(
        {search.signal().At(row, search.signal_column()), search.ObjectiveValue(0, row)});
  }
  const HypervolumeRatios ratios = search.Ratios(all);
  EXPECT_NEAR(ratios.search.back(), 1, 1e-12);
  EXPECT_NEAR(ratios.report.back(), search.pareto_quality()->report_ceiling, 1e-12);
}

TEST(MultiObjectiveTest, AConstrainedFrontHoldsOnlyFeasibleCells) {
  SearchSettings s = ParetoSettings("pixel3", 100);
  s.constraints = {ParseConstraint("latency_ms on raspi4 <= 20")};
  const PreparedSearch search(Nb201(), s);
  const Table& raspi = Nb201().Get("hardware/raspi4/latency_ms");
  for (const char* strategy : {"nsga2", "pareto_local_search", "random"}) {
    const RunTrace trace = ExecuteRun(search, strategy, {}, 2);
    ASSERT_FALSE(trace.pareto.empty()) << strategy;
    for (std::size_t q : trace.pareto) {
      EXPECT_LE(raspi.At(*Nb201().RowOf(trace.arch[q]), 0), 20) << strategy;
    }
  }
}

TEST(MultiObjectiveTest, MultiObjectiveStrategiesFindLargerFrontsThanRandomSearch) {
  const PreparedSearch search(Nb201(), ParetoSettings("pixel3", 150));
  auto mean_ratio = [&](const std::string& strategy) {
    double total = 0;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      total += search.Ratios(ExecuteRun(search, strategy, {}, seed)).search.back();
    }
    return total / 20;
  };
  const double random = mean_ratio("random");
  for (const char* strategy :
       {"nsga2", "mo_regularized_evolution", "random_scalarization", "pareto_local_search"}) {
    EXPECT_GT(mean_ratio(strategy), random) << strategy;
  }
}

TEST(MultiObjectiveTest, TheMnasNetRewardIsWhatStrategiesAreToldAndPicksTheIncumbent) {
  SearchSettings s = ParetoSettings("pixel3", 60);
  s.scalarization = {"mnasnet", {{"target", "10"}}};
  const PreparedSearch search(Nb201(), s);
  const RunTrace trace = ExecuteRun(search, "random", {}, 3);
  // Tan et al.'s soft reward, by hand: accuracy x (latency / 10)^-0.07.
  std::size_t best = 0;
  auto reward = [&](std::size_t q) {
    return trace.objectives[q][0] * std::pow(trace.objectives[q][1] / 10, -0.07);
  };
  for (std::size_t q = 1; q < trace.arch.size(); ++q) {
    if (reward(q) > reward(best)) best = q;
  }
  EXPECT_EQ(trace.incumbent.back(), trace.arch[best]);
  // Without a latency among the objectives the reward has nothing to weigh.
  s.objectives.clear();
  try {
    PreparedSearch without(Nb201(), s);
    FAIL() << "a reward without a latency was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("give the latency in `objectives`"), std::string::npos)
        << error.what();
  }
}

TEST(MultiObjectiveTest, BadObjectivesAreClearErrors) {
  SearchSettings s = ParetoSettings("pixel3", 10);
  s.objectives = {ParseObjective("min latency_ms on toaster")};
  try {
    PreparedSearch search(Nb201(), s);
    FAIL() << "an unknown device was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("objective \"min latency_ms on toaster\""),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(ParseObjective("fastest latency_ms on pixel3"), ConfigError);
  // Strategies never see the test metric: not as an objective, not as a constraint's feasibility.
  for (auto edit : {+[](SearchSettings& t) {
                      t.objectives = {ParseObjective("max test_accuracy on cifar10 at 200")};
                    },
                    +[](SearchSettings& t) {
                      t.constraints = {ParseConstraint("test_accuracy on cifar10 at 200 >= 90")};
                    }}) {
    SearchSettings held_out = ParetoSettings("pixel3", 10);
    edit(held_out);
    EXPECT_THAT([&] { PreparedSearch(Nb201(), held_out); },
                ::testing::ThrowsMessage<ConfigError>(
                    ::testing::HasSubstr("is a held-out test metric, which strategies never see")));
  }
  s = ParetoSettings("pixel3", 10);
  s.hypervolume_floor = 99.9;  // above every cell: no volume to measure a front by
  EXPECT_THROW(PreparedSearch(Nb201(), s), ConfigError);
}

}  // namespace
}  // namespace naskit
