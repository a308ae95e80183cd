// Training of one NB201 network with NAS-Bench-201's recipe (Dong & Yang, ICLR 2020, Sec. 3.2): SGD
// with Nesterov momentum 0.9, learning rate 0.1 with cosine decay to 0 (updated every iteration),
// weight decay 5e-4, batch 256, cross-entropy loss. Deterministic per seed on a given device and
// thread count: the initial weights come from torch::manual_seed(seed), the batch order from
// naskit's own stream. No data augmentation (NB201 used random crops and flips on CIFAR; naskit's
// Fashion-MNIST benchmark does not).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "training/image_dataset.h"
#include "training/network.h"
#include "training/recipe.h"

namespace naskit {

struct EpochLog {
  int epoch = 0;                              // 1-based
  double train_loss = 0, train_accuracy = 0;  // accuracy in percent
  double valid_loss = 0, valid_accuracy = 0;
  double test_loss = 0, test_accuracy = 0;
  double train_seconds = 0;      // this epoch's training (not evaluation) time
  double images_per_second = 0;  // training throughput this epoch
};

// One epoch's log as JSON (`naskit train --out`, `bench build` work files).
nlohmann::ordered_json EpochLogJson(const EpochLog& log);

struct TrainResult {
  std::vector<EpochLog> epochs;  // those this call trained
  std::int64_t params = 0;
  // The training loss became NaN or infinite: training stopped after that epoch, whose log is the
  // last.
  bool diverged = false;
};

// Continuation of a training (the training evaluator's promotions): a cosine schedule spanning
// more epochs than this call trains, a checkpoint to resume from and one to save. A training
// resumed from its checkpoint after e epochs and run to E equals, on the same device and thread
// count, one run to E at once: the batch order of an epoch depends only on (seed, epoch) and the
// checkpoint holds the weights, batch-norm statistics and momentum buffers.
struct TrainingContinuation {
  int schedule_epochs = 0;    // the learning-rate schedule's length (0: the options' epochs)
  std::string resume_from{};  // a checkpoint saved after `resumed_epochs` epochs ("": from scratch)
  int resumed_epochs = 0;
  std::string save_to{};  // where to save the checkpoint after the last epoch ("": nowhere)
};

// Sets LibTorch's thread count (and the OpenMP default XGBoost would inherit) and OpenBLAS's
// explicitly; on the development VM LibTorch would otherwise pick 1. Debian's LibTorch multiplies
// matrices with OpenBLAS, whose own pool ignores at::set_num_threads: left alone, a one-thread job
// got a pool the machine's size, whose sums depended on the core count (grasp's fifth digit) and
// whose threads busy-waited beside jobs running one per core (zero-cost scoring ran 1.6x slower).
// Work that runs one job per core (zero-cost scores, predictor fits, bench build's workers)
// passes 1.
void ConfigureTorchThreads(int threads);

// Trains `arch` of `space` (whose network training/network.h registers) to `options.epochs` and
// evaluates after every epoch; `on_epoch` (optional) sees each log. Throws ConfigError if CUDA is
// asked for but not available, or the space has no network; DataError for a checkpoint that
// cannot be read.
TrainResult TrainNetwork(const std::string& space, ArchId arch, const NetworkShape& shape,
                         const DatasetSplits& data, const TrainOptions& options, std::uint64_t seed,
                         const std::function<void(const EpochLog&)>& on_epoch = {},
                         const TrainingContinuation& continuation = {});

// Saves `archive` to `path` whole or not at all: written to a temporary beside it and renamed, so
// that two runs saving the same checkpoint at once, or a run killed while saving, never leave a
// partial one; temporaries left by killed writers are removed first (core/atomic_file.h).
void SaveCheckpoint(torch::serialize::OutputArchive& archive, const std::string& path);

}  // namespace naskit
