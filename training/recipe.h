// A training's recipe and data, as options: declared once for `train`, `bench build`, `verify`
// and the training evaluator. No LibTorch here, so that the table-driven core can read, check and
// record a recipe that worker processes (naskit-torch) carry out.
#pragma once

#include <cstdint>
#include <string>

#include "core/options.h"

namespace naskit {

struct DatasetSplits;
struct NetworkShape;

// What a training measures after every epoch, as benchmark metrics and record keys.
inline constexpr const char* kTrainedMetrics[] = {
    "train_accuracy", "train_loss", "valid_accuracy", "valid_loss", "test_accuracy", "test_loss"};

struct TrainOptions {
  int epochs = 12;
  int batch_size = 256;
  double learning_rate = 0.1;
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 5e-4;
  std::string device = "cpu";
  // One by default: the same numbers everywhere (LibTorch's CPU reductions depend on the thread
  // count) and no slowdown beside other work (two threads on a busy two-core machine took twice as
  // long as one).
  int threads = 1;

  template <class V>
  void Visit(V& v) {
    v("epochs", epochs, "training epochs (the cosine schedule spans them)", InRange(1, 100000));
    v("batch_size", batch_size, "images per SGD step", InRange(1, 1000000));
    v("learning_rate", learning_rate, "initial learning rate", InRange(1e-8, 10));
    v("momentum", momentum, "SGD momentum", InRange(0, 1));
    v("nesterov", nesterov, "Nesterov momentum");
    v("weight_decay", weight_decay, "L2 penalty", InRange(0, 1));
    v("device", device, "cpu or cuda", OneOf({"cpu", "cuda"}));
    v("threads", threads,
      "CPU threads for LibTorch (0: all cores; more than 1 is faster on idle cores and changes "
      "results in the last digits)",
      InRange(0, 1024));
  }
};

// The data and network of a training, declared once for `train`, `bench build` and `verify` (each
// sets its own defaults). The keys are flat: a benchmark's `build_settings` attribute stores them.
struct TrainingSetup {
  std::string dataset = "fashion-mnist";
  std::string data_dir{};
  std::string data_file{};
  int channels = 0, cells = 0, image_size = 0;
  std::int64_t train_subset = 0, valid_size = 10000, test_subset = 0, split_seed = 0;

  template <class V>
  void Visit(V& v) {
    v("dataset", dataset,
      "fashion-mnist, cifar10, synthetic, or the name of a dataset of your own (with data_file)",
      Names());
    v("data_dir", data_dir, "dataset folder (default: Debian's for fashion-mnist)");
    v("data_file", data_file,
      "a naskit image dataset (.h5; `naskit dataset` writes one from a folder of images) for a "
      "dataset of your own");
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
    v("split_seed", split_seed,
      "0: validation is the last valid_size training images, in the file's order; otherwise the "
      "training images are shuffled with this seed first (train_subset then takes a random "
      "subset)",
      AtLeast(0));
  }

  // `seed` only matters for the synthetic dataset.
  DatasetSplits LoadData(std::uint64_t seed = 0) const;
  // The network shape for `data`'s classes, channels and image size.
  NetworkShape Shape(const DatasetSplits& data) const;
};

}  // namespace naskit
