// Feature vectors for learned predictors, named in a predictor's `features` option as a list
// (`features: [onehot, zc:synflow, zc:jacov]`, or "onehot,zc:synflow" on the command line):
//   onehot          the space's one-hot encoding of its decisions
//   path            BANANAS's path encoding (White et al., AAAI 2021)
//   params, flops   the parameters and operations of the space's network, counted analytically
//                   for every architecture (spaces/network_cost.h)
//   zc:NAME         the benchmark's table features/<dataset>/NAME: a zero-cost score, params, flops
//   zc:DATASET/NAME another dataset's, e.g. zc:cifar10/naskit_synflow when searching CIFAR-100
//   latency:DEVICE  the benchmark's table hardware/DEVICE/latency_ms
// Only features/ and hardware/ tables can be named: a predictor never reads a benchmark's metrics
// (the search signal or the report metric), so it cannot leak what it is asked to predict.
// Every zc: value encoded is a score someone computes: with the context's ZeroCostMeter, Encode()
// counts each (architecture, zc: table) once (params and flops are counted analytically, free).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "predictors/predictor.h"
#include "spaces/network_cost.h"

namespace naskit {

struct Table;
class TabularBenchmark;

class FeatureEncoder {
 public:
  // Throws ConfigError naming `owner`, the token and what was expected for an unknown token, a
  // benchmark table that does not exist, or a benchmark feature without a benchmark.
  FeatureEncoder(const std::string& spec, const PredictorContext& context,
                 const std::string& owner);

  std::size_t Width() const { return width_; }
  // Row-major [archs.size(), Width()]: the encodings, the counts, then the benchmark's values,
  // each in the order named. Throws DataError naming the architecture and the feature when the
  // benchmark holds no finite value for it: a feature that is NaN or ±inf (naswot's log-determinant
  // of a cell with dead units) is missing, and the cell is left out of pools (Covers()).
  std::vector<float> Encode(std::span<const ArchId> archs) const;
  // Whether Encode() has every value for `arch`, finite.
  bool Covers(ArchId arch) const;
  // The benchmark tables read, by path (empty for encodings only).
  const std::vector<std::string>& TablePaths() const { return table_paths_; }

 private:
  // Copied, not referenced: contexts are often temporaries of the registry's Create().
  const SearchSpace* space_;
  const TabularBenchmark* benchmark_;
  std::vector<Encoding> encodings_;
  std::unique_ptr<NetworkCounter> network_;  // for params and flops
  std::vector<bool> network_counts_;         // per count token: true for params, false for flops
  std::vector<std::string> table_paths_;
  std::vector<const Table*> tables_;
  std::vector<const Table*> scores_;  // the zc: tables among tables_
  ZeroCostMeter* meter_;
  std::size_t width_ = 0;
};

// Per-column standardisation fitted on training rows (constant columns are centred only), for
// models whose kernels or penalties depend on the features' scale (ridge, GP).
class ColumnScaler {
 public:
  void Fit(const std::vector<float>& x, std::size_t columns);
  void Apply(std::vector<float>& x) const;

 private:
  std::vector<double> mean_, scale_;
};

// The help text of every predictor's `features` option.
inline constexpr const char* kFeaturesHelp =
    "inputs, comma-separated: onehot, path, params, flops, zc:NAME, latency:DEVICE";

// The tokens of a features option, split on commas; throws ConfigError for an empty list or token.
std::vector<std::string> SplitFeatureSpec(const std::string& spec, const std::string& owner);

}  // namespace naskit
