// The performance-predictor interface: scores architectures so that a search can rank candidates
// it has not trained. Two kinds share it:
// - zero-cost predictors (zero-cost proxies such as synflow, analytic counts such as params) need
//   no fit: they score an architecture at initialisation or from its structure;
// - learned predictors (XGBoost, GP, GNNs, MLP ensembles) are fitted on (architecture, measured
//   value) pairs and predict that value, with a standard deviation where the model has one
//   (ensembles, GP): what BANANAS and NPENAS acquire with.
// A score ranks: higher means better predicted performance.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "spaces/search_space.h"

namespace naskit {

class TabularBenchmark;

// Counts the zero-cost scores (`zc:` features) that a search run's predictors read, each
// (architecture, score) once: a search that ranks candidates by their proxies has to compute them,
// and the search loop charges that under a seconds budget (SearchBudget::seconds_per_score). One
// run, one thread.
class ZeroCostMeter {
 public:
  // Records that the score stored in `table` was read for `archs`.
  void Read(const void* table, std::span<const ArchId> archs) {
    auto& read = read_[table];
    for (const ArchId arch : archs) count_ += read.insert(arch).second;
  }
  std::size_t count() const { return count_; }

 private:
  std::map<const void*, std::unordered_set<ArchId>> read_;
  std::size_t count_ = 0;
};

// What a predictor may read besides the space: the benchmark's allowed features (zero-cost scores,
// latencies; never its metrics, see predictors/features.h) of `dataset`. `benchmark` may be null:
// a predictor that needs features then says so when it is created. With a `meter`, the zero-cost
// scores it reads are counted for the run's budget.
struct PredictorContext {
  PredictorContext(const SearchSpace& space_, const TabularBenchmark* benchmark_ = nullptr,
                   std::string dataset_ = {}, ZeroCostMeter* meter_ = nullptr)
      : space(space_), benchmark(benchmark_), dataset(std::move(dataset_)), meter(meter_) {}
  const SearchSpace& space;
  const TabularBenchmark* benchmark;
  std::string dataset;
  ZeroCostMeter* meter;
};

struct Prediction {
  std::vector<double> mean;    // one per architecture; NaN where undefined
  std::vector<double> stddev;  // empty when the model has no uncertainty
};

class Predictor {
 public:
  static constexpr const char* kKind = "predictor";
  virtual ~Predictor() = default;

  virtual bool NeedsFit() const = 0;
  // Learns from measured values (higher is better); only for predictors that NeedsFit(). All its
  // randomness comes from `seed`, so a fit is a function of its data and seed, whatever the thread
  // count. Fitting again replaces the previous model.
  virtual void Fit(std::span<const ArchId> archs, std::span<const double> targets,
                   std::uint64_t seed) = 0;
  // One prediction per architecture. Throws std::logic_error before the first Fit() of a predictor
  // that needs one. Safe to call from several threads at once.
  virtual Prediction Predict(std::span<const ArchId> archs) const = 0;
  // The means alone, equal to Predict()'s; for callers that need no uncertainty (a surrogate
  // answering queries), which models whose variance costs more than their mean skip.
  virtual std::vector<double> PredictMean(std::span<const ArchId> archs) const {
    return Predict(archs).mean;
  }
  bool HasUncertainty() const { return has_uncertainty_; }

  // Every predictor the registry builds comes wrapped in a check of this contract, so that no
  // caller reads past what a plugin returned: one mean per architecture, a standard deviation per
  // architecture or none; a fit that fails with something other than naskit's own errors says which
  // predictor failed, on how many architectures. Throws ConfigError naming `key`.
  static std::unique_ptr<Predictor> Guarded(std::unique_ptr<Predictor> predictor,
                                            const std::string& key);

 protected:
  bool has_uncertainty_ = false;
};

// Base of the predictors that need no training data: a score per architecture, NaN where it is
// undefined (e.g. a correlation over constant gradients). Score() must be safe to call from several
// threads at once: `naskit zc` scores rows in parallel.
class ZeroCostPredictor : public Predictor {
 public:
  bool NeedsFit() const final { return false; }
  void Fit(std::span<const ArchId>, std::span<const double>, std::uint64_t) final {
    throw std::logic_error("a zero-cost predictor is not fitted");
  }
  Prediction Predict(std::span<const ArchId> archs) const final {
    Prediction p;
    p.mean.reserve(archs.size());
    for (const ArchId arch : archs) p.mean.push_back(Score(arch));
    return p;
  }
  virtual double Score(ArchId arch) const = 0;
};

using PredictorRegistry = Registry<Predictor, const PredictorContext&>;

#define NASKIT_REGISTER_PREDICTOR(Class, Options, key, summary)            \
  static const bool naskit_registered_predictor_##Class [[maybe_unused]] = \
      ::naskit::PredictorRegistry::Global().Register<Class, Options>(key, summary)

}  // namespace naskit
