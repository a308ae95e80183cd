// Synthetic benchmarks for tests that must not depend on the shared NAS data.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/options.h"

namespace naskit::testing {

// All 15,625 NB201 cells on one dataset "toy": valid_accuracy at 12 epochs (the signal),
// test_accuracy at 200 epochs (the report), train_seconds at 12 epochs recorded for every other
// cell. Values are a smooth function of the ops plus hashed noise, so strategies have something to
// find.
BenchmarkData SyntheticNb201(std::uint64_t salt = 0);

// `rows` distinct architectures sampled from space `space` (a sparse benchmark for any space), with
// the same tables as SyntheticNb201: values are a fixed random linear function of the one-hot
// encoding plus noise; training seconds are recorded for every other row.
BenchmarkData SyntheticSparse(const std::string& space, std::size_t rows, std::uint64_t salt = 0);

// SyntheticNb201() written to a temporary .h5 file (once per salt and process).
std::string SyntheticNb201File(std::uint64_t salt = 0);

// A suite over the synthetic file with every registered strategy.
// `strategies` empty: every strategy registered in this process (test plugins included); suites
// that build/naskit runs pass CliStrategies().
std::string WriteSyntheticSuite(const std::string& benchmark, const std::string& seeds,
                                const std::string& budgets,
                                const std::vector<std::string>& strategies = {});

// Options that let `strategy` run quickly in the core's tests: a strategy guided by a predictor
// gets a small XGBoost (its default may be a LibTorch predictor, tested in the LibTorch tests).
OptionValues TestOptions(const std::string& strategy);

// The strategies build/naskit knows (`naskit list strategies`): the tests register more.
std::vector<std::string> CliStrategies();
// Those without a predictor: cheap runs, for tests of the suite runner rather than the strategies.
std::vector<std::string> UnguidedCliStrategies();

// The benchmark rows of architectures a run queried (RunTrace::arch); each must be recorded.
std::vector<std::size_t> RowsOf(const TabularBenchmark& benchmark, std::span<const ArchId> archs);

// A target that is a known function of the architecture: a weighted sum of eight entries of its
// one-hot encoding, with weights 1..8. Learned predictors must rank it almost perfectly.
std::vector<double> SyntheticTargets(const SearchSpace& space, std::span<const ArchId> archs);

// `n` distinct architectures of `space`, drawn with `seed`.
std::vector<ArchId> SampleDistinct(const SearchSpace& space, std::size_t n, std::uint64_t seed);

}  // namespace naskit::testing
