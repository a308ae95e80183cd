// Parameter and FLOP counts as zero-cost predictors: the baselines every zero-cost proxy must beat
// (Abdelfattah et al., ICLR 2021; Ning et al., "Evaluating Efficient Performance Estimators of
// Neural Architectures", NeurIPS 2021). Analytic, from spaces/nb201/nb201_macro.h.
#include "core/errors.h"
#include "predictors/predictor.h"
#include "spaces/nb201/nb201_macro.h"

namespace naskit {
namespace {

template <std::int64_t NetworkCost::*kCount>
class ModelSize final : public ZeroCostPredictor {
 public:
  ModelSize(const Nb201MacroOptions& network, const PredictorContext& context) : network_(network) {
    if (context.space.Name() != "nb201") {
      throw ConfigError("predictors params and flops count NB201 networks; space " +
                        Quote(context.space.Name()) + " has no network to count");
    }
  }
  double Predict(ArchId arch) override {
    return static_cast<double>(Nb201NetworkCost(arch, network_).*kCount);
  }

 private:
  Nb201MacroOptions network_;
};

using ParamsPredictor = ModelSize<&NetworkCost::params>;
using FlopsPredictor = ModelSize<&NetworkCost::flops>;

}  // namespace

NASKIT_REGISTER_PREDICTOR(ParamsPredictor, Nb201MacroOptions, "params",
                          "trainable parameters of the NB201 network (zero-cost)");
NASKIT_REGISTER_PREDICTOR(FlopsPredictor, Nb201MacroOptions, "flops",
                          "operations of one forward pass of the NB201 network (zero-cost)");

}  // namespace naskit
