// The LibTorch predictors, declared here without LibTorch: their options are known to the core
// (list, describe, suite checks) and their entries are deferred to libnaskit_torch.so, which
// naskit loads when a suite first builds one (core/plugins.h). Implementations:
// training/neural_predictors.cc.
//
//   mlp_ensemble  BANANAS's meta neural network (White, Neiswanger & Savani, AAAI 2021): an
//   ensemble
//                 of fully connected networks (10 layers of width 20, Adam, learning rate 0.01, 200
//                 epochs, batch 32, mean absolute error) on the path encoding; its spread across
//                 members is the uncertainty.
//   gcn           Wen et al., "Neural Predictor for Neural Architecture Search" (ECCV 2020): graph
//                 convolutions over the cell's DAG in both edge directions, node mean, a linear
//                 head.
//   gin           NPENAS's predictor (Wei et al., IEEE TNNLS 2022): graph isomorphism network
//   layers
//                 (Xu et al., ICLR 2019), sum pooling, and a head that outputs a mean and a
//                 standard deviation, trained by Gaussian negative log-likelihood.
// Targets are standardised; all randomness (initial weights, batches) comes from the fit's seed.
// Each fit uses one LibTorch thread, so results do not depend on the machine: parallelism comes
// from running trials side by side (--jobs).
#pragma once

#include <string>

#include "core/options.h"
#include "predictors/features.h"

namespace naskit {

inline constexpr const char* kTorchLibrary = "libnaskit_torch.so";

// What every LibTorch predictor trains with.
struct NeuralTrainingOptions {
  int epochs;
  int batch_size;
  double learning_rate;
  double weight_decay;
  std::string device = "cpu";

  template <class V>
  void VisitTraining(V& v) {
    v("epochs", epochs, "passes over the training architectures", InRange(1, 100000));
    v("batch_size", batch_size, "architectures per step", InRange(1, 100000));
    v("learning_rate", learning_rate, "Adam's learning rate", InRange(1e-8, 10));
    v("weight_decay", weight_decay, "Adam's L2 penalty", InRange(0, 10));
    v("device", device, "cpu, or cuda with a CUDA build of LibTorch", OneOf({"cpu", "cuda"}));
  }
};

struct MlpEnsembleOptions : NeuralTrainingOptions {
  std::string features = "path";
  int members = 5, layers = 10, width = 20;
  MlpEnsembleOptions() : NeuralTrainingOptions{200, 32, 0.01, 0.0} {}
  template <class V>
  void Visit(V& v) {
    v("features", features, kFeaturesHelp);
    v("members", members, "networks in the ensemble (2 or more: their spread is the uncertainty)",
      InRange(2, 100));
    v("layers", layers, "hidden layers of each network", InRange(1, 100));
    v("width", width, "units per hidden layer", InRange(1, 4096));
    VisitTraining(v);
  }
};

struct GraphPredictorOptions : NeuralTrainingOptions {
  int layers, hidden;
  GraphPredictorOptions(int layers_, int hidden_, NeuralTrainingOptions training)
      : NeuralTrainingOptions(std::move(training)), layers(layers_), hidden(hidden_) {}
  template <class V>
  void Visit(V& v) {
    v("layers", layers, "graph layers", InRange(1, 32));
    v("hidden", hidden, "units per node and layer", InRange(1, 4096));
    VisitTraining(v);
  }
};

// Wen et al. train 4 layers of 144 units for 300 epochs at 1e-4 in batches of 7; that is 40x the
// arithmetic of these defaults (3 layers of 64, 100 epochs at 1e-3, batches of 32), which fit 1,000
// NB201 cells in seconds on one CPU core. On NB201 with 100 training cells, 4 x 144 units ranked no
// better in a three-trial check (Kendall's tau 0.52 against 0.50).
struct GcnOptions : GraphPredictorOptions {
  GcnOptions() : GraphPredictorOptions(3, 64, {100, 32, 1e-3, 3e-4}) {}
};

// NPENAS: three GIN layers of 32 units, Adam at 5e-3; 100 epochs (NPENAS: 300) keep a fit on 1,000
// cells under 20 s on one CPU core.
struct GinOptions : GraphPredictorOptions {
  GinOptions() : GraphPredictorOptions(3, 32, {100, 32, 5e-3, 1e-4}) {}
};

}  // namespace naskit
