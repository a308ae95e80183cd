// The performance-predictor interface: scores architectures so that a search can rank candidates
// it has not trained. Two kinds share it:
// - zero-cost predictors (zero-cost proxies such as synflow, analytic counts such as params) need
//   no fit: they score an architecture at initialisation or from its structure;
// - learned predictors (XGBoost, GNN, MLP) are fitted on (architecture, measured value) pairs.
// A score ranks: higher means better predicted performance; its scale carries no meaning.
#pragma once

#include <span>
#include <stdexcept>

#include "core/registry.h"
#include "spaces/search_space.h"

namespace naskit {

struct PredictorContext {
  const SearchSpace& space;
};

class Predictor {
 public:
  static constexpr const char* kKind = "predictor";
  virtual ~Predictor() = default;

  virtual bool NeedsFit() const = 0;
  // Learns from measured values (higher is better); only for predictors that NeedsFit().
  virtual void Fit(std::span<const ArchId> archs, std::span<const double> targets) = 0;
  // NaN when the score is undefined for `arch` (e.g. a correlation over constant gradients).
  virtual double Predict(ArchId arch) = 0;
};

// Base of the predictors that need no training data. Their Predict() must be safe to call from
// several threads at once: `naskit zc` scores rows in parallel.
class ZeroCostPredictor : public Predictor {
 public:
  bool NeedsFit() const final { return false; }
  void Fit(std::span<const ArchId>, std::span<const double>) final {
    throw std::logic_error("a zero-cost predictor is not fitted");
  }
};

using PredictorRegistry = Registry<Predictor, const PredictorContext&>;

#define NASKIT_REGISTER_PREDICTOR(Class, Options, key, summary)            \
  static const bool naskit_registered_predictor_##Class [[maybe_unused]] = \
      ::naskit::PredictorRegistry::Global().Add(                           \
          ::naskit::PredictorRegistry::MakeEntry<Class, Options>(key, summary))

}  // namespace naskit
