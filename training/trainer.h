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

#include "core/options.h"
#include "training/image_dataset.h"
#include "training/network.h"

namespace naskit {

struct TrainOptions {
  int epochs = 12;
  int batch_size = 256;
  double learning_rate = 0.1;
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 5e-4;
  std::string device = "cpu";
  int threads = 0;  // 0: every core

  template <class V>
  void Visit(V& v) {
    v("epochs", epochs, "training epochs (the cosine schedule spans them)", InRange(1, 100000));
    v("batch_size", batch_size, "images per SGD step", InRange(1, 1000000));
    v("learning_rate", learning_rate, "initial learning rate", InRange(1e-8, 10));
    v("momentum", momentum, "SGD momentum", InRange(0, 1));
    v("nesterov", nesterov, "Nesterov momentum");
    v("weight_decay", weight_decay, "L2 penalty", InRange(0, 1));
    v("device", device, "cpu or cuda", OneOf({"cpu", "cuda"}));
    v("threads", threads, "CPU threads for LibTorch (0: all cores)", InRange(0, 1024));
  }
};

// The data and network of a training, declared once for `train`, `bench build` and `verify` (each
// sets its own defaults). The keys are flat: a benchmark's `build_settings` attribute stores them.
struct TrainingSetup {
  std::string dataset = "fashion-mnist";
  std::string data_dir{};
  int channels = 0, cells = 0, image_size = 0;
  std::int64_t train_subset = 0, valid_size = 10000, test_subset = 0;

  template <class V>
  void Visit(V& v) {
    v("dataset", dataset, "fashion-mnist, cifar10 or synthetic",
      OneOf({"fashion-mnist", "cifar10", "synthetic"}));
    v("data_dir", data_dir, "dataset folder (default: Debian's for fashion-mnist)");
    v("channels", channels,
      "network width: NB201's C (16), NB101's stem channels (128), DARTS's C (32); 0: the "
      "space's own",
      InRange(0, 4096));
    v("cells", cells,
      "network depth: NB201's cells per stage (5), NB101's per stack (3), DARTS's normal "
      "cells per stage (2); 0: the space's own",
      AtLeast(0));
    v("image_size", image_size, "resize images to this square size (0: keep)", AtLeast(0));
    v("train_subset", train_subset, "train on the first N images only (0: all)", AtLeast(0));
    v("valid_size", valid_size, "images held out of the training split for validation", AtLeast(1));
    v("test_subset", test_subset, "evaluate on the first N test images only (0: all)", AtLeast(0));
  }

  // `seed` only matters for the synthetic dataset.
  DatasetSplits LoadData(std::uint64_t seed = 0) const;
  // The network shape for `data`'s classes, channels and image size.
  NetworkShape Shape(const DatasetSplits& data) const;
};

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
  std::vector<EpochLog> epochs;
  std::int64_t params = 0;
};

// Sets LibTorch's thread count (and the OpenMP default XGBoost would inherit) and OpenBLAS's
// explicitly; on the development VM LibTorch would otherwise pick 1. Debian's LibTorch multiplies
// matrices with OpenBLAS, whose own pool ignores at::set_num_threads: left alone, a one-thread job
// got a pool the machine's size, whose sums depended on the core count (grasp's fifth digit) and
// whose threads busy-waited beside jobs running one per core (zero-cost scoring ran 1.6x slower).
// Work that runs one job per core (zero-cost scores, predictor fits, bench build's workers)
// passes 1.
void ConfigureTorchThreads(int threads);

// Trains `arch` of `space` (whose network training/network.h registers) from scratch and
// evaluates after every epoch; `on_epoch` (optional) sees each log. Throws ConfigError if CUDA is
// asked for but not available, or the space has no network.
TrainResult TrainNetwork(const std::string& space, ArchId arch, const NetworkShape& shape,
                         const DatasetSplits& data, const TrainOptions& options, std::uint64_t seed,
                         const std::function<void(const EpochLog&)>& on_epoch = {});

}  // namespace naskit
