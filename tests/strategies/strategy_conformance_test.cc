// Every registered strategy: deterministic per seed, no repeats unless the algorithm allows them,
// budgets respected, Tell() rejects strangers, and decisions never depend on the report metric.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "experiments/search_run.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"

namespace naskit {
namespace {

// Parameter: "<strategy>@<benchmark>", the benchmark being the dense synthetic NB201 table or a
// sparse synthetic table of 400 sampled architectures of a registered space.
class StrategyConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string Strategy() const { return GetParam().substr(0, GetParam().find('@')); }
  std::string BenchmarkName() const { return GetParam().substr(GetParam().find('@') + 1); }
  BenchmarkData Data() const {
    const std::string name = BenchmarkName();
    return name == "nb201_dense"
               ? testing::SyntheticNb201()
               : testing::SyntheticSparse(name.substr(0, name.rfind("_sparse")), 400);
  }
  const TabularBenchmark& Benchmark() const {
    static std::map<std::string, std::unique_ptr<TabularBenchmark>> cache;
    auto& b = cache[BenchmarkName()];
    if (!b) b = std::make_unique<TabularBenchmark>(Data());
    return *b;
  }
  static SearchSettings Settings(const std::string& unit, double budget) {
    SearchSettings s;
    s.dataset = "toy";
    s.budget_unit = unit;
    s.budget = budget;
    return s;
  }
};

std::vector<std::string> AllPairs() {
  std::vector<std::string> pairs;
  for (const auto& strategy : StrategyRegistry::Global().Keys()) {
    pairs.push_back(strategy + "@nb201_dense");
    for (const auto& space : SpaceRegistry::Global().Keys())
      pairs.push_back(strategy + "@" + space + "_sparse");
  }
  return pairs;
}

TEST_P(StrategyConformanceTest, SameSeedSameRunOtherSeedOtherRun) {
  const PreparedSearch search(Benchmark(), Settings("queries", 60));
  const RunTrace a = ExecuteRun(search, Strategy(), testing::TestOptions(Strategy()), 3);
  const RunTrace b = ExecuteRun(search, Strategy(), testing::TestOptions(Strategy()), 3);
  const RunTrace c = ExecuteRun(search, Strategy(), testing::TestOptions(Strategy()), 4);
  EXPECT_EQ(a.arch, b.arch);
  EXPECT_EQ(a.incumbent, b.incumbent);
  EXPECT_NE(a.arch, c.arch);
}

TEST_P(StrategyConformanceTest, NeverProposesTwiceUnlessTheAlgorithmMay) {
  // On the whole space: 400 sparse rows would run out.
  const SearchSpace& space = Benchmark().space();
  auto strategy = StrategyRegistry::Global().Create(Strategy(), testing::TestOptions(Strategy()),
                                                    StrategyContext{space, {12}, 0, Rng(1)});
  std::set<ArchId> seen;
  std::size_t repeats = 0;
  for (int i = 0; i < 400; ++i) {
    const auto proposals = strategy->Ask(1 + i % 3);
    ASSERT_FALSE(proposals.empty());
    ASSERT_LE(proposals.size(), 1u + i % 3);
    std::vector<Observation> observations;
    for (const auto& p : proposals) {
      repeats += !seen.insert(p.arch).second;
      observations.push_back({p, static_cast<double>(p.arch % 97), {}});
    }
    strategy->Tell(observations);
  }
  if (!strategy->MayRepeat()) {
    EXPECT_EQ(repeats, 0u);
  }
}

TEST_P(StrategyConformanceTest, TellRejectsProposalsNeverAsked) {
  const SearchSpace& space = Benchmark().space();
  auto strategy = StrategyRegistry::Global().Create(Strategy(), testing::TestOptions(Strategy()),
                                                    StrategyContext{space, {12}, 0, Rng(1)});
  const auto asked = strategy->Ask(1);
  ASSERT_EQ(asked.size(), 1u);
  Rng rng(0);
  const Observation stranger{{space.Mutate(asked[0].arch, rng), 0}, 1.0, {}};
  EXPECT_THROW(strategy->Tell({&stranger, 1}), std::logic_error);
  const Observation ok{asked[0], 1.0, {}};
  strategy->Tell({&ok, 1});
  EXPECT_THROW(strategy->Tell({&ok, 1}), std::logic_error);  // told twice
}

TEST_P(StrategyConformanceTest, RespectsQueryAndTimeBudgets) {
  const RunTrace queries = ExecuteRun(PreparedSearch(Benchmark(), Settings("queries", 37)),
                                      Strategy(), testing::TestOptions(Strategy()), 5);
  EXPECT_EQ(queries.arch.size(), 37u);
  const PreparedSearch timed(Benchmark(), Settings("seconds", 2500));
  const RunTrace seconds = ExecuteRun(timed, Strategy(), testing::TestOptions(Strategy()), 5);
  ASSERT_GE(seconds.seconds.size(), 2u);
  // The query that crosses the budget is the last one (NB201's protocol).
  EXPECT_GE(seconds.seconds.back(), 2500);
  EXPECT_LT(seconds.seconds[seconds.seconds.size() - 2], 2500);
  EXPECT_GT(seconds.modelled_cost_queries, 0u);  // half the synthetic cells have no recorded cost
}

TEST_P(StrategyConformanceTest, NeverReadsTheReportMetric) {
  // The same benchmark with different report values must give the same decisions.
  BenchmarkData other = Data();
  for (auto& v : other.tables["metrics/toy/test_accuracy"].values) v = 100 - v;
  const TabularBenchmark flipped(std::move(other));
  const RunTrace a = ExecuteRun(PreparedSearch(Benchmark(), Settings("queries", 80)), Strategy(),
                                testing::TestOptions(Strategy()), 9);
  const RunTrace b = ExecuteRun(PreparedSearch(flipped, Settings("queries", 80)), Strategy(),
                                testing::TestOptions(Strategy()), 9);
  EXPECT_EQ(a.arch, b.arch);
  EXPECT_EQ(a.incumbent, b.incumbent);
  EXPECT_NE(a.report, b.report);
}

TEST_P(StrategyConformanceTest, RejectsUnknownOptions) {
  const PreparedSearch search(Benchmark(), Settings("queries", 10));
  EXPECT_THROW(ExecuteRun(search, Strategy(), {{"no_such_option", "1"}}, 0), ConfigError);
}

INSTANTIATE_TEST_SUITE_P(AllRegistered, StrategyConformanceTest, ::testing::ValuesIn(AllPairs()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '@', '_');
                           return name;
                         });

