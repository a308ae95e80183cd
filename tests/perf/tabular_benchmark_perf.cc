// Micro-benchmarks of the table-driven core: benchmark queries, string parsing, file opening.
// A reference in the same run (a string-keyed hash map, the shape of dict-based benchmark APIs)
// gives the ratio that BENCHMARKS.md reports.
#include <benchmark/benchmark.h>

#include <unordered_map>

#include "benchmarks_data/tabular_benchmark.h"
#include "spaces/nb201/nb201_space.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

const TabularBenchmark* Nb201() {
  static const auto* benchmark = [] {
    auto path = testing::ImportedNb201();
    return path ? new TabularBenchmark(TabularBenchmark::Open(*path)) : nullptr;
  }();
  return benchmark;
}

std::vector<std::uint32_t> RandomIndices(std::size_t n) {
  Rng rng(1);
  std::vector<std::uint32_t> indices(n);
  for (auto& i : indices) i = static_cast<std::uint32_t>(rng.UniformInt(15625));
  return indices;
}

void BM_TabularBenchmark_QueryByIndex(benchmark::State& state) {
  const TabularBenchmark* b = Nb201();
  if (!b) return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  const Table& table = b->Metric("cifar10", "test_accuracy");
  const std::size_t column = table.ColumnOf(200, "test_accuracy");
  const auto indices = RandomIndices(4096);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.At(b->RowOfIndex(indices[i++ & 4095]), column));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TabularBenchmark_QueryByIndex);

void BM_TabularBenchmark_QueryByArch(benchmark::State& state) {
  const TabularBenchmark* b = Nb201();
  if (!b) return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  const Table& table = b->Metric("cifar10", "test_accuracy");
  const auto indices = RandomIndices(4096);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.At(*b->RowOf(indices[i++ & 4095]), 1));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TabularBenchmark_QueryByArch);

// Reference: a lookup keyed by the architecture string, as dict-based benchmark APIs do.
void BM_Reference_StringKeyedLookup(benchmark::State& state) {
  const Nb201Space space;
  std::unordered_map<std::string, float> table;
  for (ArchId a = 0; a < Nb201Space::kNumArchs; ++a) table[space.Format(a)] = static_cast<float>(a);
  std::vector<std::string> keys;
  for (auto i : RandomIndices(4096)) keys.push_back(space.Format(i));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(table.find(keys[i++ & 4095])->second);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Reference_StringKeyedLookup);

void BM_Nb201Space_Parse(benchmark::State& state) {
  const Nb201Space space;
  std::vector<std::string> texts;
  for (auto i : RandomIndices(4096)) texts.push_back(space.Format(i));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(space.Parse(texts[i++ & 4095]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Nb201Space_Parse);

void BM_Nb201Space_Format(benchmark::State& state) {
  const Nb201Space space;
  const auto indices = RandomIndices(4096);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(space.Format(indices[i++ & 4095]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Nb201Space_Format);

void BM_TabularBenchmark_Open(benchmark::State& state) {
  auto path = testing::ImportedNb201();
  if (!path) return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  for (auto _ : state) benchmark::DoNotOptimize(TabularBenchmark::Open(*path).NumRows());
}
BENCHMARK(BM_TabularBenchmark_Open)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace naskit
