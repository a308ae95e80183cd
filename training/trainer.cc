// The training loop; see trainer.h.
#include "training/trainer.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/rng.h"

namespace naskit {
namespace {

struct Evaluation {
  double loss = 0, accuracy = 0;
};

Evaluation Evaluate(NetworkImpl& model, const ImageDataset& data, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  model.eval();
  double loss = 0;
  std::int64_t correct = 0;
  constexpr std::int64_t kBatch = 1024;
  for (std::int64_t begin = 0; begin < data.size(); begin += kBatch) {
    const std::int64_t end = std::min(begin + kBatch, data.size());
    auto x = data.images.slice(0, begin, end).to(device);
    auto y = data.labels.slice(0, begin, end).to(device);
    auto logits = model.forward(x);
    loss += torch::nn::functional::cross_entropy(
                logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                .item<double>();
    correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
  }
  const double n = static_cast<double>(std::max<std::int64_t>(1, data.size()));
  return {loss / n, 100.0 * static_cast<double>(correct) / n};
}

}  // namespace

DatasetSplits TrainingSetup::LoadData(std::uint64_t seed) const {
  return LoadDataset({dataset, data_dir, image_size, train_subset, valid_size, test_subset, seed,
                      data_file, static_cast<std::uint64_t>(split_seed)});
}

NetworkShape TrainingSetup::Shape(const DatasetSplits& data) const {
  return {channels, cells, data.train.classes, static_cast<int>(data.train.images.size(1)),
          static_cast<int>(data.train.images.size(2))};
}

nlohmann::ordered_json EpochLogJson(const EpochLog& e) {
  return {{"epoch", e.epoch},
          {"train_loss", e.train_loss},
          {"train_accuracy", e.train_accuracy},
          {"valid_loss", e.valid_loss},
          {"valid_accuracy", e.valid_accuracy},
          {"test_loss", e.test_loss},
          {"test_accuracy", e.test_accuracy},
          {"train_seconds", e.train_seconds},
          {"images_per_second", e.images_per_second}};
}

void ConfigureTorchThreads(int threads) {
  const int n =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (at::get_num_threads() != n) at::set_num_threads(n);
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(n);
  }
}

TrainResult TrainNetwork(const std::string& space, ArchId arch, const NetworkShape& shape,
                         const DatasetSplits& data, const TrainOptions& options, std::uint64_t seed,
                         const std::function<void(const EpochLog&)>& on_epoch,
                         const TrainingContinuation& continuation) {
  const TorchNetworkEntry& network = FindTorchNetwork(space);
  if (options.device == "cuda" && !torch::cuda::is_available()) {
    throw ConfigError(
        "training: device \"cuda\" asked for, but LibTorch sees no CUDA device (this build: " +
        std::string(torch::cuda::is_available() ? "CUDA" : "CPU only") + ")");
  }
  const torch::Device device(options.device == "cuda" ? torch::kCUDA : torch::kCPU);
  ConfigureTorchThreads(options.threads);
  if (device.is_cuda()) {
    at::globalContext().setDeterministicCuDNN(true);
    at::globalContext().setBenchmarkCuDNN(false);
  }
  torch::manual_seed(seed);
  const std::shared_ptr<NetworkImpl> model = network.build(arch, shape);
  model->to(device);

  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(options.learning_rate)
                                                       .momentum(options.momentum)
                                                       .nesterov(options.nesterov)
                                                       .weight_decay(options.weight_decay));
  const int schedule_epochs =
      continuation.schedule_epochs > 0 ? continuation.schedule_epochs : options.epochs;
  if (options.epochs > schedule_epochs || continuation.resumed_epochs >= options.epochs) {
    throw std::logic_error("TrainNetwork: epochs outside the schedule or the resumed training");
  }
  if (!continuation.resume_from.empty()) {
    try {
      torch::serialize::InputArchive archive, weights, state;
      archive.load_from(continuation.resume_from, device);
      archive.read("model", weights);
      archive.read("optimizer", state);
      model->load(weights);
      optimizer.load(state);
    } catch (const c10::Error& e) {
      throw DataError(continuation.resume_from + ": not a checkpoint of this training (" +
                      e.what_without_backtrace() + ")");
    }
  }
  const std::int64_t n = data.train.size();
  const std::int64_t steps_per_epoch = (n + options.batch_size - 1) / options.batch_size;
  const double total_steps = static_cast<double>(steps_per_epoch * schedule_epochs);
  const auto train_images = data.train.images.to(device),
             train_labels = data.train.labels.to(device);
  Rng shuffle_root = Rng(seed).Derive("shuffle");

