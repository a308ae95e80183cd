// Image classification datasets for real training, as tensors in memory.
//
// Fashion-MNIST (Xiao et al., 2017) from Debian's `dataset-fashion-mnist` IDX files (gzip'd or
// not), the CIFAR-10 binary format (`data_batch_*.bin`, `test_batch.bin`) for users who have it,
// and a small synthetic set for unit tests. Corrupt input (bad magic, short read, label out of
// range) is a DataError naming the file; a missing file is a ConfigError.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace naskit {

struct ImageDataset {
  at::Tensor
      images;  // float32 [N, C, H, W], normalised per channel with the training split's statistics
  at::Tensor labels;  // int64 [N]
  int classes = 0;
  std::string name;

  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

struct DatasetSplits {
  ImageDataset train, valid, test;
};

struct DatasetOptions {
  std::string name = "fashion-mnist";  // fashion-mnist, cifar10, synthetic, or a user's (`file`)
  std::string folder{};             // default: /usr/share/datasets/fashion-mnist for fashion-mnist
  int image_size = 0;               // resize (bilinear) to this square size; 0 keeps the original
  std::int64_t train_subset = 0;    // use only the first N training images (0: all)
  std::int64_t valid_size = 10000;  // held out from the end of the training split for validation
  std::int64_t test_subset = 0;     // use only the first N test images (0: all)
  std::uint64_t seed = 0;           // synthetic data only
  std::string file{};               // a naskit image dataset (benchmarks_data/image_file.h)
  std::uint64_t split_seed = 0;     // 0: the file's order; else shuffle training images first
};

// The default folder of a dataset, or "" if it has none.
std::string DefaultDatasetFolder(const std::string& name);

// Loads, splits (train / valid held out from train / test) and normalises. A name other than the
// built-in ones is a dataset of the user's, read from `file`.
DatasetSplits LoadDataset(const DatasetOptions& options);

// Readers of single files, exposed for tests.
ImageDataset ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                         int classes);
ImageDataset ReadCifar10Batches(const std::vector<std::string>& paths);

}  // namespace naskit
