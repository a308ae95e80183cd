// The deferred entries of the LibTorch predictors and zero-cost proxies; see neural_predictors.h.
#include "predictors/neural_predictors.h"

#include "predictors/predictor.h"
#include "predictors/zero_cost_proxies.h"

namespace naskit {
namespace {

const bool kDeferredPredictorsRegistered [[maybe_unused]] = [] {
  auto& registry = PredictorRegistry::Global();
  registry.AddDeferred<MlpEnsembleOptions>(
      "mlp_ensemble", "BANANAS's ensemble of MLPs, with uncertainty [LibTorch]", kTorchLibrary);
  registry.AddDeferred<GcnOptions>(
      "gcn", "graph convolutional network (Wen et al., ECCV 2020) [LibTorch]", kTorchLibrary);
  registry.AddDeferred<GinOptions>(
      "gin", "graph isomorphism network with uncertainty (NPENAS) [LibTorch]", kTorchLibrary);
  for (const auto& proxy : ZeroCostProxies()) {
    registry.AddDeferred<ZeroCostOptions>(proxy.key, std::string(proxy.summary) + " [LibTorch]",
                                          kTorchLibrary);
  }
  return true;
}();

}  // namespace
}  // namespace naskit