  TrainResult result;
  result.params = model->NumParameters();
  const int first_epoch = continuation.resumed_epochs + 1;
  std::int64_t step = steps_per_epoch * continuation.resumed_epochs;
  for (int epoch = first_epoch; epoch <= options.epochs; ++epoch) {
    // The batch order: a Fisher-Yates permutation from naskit's own stream.
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    Rng rng = shuffle_root.Derive(static_cast<std::uint64_t>(epoch));
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[rng.UniformInt(i)]);
    const auto permutation = torch::from_blob(order.data(), {n}, torch::kInt64).to(device);

    model->train();
    const auto start = std::chrono::steady_clock::now();
    // Summed on the device: reading a value back every step would synchronise a GPU each time.
    auto loss_sum = torch::zeros({}, torch::TensorOptions(torch::kFloat64).device(device));
    auto correct = torch::zeros({}, torch::TensorOptions(torch::kInt64).device(device));
    for (std::int64_t begin = 0; begin < n; begin += options.batch_size, ++step) {
      const double lr = 0.5 * options.learning_rate *
                        (1 + std::cos(M_PI * static_cast<double>(step) / total_steps));
      for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
      const auto index = permutation.slice(0, begin, std::min(begin + options.batch_size, n));
      const auto x = train_images.index_select(0, index), y = train_labels.index_select(0, index);
      optimizer.zero_grad();
      const auto logits = model->forward(x);
      const auto loss = torch::nn::functional::cross_entropy(logits, y);
      loss.backward();
      optimizer.step();
      loss_sum += loss.detach().to(torch::kFloat64) * static_cast<double>(index.size(0));
      correct += logits.argmax(1).eq(y).sum();
    }
    if (device.is_cuda()) torch::cuda::synchronize();
    EpochLog log;
    log.epoch = epoch;
    log.train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log.images_per_second = static_cast<double>(n) / log.train_seconds;
    log.train_loss = loss_sum.item<double>() / static_cast<double>(n);
    log.train_accuracy =
        100.0 * static_cast<double>(correct.item<std::int64_t>()) / static_cast<double>(n);
    const Evaluation valid = Evaluate(*model, data.valid, device),
                     test = Evaluate(*model, data.test, device);
    log.valid_loss = valid.loss;
    log.valid_accuracy = valid.accuracy;
    log.test_loss = test.loss;
    log.test_accuracy = test.accuracy;
    result.epochs.push_back(log);
    if (on_epoch) on_epoch(log);
    if (!std::isfinite(log.train_loss)) {
      result.diverged = true;
      return result;
    }
  }
  if (!continuation.save_to.empty()) {
    torch::serialize::OutputArchive archive, weights, state;
    model->save(weights);
    optimizer.save(state);
    archive.write("model", weights);
    archive.write("optimizer", state);
    SaveCheckpoint(archive, continuation.save_to);
  }
  return result;
}

void SaveCheckpoint(torch::serialize::OutputArchive& archive, const std::string& path) {
  const std::filesystem::path target(path);
  RemoveStaleTemporaries(target.parent_path().string(), target.filename().string());
  // Serialised in memory (checkpoints here are a few MB) so that the file goes through the one
  // atomic writer every naskit file uses: written, flushed to disk, renamed into place.
  std::ostringstream bytes;
  try {
    archive.save_to(bytes);
  } catch (const std::exception& e) {
    const std::string what = e.what();  // LibTorch's errors go on with a backtrace
    throw IoError(path + ": cannot save the checkpoint (" + what.substr(0, what.find('\n')) + ")");
  }
  WriteFileAtomically(path, bytes.str());
}

}  // namespace naskit