TEST(StrategyTest, SearchBeatsRandomOnTheSyntheticBenchmark) {
  // A sanity check of the algorithms themselves: with the same budget, evolution and local search
  // find better cells than random sampling on average.
  const TabularBenchmark benchmark(testing::SyntheticNb201());
  SearchSettings s;
  s.dataset = "toy";
  s.budget = 100;
  const PreparedSearch search(benchmark, s);
  auto mean_final = [&](const std::string& key) {
    double total = 0;
    for (std::uint64_t seed = 0; seed < 40; ++seed)
      total += ExecuteRun(search, key, testing::TestOptions(key), seed).report[0].back();
    return total / 40;
  };
  const double random = mean_final("random");
  EXPECT_GT(mean_final("regularized_evolution"), random);
  EXPECT_GT(mean_final("local_search"), random);
}

// Evolution's first population is distinct random architectures (Real et al.), for every aging
// evolution (a population and a tournament), whose proposals may otherwise repeat: on a sparse
// space of 400 cells, 60 samples with replacement repeat one almost surely.
TEST(StrategyTest, TheFirstPopulationOfAnEvolutionIsDistinct) {
  std::size_t checked = 0;
  for (const auto& key : StrategyRegistry::Global().Keys()) {
    const auto& options = StrategyRegistry::Global().Find(key).options;
    auto has = [&](const std::string& name) {
      return std::any_of(options.begin(), options.end(),
                         [&](const OptionInfo& o) { return o.key == name; });
    };
    if (!has("population_size") || !has("sample_size")) continue;
    for (const auto& space_key : SpaceRegistry::Global().Keys()) {
      const TabularBenchmark benchmark(testing::SyntheticSparse(space_key, 400));
      SearchSettings settings;
      settings.dataset = "toy";
      const PreparedSearch search(benchmark, settings);
      OptionValues values = testing::TestOptions(key);
      values["population_size"] = "60";
      auto strategy = StrategyRegistry::Global().Create(
          key, values, StrategyContext{search.space(), {12}, 0, Rng(2)});
      std::set<ArchId> first;
      for (const auto& p : strategy->Ask(60)) first.insert(p.arch);
      EXPECT_EQ(first.size(), 60u) << key << " on " << space_key;
      ++checked;
    }
  }
  EXPECT_GE(checked, 2u * SpaceRegistry::Global().Keys().size());  // both evolutions
}

}  // namespace
}  // namespace naskit
