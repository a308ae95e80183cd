// Dataset readers; see image_dataset.h. IDX format: big-endian magic 0x00000803 (images) /
// 0x00000801 (labels), then the dimension sizes, then unsigned bytes. CIFAR-10 binary: records of 1
// label byte and 3x32x32 pixel bytes.
#include "training/image_dataset.h"

#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>

#include "benchmarks_data/image_file.h"
#include "core/errors.h"
#include "core/rng.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

// The whole (possibly gzip'd) file; zlib reads plain files transparently.
std::vector<std::uint8_t> ReadMaybeGzip(const std::string& path) {
  if (!fs::exists(path)) throw ConfigError(path + ": file not found");
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw IoError(path + ": cannot open");
  std::vector<std::uint8_t> bytes;
  std::uint8_t buffer[1 << 16];
  for (;;) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      throw DataError(path + ": corrupt or truncated gzip data (" + message + ")");
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  // gzread reports a truncated gzip stream as a clean end of file; gzclose's status tells.
  if (gzclose(file) != Z_OK) throw DataError(path + ": truncated gzip data");
  return bytes;
}

std::uint32_t BigEndian32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) |
         (std::uint32_t(b[at + 2]) << 8) | std::uint32_t(b[at + 3]);
}

at::Tensor Normalise(const at::Tensor& images, const at::Tensor& mean, const at::Tensor& std) {
  return (images - mean.view({1, -1, 1, 1})) / std.view({1, -1, 1, 1});
}

ImageDataset Take(const ImageDataset& d, std::int64_t begin, std::int64_t end) {
  return {d.images.slice(0, begin, end).clone(), d.labels.slice(0, begin, end).clone(), d.classes,
          d.name};
}

ImageDataset Synthetic(std::int64_t n, int classes, int size, std::uint64_t seed) {
  // Class k is a bright square at a class-specific position on noise: learnable in a few epochs.
  Rng rng(seed);
  auto images = torch::empty({n, 1, size, size});
  auto labels = torch::empty({n}, torch::kInt64);
  auto* pixels = images.data_ptr<float>();
  const std::int64_t area = static_cast<std::int64_t>(size) * size;
  for (std::int64_t i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng.UniformInt(static_cast<std::uint64_t>(classes)));
    labels[i] = label;
    float* image = pixels + i * area;
    for (std::int64_t p = 0; p < area; ++p) image[p] = static_cast<float>(rng.UniformReal() * 0.3);
    const int x0 = (label * 3) % (size - 2), y0 = (label * 5) % (size - 2);
    for (int y = y0; y < y0 + 3; ++y) {
      for (int x = x0; x < x0 + 3; ++x) image[y * size + x] = 1.0F;
    }
  }
  return {images, labels, classes, "synthetic"};
}

// A naskit image dataset's split as tensors: [N, H, W, C] bytes to [N, C, H, W] in [0, 1].
ImageDataset FromArrays(const ImageArrays& a, const ImageFile& file, const std::string& name) {
  auto pixels = torch::from_blob(const_cast<std::uint8_t*>(a.pixels.data()),
                                 {a.count, a.height, a.width, a.channels}, torch::kUInt8);
  auto labels =
      torch::from_blob(const_cast<std::int32_t*>(a.labels.data()), {a.count}, torch::kInt32);
  return {pixels.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255.0).contiguous(),
          labels.to(torch::kInt64), static_cast<int>(file.classes.size()), name};
}

}  // namespace

std::string DefaultDatasetFolder(const std::string& name) {
  return name == "fashion-mnist" ? "/usr/share/datasets/fashion-mnist" : "";
}

ImageDataset ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                         int classes) {
  const auto images = ReadMaybeGzip(images_path);
  const auto labels = ReadMaybeGzip(labels_path);
  if (images.size() < 16 || BigEndian32(images, 0) != 0x803) {
    throw DataError(images_path + ": not an IDX image file (bad magic; expected 0x00000803)");
  }
  if (labels.size() < 8 || BigEndian32(labels, 0) != 0x801) {
    throw DataError(labels_path + ": not an IDX label file (bad magic; expected 0x00000801)");
  }
  const std::int64_t n = BigEndian32(images, 4), rows = BigEndian32(images, 8),
                     cols = BigEndian32(images, 12);
  if (static_cast<std::int64_t>(images.size()) != 16 + n * rows * cols) {
    throw DataError(images_path + ": short read (" + std::to_string(images.size()) +
                    " bytes; expected " + std::to_string(16 + n * rows * cols) + " for " +
                    std::to_string(n) + " images of " + std::to_string(rows) + "x" +
                    std::to_string(cols) + ")");
  }
  if (BigEndian32(labels, 4) != n || static_cast<std::int64_t>(labels.size()) != 8 + n) {
    throw DataError(labels_path + ": holds " +
                    std::to_string(labels.size() >= 8 ? BigEndian32(labels, 4) : 0) +
                    " labels in " + std::to_string(labels.size()) + " bytes (expected " +
                    std::to_string(n) + ", one per image)");
  }
  auto label_tensor = torch::empty({n}, torch::kInt64);
  for (std::int64_t i = 0; i < n; ++i) {
    if (labels[8 + i] >= classes) {
      throw DataError(labels_path + ": label " + std::to_string(labels[8 + i]) + " of item " +
                      std::to_string(i) + " out of range (expected 0 to " +
                      std::to_string(classes - 1) + ")");
    }
    label_tensor[i] = labels[8 + i];
  }
  auto image_tensor = torch::from_blob(const_cast<std::uint8_t*>(images.data() + 16),
                                       {n, 1, rows, cols}, torch::kUInt8)
                          .to(torch::kFloat32)
                          .div_(255.0);
  return {image_tensor, label_tensor, classes, "fashion-mnist"};
}

