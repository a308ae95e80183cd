// Micro-benchmarks of the LibTorch predictors with their default options on the shipped NB201
// benchmark: fit on 100 and 1,000 cells (targets for gcn and gin at 1,000: < 20 s on two CPU cores)
// and prediction of all 15,625 cells (target < 0.5 s). The reference in the same run is XGBoost
// on the same cells.
#include <benchmark/benchmark.h>

#include "benchmarks_data/tabular_benchmark.h"
#include "predictors/predictor.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

const TabularBenchmark* Nb201() {
  static const TabularBenchmark* benchmark = []() -> const TabularBenchmark* {
    const auto path = testing::ImportedNb201();
    return path ? new TabularBenchmark(TabularBenchmark::Open(*path)) : nullptr;
  }();
  return benchmark;
}

// The first `n` of every 15th cell, with its 200-epoch CIFAR-10 test accuracy.
void TrainingCells(std::size_t n, std::vector<ArchId>& archs, std::vector<double>& targets) {
  const Table& accuracy = Nb201()->Metric("cifar10", "test_accuracy");
  for (std::size_t row = 0; row < 15625 && archs.size() < n; row += 15) {
    archs.push_back(Nb201()->data().archs[row]);
    targets.push_back(accuracy.At(row, accuracy.columns - 1));
  }
}

void BM_Fit(benchmark::State& state, const std::string& key) {
  if (!Nb201())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  std::vector<ArchId> archs;
  std::vector<double> targets;
  TrainingCells(static_cast<std::size_t>(state.range(0)), archs, targets);
  auto predictor = PredictorRegistry::Global().Create(key, {}, {Nb201()->space()});
  for (auto _ : state) predictor->Fit(archs, targets, 1);
}

void BM_Predict15625(benchmark::State& state, const std::string& key) {
  if (!Nb201())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  std::vector<ArchId> archs;
  std::vector<double> targets;
  TrainingCells(100, archs, targets);
  auto predictor = PredictorRegistry::Global().Create(key, {}, {Nb201()->space()});
  predictor->Fit(archs, targets, 1);
  const std::vector<ArchId>& all = Nb201()->data().archs;
  for (auto _ : state) benchmark::DoNotOptimize(predictor->Predict(all).mean.data());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(all.size()));
}

#define NASKIT_PREDICTOR_BENCHMARKS(key)            \
  BENCHMARK_CAPTURE(BM_Fit, key, std::string(#key)) \
      ->Arg(100)                                    \
      ->Arg(1000)                                   \
      ->Unit(benchmark::kSecond)                    \
      ->Iterations(1);                              \
  BENCHMARK_CAPTURE(BM_Predict15625, key, std::string(#key))->Unit(benchmark::kMillisecond)

NASKIT_PREDICTOR_BENCHMARKS(xgboost);
NASKIT_PREDICTOR_BENCHMARKS(gcn);
NASKIT_PREDICTOR_BENCHMARKS(gin);
NASKIT_PREDICTOR_BENCHMARKS(mlp_ensemble);

}  // namespace
}  // namespace naskit
