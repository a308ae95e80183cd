// Feature vectors for learned predictors; see features.h.
#include "predictors/features.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "core/text.h"

namespace naskit {

std::vector<std::string> SplitFeatureSpec(const std::string& spec, const std::string& owner) {
  std::vector<std::string> tokens = SplitList(spec);
  if (tokens.empty() || std::find(tokens.begin(), tokens.end(), "") != tokens.end()) {
    throw ConfigError(owner + ": option \"features\" has an empty entry (got " + Quote(spec) +
                      "; expected e.g. onehot,zc:synflow)");
  }
  return tokens;
}

FeatureEncoder::FeatureEncoder(const std::string& spec, const PredictorContext& context,
                               const std::string& owner)
    : space_(&context.space), benchmark_(context.benchmark), meter_(context.meter) {
  for (const std::string& token : SplitFeatureSpec(spec, owner)) {
    const std::string where = owner + ": feature " + Quote(token);
    if (token == "onehot" || token == "path") {
      encodings_.push_back(token == "onehot" ? Encoding::kOneHot : Encoding::kPath);
      width_ += context.space.EncodingSize(encodings_.back());
      continue;
    }
    if (token == "params" || token == "flops") {
      if (!network_) {
        const auto networks = NetworkRegistry::Global().Keys();
        if (std::find(networks.begin(), networks.end(), space_->Name()) == networks.end()) {
          throw ConfigError(where + ": space " + Quote(space_->Name()) +
                            " has no registered network to count (use zc:" + token +
                            " for a count the benchmark records)");
        }
        network_ = NetworkRegistry::Global().Create(space_->Name(), {});
      }
      network_counts_.push_back(token == "params");
      ++width_;
      continue;
    }
    const auto colon = token.find(':');
    const std::string kind = token.substr(0, colon);
    if (colon == std::string::npos || (kind != "zc" && kind != "latency")) {
      throw ConfigError(where +
                        " is unknown (expected onehot, path, params, flops, zc:NAME or "
                        "latency:DEVICE)");
    }
    if (!context.benchmark) {
      throw ConfigError(where + " reads a benchmark, and this predictor has none");
    }
    // zc:NAME reads the dataset's features; zc:DATASET/NAME another dataset's (naskit's proxies
    // are scored on one minibatch whatever the search dataset, and stored under cifar10).
    const std::string name = token.substr(colon + 1);
    const std::string path =
        kind == "zc" ? "features/" +
                           (name.find('/') == std::string::npos ? context.dataset + "/" : "") + name
                     : "hardware/" + name + "/latency_ms";
    try {
      tables_.push_back(&context.benchmark->Get(path));
    } catch (const ConfigError& e) {
      throw ConfigError(where + ": " + e.what());
    }
    table_paths_.push_back(path);
    if (kind == "zc") scores_.push_back(tables_.back());
    ++width_;
  }
}

bool FeatureEncoder::Covers(ArchId arch) const {
  if (tables_.empty()) return true;
  const auto row = benchmark_->RowOf(arch);
  if (!row) return false;
  for (const Table* table : tables_) {
    if (!std::isfinite(table->At(*row))) return false;
  }
  return true;
}

std::vector<float> FeatureEncoder::Encode(std::span<const ArchId> archs) const {
  std::vector<float> x(archs.size() * width_);
  for (std::size_t i = 0; i < archs.size(); ++i) {
    float* out = &x[i * width_];
    for (const Encoding encoding : encodings_) {
      const std::vector<float> e = space_->Encode(archs[i], encoding);
      std::memcpy(out, e.data(), e.size() * sizeof(float));
      out += e.size();
    }
    if (!network_counts_.empty()) {
      const NetworkCost cost = network_->Count(archs[i]);
      for (const bool params : network_counts_) {
        *out++ = static_cast<float>(params ? cost.params : cost.flops);
      }
    }
    if (tables_.empty()) continue;
    const auto row = benchmark_->RowOf(archs[i]);
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      const float value = row ? tables_[t]->At(*row) : NAN;
      if (!std::isfinite(value)) {
        throw DataError(benchmark_->path() + ": " + table_paths_[t] + " has no finite value for " +
                        space_->Format(archs[i]) + " (got " + std::to_string(value) + ")");
      }
      *out++ = value;
    }
  }
  if (meter_) {
    for (const Table* score : scores_) meter_->Read(score, archs);
  }
  return x;
}

void ColumnScaler::Fit(const std::vector<float>& x, std::size_t columns) {
  const std::size_t rows = columns ? x.size() / columns : 0;
  mean_.assign(columns, 0.0);
  scale_.assign(columns, 0.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < columns; ++c) mean_[c] += x[r * columns + c];
  for (auto& m : mean_) m /= static_cast<double>(std::max<std::size_t>(rows, 1));
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < columns; ++c) {
      const double d = x[r * columns + c] - mean_[c];
      scale_[c] += d * d;
    }
  for (auto& s : scale_) {
    s = std::sqrt(s / static_cast<double>(std::max<std::size_t>(rows, 1)));
    if (s == 0) s = 1;
  }
}

void ColumnScaler::Apply(std::vector<float>& x) const {
  const std::size_t columns = mean_.size();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i % columns;
    x[i] = static_cast<float>((x[i] - mean_[c]) / scale_[c]);
  }
}

}  // namespace naskit