ImageDataset ReadCifar10Batches(const std::vector<std::string>& paths) {
  constexpr std::int64_t kRecord = 1 + 3 * 32 * 32;
  std::vector<at::Tensor> images, labels;
  for (const auto& path : paths) {
    const auto bytes = ReadMaybeGzip(path);
    if (bytes.empty() || bytes.size() % kRecord != 0) {
      throw DataError(path + ": " + std::to_string(bytes.size()) +
                      " bytes is not a whole number of CIFAR-10 records (" +
                      std::to_string(kRecord) + " bytes each)");
    }
    const std::int64_t n = static_cast<std::int64_t>(bytes.size()) / kRecord;
    auto raw =
        torch::from_blob(const_cast<std::uint8_t*>(bytes.data()), {n, kRecord}, torch::kUInt8)
            .clone();
    auto label = raw.select(1, 0).to(torch::kInt64);
    if (label.max().item<std::int64_t>() > 9) {
      throw DataError(path + ": label " + std::to_string(label.max().item<std::int64_t>()) +
                      " out of range (expected 0 to 9)");
    }
    labels.push_back(label);
    images.push_back(raw.slice(1, 1).view({n, 3, 32, 32}).to(torch::kFloat32).div_(255.0));
  }
  return {torch::cat(images), torch::cat(labels), 10, "cifar10"};
}

DatasetSplits LoadDataset(const DatasetOptions& o) {
  ImageDataset train, test;
  const std::string folder = o.folder.empty() ? DefaultDatasetFolder(o.name) : o.folder;
  if (!o.file.empty() &&
      (o.name == "fashion-mnist" || o.name == "cifar10" || o.name == "synthetic")) {
    throw ConfigError("data_file " + Quote(o.file) + " is for a dataset of your own; " +
                      Quote(o.name) + " is one of naskit's (name yours otherwise)");
  }
  if (o.name == "fashion-mnist") {
    auto file = [&](const char* stem) {
      const std::string gz = folder + "/" + stem + ".gz";
      return fs::exists(gz) ? gz : folder + "/" + stem;
    };
    train = ReadIdxPair(file("train-images-idx3-ubyte"), file("train-labels-idx1-ubyte"), 10);
    test = ReadIdxPair(file("t10k-images-idx3-ubyte"), file("t10k-labels-idx1-ubyte"), 10);
  } else if (o.name == "cifar10") {
    std::vector<std::string> batches;
    for (int i = 1; i <= 5; ++i)
      batches.push_back(folder + "/data_batch_" + std::to_string(i) + ".bin");
    train = ReadCifar10Batches(batches);
    test = ReadCifar10Batches({folder + "/test_batch.bin"});
  } else if (o.name == "synthetic") {
    train = Synthetic(1200, 4, 8, o.seed);
    test = Synthetic(300, 4, 8, o.seed + 1);
  } else if (!o.file.empty()) {
    const ImageFile file = ReadImageFile(o.file);
    train = FromArrays(file.train, file, o.name);
    test = FromArrays(file.test, file, o.name);
  } else {
    throw ConfigError("dataset " + Quote(o.name) +
                      " is not one of naskit's (cifar10, fashion-mnist, synthetic): name its file "
                      "with data_file (`naskit dataset` writes one from a folder of images)");
  }
  if (o.split_seed != 0) {
    // A seeded shuffle of the training images before validation is held out of them.
    std::vector<std::int64_t> order(static_cast<std::size_t>(train.size()));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
    Rng rng = Rng(o.split_seed).Derive("validation split");
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[rng.UniformInt(i)]);
    const auto index = torch::from_blob(order.data(), {train.size()}, torch::kInt64).clone();
    train.images = train.images.index_select(0, index);
    train.labels = train.labels.index_select(0, index);
  }
  const std::int64_t valid = std::min(o.valid_size, train.size() / 2);
  DatasetSplits splits;
  splits.valid = Take(train, train.size() - valid, train.size());
  std::int64_t train_end = train.size() - valid;
  if (o.train_subset > 0) train_end = std::min(train_end, o.train_subset);
  splits.train = Take(train, 0, train_end);
  splits.test = o.test_subset > 0 ? Take(test, 0, std::min(o.test_subset, test.size())) : test;
  if (o.image_size > 0 && o.image_size != splits.train.images.size(2)) {
    for (auto* d : {&splits.train, &splits.valid, &splits.test}) {
      d->images = torch::nn::functional::interpolate(
          d->images, torch::nn::functional::InterpolateFuncOptions()
                         .size(std::vector<std::int64_t>{o.image_size, o.image_size})
                         .mode(torch::kBilinear)
                         .align_corners(false));
    }
  }
  // Normalise every split with the training split's per-channel statistics.
  const auto mean = splits.train.images.mean({0, 2, 3});
  const auto std = splits.train.images.std(std::vector<std::int64_t>{0, 2, 3}).clamp_min(1e-6);
  for (auto* d : {&splits.train, &splits.valid, &splits.test})
    d->images = Normalise(d->images, mean, std);
  return splits;
}

}  // namespace naskit
