// One-shot (weight-sharing) NAS: the methods that train a supernet (training/supernet.h) and derive
// a cell from it, the worker that runs one (`naskit-torch supernet-job`, training/supernet_job.h)
// and the worker that answers the supernet evaluator's queries with inherited weights
// (`naskit-torch supernet-serve`).
//
// Methods are plugins of OneShotRegistry, one class each in one_shot_methods.cc, configured by
// OneShotSettings. A training is deterministic per seed on a device and thread count, and a
// training resumed from its checkpoint equals an uninterrupted one: batch orders, sampled paths
// and Gumbel noise come from naskit's streams derived from (seed, epoch), and the checkpoint holds
// the weights, optimizers' states and architecture parameters.
#pragma once

#include <torch/torch.h>

#include <iosfwd>
#include <optional>

#include "core/registry.h"
#include "core/rng.h"
#include "training/image_dataset.h"
#include "training/supernet.h"
#include "training/supernet_job.h"

namespace naskit {

struct Batch {
  torch::Tensor images, labels;
};

// What a method trains: the supernet, its weights' optimizer (SGD, whose learning rate the loop
// schedules), and the settings.
struct OneShotContext {
  SupernetImpl& supernet;
  torch::optim::SGD& optimizer;
  const OneShotSettings& settings;
  const DatasetSplits& data;  // on the training device
};

// The loss (summed) and correct predictions of a step's weight update, on the device.
struct StepStats {
  torch::Tensor loss_sum, correct;
};

class OneShotMethod {
 public:
  static constexpr const char* kKind = "one-shot method";
  virtual ~OneShotMethod() = default;
  // One step: the weights on `train`, the architecture parameters (if any) on `valid`. `rng` is
  // the epoch's stream (paths, Gumbel noise); `progress` is the share of epochs done before this
  // one, in [0, 1]; `learning_rate` the weights' current rate.
  virtual StepStats Step(const Batch& train, const Batch& valid, Rng& rng, double progress,
                         double learning_rate) = 0;
  // The architecture parameters [decisions, choices] (undefined for methods without).
  virtual torch::Tensor alphas() const { return {}; }
  // The cell the trained supernet gives, or nullopt where a strategy searches it (single_path).
  virtual std::optional<ArchId> Derive(Rng& rng) = 0;
  // The state beyond the supernet and its optimizer, for checkpoints.
  virtual void Save(torch::serialize::OutputArchive& /*archive*/) const {}
  virtual void Load(torch::serialize::InputArchive& /*archive*/) {}
};

using OneShotRegistry = Registry<OneShotMethod, const OneShotContext&>;

#define NASKIT_REGISTER_ONE_SHOT(Class, key, summary)                     \
  static const bool naskit_registered_one_shot_##Class [[maybe_unused]] = \
      ::naskit::OneShotRegistry::Global().Register<Class, OneShotSettings>(key, summary)

// A weight update along the supernet's current path: cross-entropy, backward, gradient clipping,
// the optimizer's step.
StepStats TrainWeights(const OneShotContext& context, const Batch& batch);

// The supernet's accuracy (percent) on `data` along its current path, in batches of 500. Batch
// norm uses each batch's statistics, or, with `recalibration_batches` > 0, statistics recomputed
// over that many batches of `recalibrate_on` (Guo et al.'s SPOS does so before evaluating a path).
double SupernetAccuracy(SupernetImpl& supernet, const ImageDataset& data,
                        const ImageDataset& recalibrate_on, int recalibration_batches);

// Trains (or resumes) the job's supernet, derives its cell and writes the record (throws
// ConfigError for a bad job, DataError for a checkpoint that cannot be read).
void RunSupernetJob(const SupernetJob& job);

struct SupernetServeOptions {
  SupernetJob job;  // the supernet's (its checkpoint must hold every epoch)
  int recalibration_batches = 0;
  std::int64_t eval_images = 0;

  template <class V>
  void Visit(V& v) {
    job.Visit(v);
    v("recalibration_batches", recalibration_batches,
      "recompute batch-norm statistics over this many training batches before each evaluation "
      "(0: each evaluation batch's own statistics)",
      InRange(0, 100000));
    v("eval_images", eval_images, "validation images per evaluation (0: all)", AtLeast(0));
  }
};

// Answers queries until `in` ends: each line an architecture in the space's form, each answer a
// line "<validation accuracy> <seconds>".
void ServeSupernet(const SupernetServeOptions& options, std::istream& in, std::ostream& out);

}  // namespace naskit
