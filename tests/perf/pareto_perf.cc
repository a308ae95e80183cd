// Micro-benchmarks of Pareto fronts and hypervolumes (BENCHMARKS.md): the exact front of all
// 15,625 NB201 cells over (CIFAR-10 test accuracy, pixel3 latency) (target < 5 ms) and the 2-D
// hypervolume of a 100-point front (target < 20 us). The reference in the same run is sorting the
// same 15,625 values, the least any exact front takes.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/pareto.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

// Oriented (accuracy, -latency) of every NB201 cell; empty without the shipped file.
const ObjectivePoints& Nb201Points() {
  static const ObjectivePoints points = [] {
    ObjectivePoints p;
    const auto path = testing::ImportedNb201();
    if (!path) return p;
    const TabularBenchmark b = TabularBenchmark::Open(*path);
    const Table& accuracy = b.Metric("cifar10", "test_accuracy");
    const Table& latency = b.Get("hardware/pixel3/latency_ms");
    const std::size_t column = accuracy.ColumnOf(200, "test_accuracy");
    for (std::size_t row = 0; row < b.NumRows(); ++row) {
      p.push_back({accuracy.At(row, column), -double{latency.At(row)}});
    }
    return p;
  }();
  return points;
}

void BM_Pareto_FrontOfNb201(benchmark::State& state) {
  const ObjectivePoints& points = Nb201Points();
  if (points.empty())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  for (auto _ : state) benchmark::DoNotOptimize(NonDominated(points));
  state.counters["front"] = static_cast<double>(NonDominated(points).size());
}
BENCHMARK(BM_Pareto_FrontOfNb201)->Unit(benchmark::kMillisecond);

void BM_Pareto_Hypervolume2dOf100(benchmark::State& state) {
  ObjectivePoints front;
  for (int i = 0; i < 100; ++i) front.push_back({i / 100.0, 1 - i * i / 1e4});
  const std::vector<double> reference = {-1, -1};
  for (auto _ : state) benchmark::DoNotOptimize(Hypervolume(front, reference));
}
BENCHMARK(BM_Pareto_Hypervolume2dOf100)->Unit(benchmark::kMicrosecond);

// Reference: sorting the 15,625 accuracies.
void BM_Reference_SortNb201(benchmark::State& state) {
  const ObjectivePoints& points = Nb201Points();
  if (points.empty())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  std::vector<double> values;
  for (const auto& p : points) values.push_back(p[0]);
  for (auto _ : state) {
    std::vector<double> copy = values;
    std::sort(copy.begin(), copy.end());
    benchmark::DoNotOptimize(copy.data());
  }
}
BENCHMARK(BM_Reference_SortNb201)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace naskit
