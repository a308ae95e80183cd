// The predictor contract's check; see predictor.h.
#include "predictors/predictor.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace naskit {
namespace {

class GuardedPredictor final : public Predictor {
 public:
  GuardedPredictor(std::unique_ptr<Predictor> inner, std::string key)
      : inner_(std::move(inner)), key_(std::move(key)) {
    has_uncertainty_ = inner_->HasUncertainty();
  }

  bool NeedsFit() const override { return inner_->NeedsFit(); }

  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t seed) override {
    try {
      inner_->Fit(archs, targets, seed);
    } catch (const ConfigError&) {
      throw;  // naskit's own errors already say what is wrong and where
    } catch (const DataError&) {
      throw;
    } catch (const IoError&) {
      throw;
    } catch (const std::exception& e) {
      throw ConfigError(fmt::format("predictor {}: its fit on {} architectures failed: {}",
                                    Quote(key_), archs.size(), e.what()));
    }
  }

  Prediction Predict(std::span<const ArchId> archs) const override {
    Prediction p = inner_->Predict(archs);
    Check(p.mean.size(), archs.size(), "predictions");
    if (!p.stddev.empty()) Check(p.stddev.size(), archs.size(), "standard deviations");
    return p;
  }

  std::vector<double> PredictMean(std::span<const ArchId> archs) const override {
    std::vector<double> mean = inner_->PredictMean(archs);
    Check(mean.size(), archs.size(), "predictions");
    return mean;
  }

 private:
  void Check(std::size_t got, std::size_t asked, const char* what) const {
    if (got != asked) {
      throw ConfigError(fmt::format(
          "predictor {} returned {} {} for {} architectures (a predictor returns one per "
          "architecture)",
          Quote(key_), got, what, asked));
    }
  }

  std::unique_ptr<Predictor> inner_;
  std::string key_;
};

}  // namespace

std::unique_ptr<Predictor> Predictor::Guarded(std::unique_ptr<Predictor> predictor,
                                              const std::string& key) {
  return std::make_unique<GuardedPredictor>(std::move(predictor), key);
}

}  // namespace naskit
