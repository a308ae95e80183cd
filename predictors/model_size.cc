// Parameter and FLOP counts as zero-cost predictors: the baselines every zero-cost proxy must beat
// (Abdelfattah et al., ICLR 2021; Ning et al., "Evaluating Efficient Performance Estimators of
// Neural Architectures", NeurIPS 2021). Analytic, from the network the space registered
// (spaces/network_cost.h).
#include <algorithm>
#include <memory>

#include "core/errors.h"
#include "predictors/predictor.h"
#include "spaces/network_cost.h"

namespace naskit {
namespace {

struct ModelSizeOptions {
  PluginOptions network{"nb201", {}};
  template <class V>
  void Visit(V& v) {
    v("network", network,
      "the network counted: the space's key, with the network's shape (left at its default, the "
      "space's own network at its default shape)",
      PluginOf<NetworkRegistry>());
  }
};

template <std::int64_t NetworkCost::*kCount>
class ModelSize final : public ZeroCostPredictor {
 public:
  ModelSize(const ModelSizeOptions& options, const PredictorContext& context) {
    const std::string space = context.space.Name();
    const auto networks = NetworkRegistry::Global().Keys();
    if (std::find(networks.begin(), networks.end(), space) == networks.end()) {
      throw ConfigError("predictors params and flops: space " + Quote(space) +
                        " has no registered network to count (spaces with one: " + Join(networks) +
                        ")");
    }
    // The option's default names NB201's network: any other space counts its own unless the
    // option says otherwise.
    const bool defaulted =
        options.network.key == ModelSizeOptions{}.network.key && options.network.options.empty();
    if (options.network.key != space && !defaulted) {
      throw ConfigError("predictors params and flops: option \"network\" is " +
                        Quote(options.network.key) + ", but the space is " + Quote(space));
    }
    network_ = NetworkRegistry::Global().Create(
        space, defaulted ? OptionValues{} : options.network.options);
  }
  double Score(ArchId arch) const override {
    return static_cast<double>(network_->Count(arch).*kCount);
  }

 private:
  static std::string Join(const std::vector<std::string>& keys) {
    std::string text;
    for (const auto& k : keys) text += (text.empty() ? "" : ", ") + k;
    return text;
  }
  std::unique_ptr<NetworkCounter> network_;
};

using ParamsPredictor = ModelSize<&NetworkCost::params>;
using FlopsPredictor = ModelSize<&NetworkCost::flops>;

}  // namespace

NASKIT_REGISTER_PREDICTOR(ParamsPredictor, ModelSizeOptions, "params",
                          "trainable parameters of the space's network (zero-cost)");
NASKIT_REGISTER_PREDICTOR(FlopsPredictor, ModelSizeOptions, "flops",
                          "operations of one forward pass of the space's network (zero-cost)");

}  // namespace naskit
