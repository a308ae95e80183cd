// Micro-benchmarks of the learned predictors in the core on the shipped NB201 benchmark: XGBoost
// fit on 1,000 cells (target < 0.3 s) and prediction of all 15,625 cells (target < 0.1 s), with
// the other core predictors beside it. The reference in the same run is the one-hot encoding of the
// same cells, which every prediction includes.
#include <benchmark/benchmark.h>

#include "benchmarks_data/tabular_benchmark.h"
#include "predictors/features.h"
#include "predictors/predictor.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

struct Data {
  std::vector<ArchId> train, all;
  std::vector<double> targets;
};

const TabularBenchmark* Nb201() {
  static const TabularBenchmark* benchmark = []() -> const TabularBenchmark* {
    const auto path = testing::ImportedNb201();
    return path ? new TabularBenchmark(TabularBenchmark::Open(*path)) : nullptr;
  }();
  return benchmark;
}

// 1,000 cells with their 200-epoch CIFAR-10 test accuracy, and every cell.
const Data& Cells() {
  static const Data data = [] {
    Data d;
    const TabularBenchmark& b = *Nb201();
    d.all = b.data().archs;
    const Table& accuracy = b.Metric("cifar10", "test_accuracy");
    for (std::size_t row = 0; row < 15625; row += 15) {
      if (d.train.size() == 1000) break;
      d.train.push_back(d.all[row]);
      d.targets.push_back(accuracy.At(row, accuracy.columns - 1));
    }
    return d;
  }();
  return data;
}

void BM_Fit1000(benchmark::State& state, const std::string& key) {
  if (!Nb201())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  const Data& d = Cells();
  auto predictor = PredictorRegistry::Global().Create(key, {}, {Nb201()->space()});
  for (auto _ : state) predictor->Fit(d.train, d.targets, 1);
}

void BM_Predict15625(benchmark::State& state, const std::string& key) {
  if (!Nb201())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  const Data& d = Cells();
  auto predictor = PredictorRegistry::Global().Create(key, {}, {Nb201()->space()});
  predictor->Fit(d.train, d.targets, 1);
  for (auto _ : state) benchmark::DoNotOptimize(predictor->Predict(d.all).mean.data());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.all.size()));
}

// One cell per call, means alone: a surrogate answering a search's queries one at a time.
void BM_PredictOne(benchmark::State& state, const std::string& key) {
  if (!Nb201())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  const Data& d = Cells();
  auto predictor = PredictorRegistry::Global().Create(key, {}, {Nb201()->space()});
  predictor->Fit(d.train, d.targets, 1);
  std::size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(predictor->PredictMean({&d.all[next], 1}).data());
    next = (next + 7919) % d.all.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Reference_OneHot15625(benchmark::State& state) {
  if (!Nb201())
    return state.SkipWithError(testing::MissingDataMessage("derived/nb201.csv").c_str());
  const FeatureEncoder encoder("onehot", {Nb201()->space()}, "reference");
  for (auto _ : state) benchmark::DoNotOptimize(encoder.Encode(Cells().all).data());
  state.SetItemsProcessed(state.iterations() * 15625);
}

BENCHMARK(BM_Reference_OneHot15625)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Fit1000, xgboost, std::string("xgboost"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Predict15625, xgboost, std::string("xgboost"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PredictOne, xgboost, std::string("xgboost"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Fit1000, random_forest, std::string("random_forest"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Predict15625, random_forest, std::string("random_forest"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Fit1000, ridge, std::string("ridge"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Predict15625, ridge, std::string("ridge"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PredictOne, gp, std::string("gp"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Fit1000, gp, std::string("gp"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Predict15625, gp, std::string("gp"))->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace naskit
