// Predictors that break the predictor contract: every caller must get a clear error naming them,
// never a read past what they returned.
#include <cmath>
#include <stdexcept>

#include "predictors/predictor.h"

namespace misbehaving {

struct NoOptions {
  template <class V>
  void Visit(V&) {}
};

// Fits, then returns `Keep(n)` predictions for n architectures.
template <std::size_t (*Keep)(std::size_t)>
class Shortchanging final : public naskit::Predictor {
 public:
  Shortchanging(const NoOptions&, const naskit::PredictorContext&) {}
  bool NeedsFit() const override { return true; }
  void Fit(std::span<const naskit::ArchId>, std::span<const double>, std::uint64_t) override {}
  naskit::Prediction Predict(std::span<const naskit::ArchId> archs) const override {
    return {std::vector<double>(Keep(archs.size()), 1.0), {}};
  }
};

std::size_t Half(std::size_t n) { return n / 2; }
std::size_t None(std::size_t) { return 0; }
using ShortPredictions = Shortchanging<Half>;
using NoPredictions = Shortchanging<None>;

// Keeps the contract's letter, one value per architecture, but they are not numbers.
class NanPredictions final : public naskit::Predictor {
 public:
  NanPredictions(const NoOptions&, const naskit::PredictorContext&) {}
  bool NeedsFit() const override { return true; }
  void Fit(std::span<const naskit::ArchId>, std::span<const double>, std::uint64_t) override {}
  naskit::Prediction Predict(std::span<const naskit::ArchId> archs) const override {
    return {std::vector<double>(archs.size(), std::nan("")), {}};
  }
};

class FailingFit final : public naskit::Predictor {
 public:
  FailingFit(const NoOptions&, const naskit::PredictorContext&) {}
  bool NeedsFit() const override { return true; }
  void Fit(std::span<const naskit::ArchId>, std::span<const double>, std::uint64_t) override {
    throw std::runtime_error("plugin fit failed");
  }
  naskit::Prediction Predict(std::span<const naskit::ArchId> archs) const override {
    return {std::vector<double>(archs.size(), 1.0), {}};
  }
};

NASKIT_REGISTER_PREDICTOR(ShortPredictions, NoOptions, "short_predictions",
                          "returns half as many predictions as asked");
NASKIT_REGISTER_PREDICTOR(NoPredictions, NoOptions, "no_predictions", "returns no predictions");
NASKIT_REGISTER_PREDICTOR(NanPredictions, NoOptions, "nan_predictions", "predicts NaN");
NASKIT_REGISTER_PREDICTOR(FailingFit, NoOptions, "failing_fit", "its fit throws");

}  // namespace misbehaving
