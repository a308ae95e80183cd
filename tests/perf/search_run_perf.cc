// Micro-benchmarks of whole search runs on the imported NB201 benchmark: one run of 100 queries per
// strategy (target for regularized evolution: < 200 µs). The reference in the same run is the cost
// of the 100 table lookups alone.
#include <benchmark/benchmark.h>

#include "experiments/search_run.h"
#include "strategies/search_strategy.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

const PreparedSearch* Nb201Search() {
  static const PreparedSearch* search = []() -> const PreparedSearch* {
    auto path = testing::ImportedNb201();
    if (!path) return nullptr;
    static const TabularBenchmark benchmark = TabularBenchmark::Open(*path);
    SearchSettings settings;
    settings.dataset = "cifar10";
    settings.signal_epochs = 12;  // NB201's protocol
    settings.report_epochs = 200;
    settings.budget = 100;
    return new PreparedSearch(benchmark, settings);
  }();
  return search;
}

void BM_SearchRun_100Queries(benchmark::State& state, const std::string& strategy) {
  const PreparedSearch* search = Nb201Search();
  if (!search) return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  std::uint64_t seed = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(ExecuteRun(*search, strategy, {}, seed++).incumbent.back());
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK_CAPTURE(BM_SearchRun_100Queries, random, std::string("random"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SearchRun_100Queries, regularized_evolution,
                  std::string("regularized_evolution"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SearchRun_100Queries, local_search, std::string("local_search"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SearchRun_100Queries, reinforce, std::string("reinforce"))
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace naskit
