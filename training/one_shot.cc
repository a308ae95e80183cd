// The supernet training loop and the query worker; see one_shot.h.
#include "training/one_shot.h"

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "training/trainer.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using Json = nlohmann::ordered_json;

torch::Device DeviceOf(const std::string& name) {
  if (name == "cuda" && !torch::cuda::is_available()) {
    throw ConfigError("supernet: device \"cuda\" asked for, but LibTorch sees no CUDA device");
  }
  return name == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

DatasetSplits OnDevice(DatasetSplits data, const torch::Device& device) {
  for (ImageDataset* d : {&data.train, &data.valid, &data.test}) {
    d->images = d->images.to(device);
    d->labels = d->labels.to(device);
  }
  return data;
}

// A Fisher-Yates permutation of [0, n) from `rng`.
torch::Tensor Permutation(std::int64_t n, Rng rng, const torch::Device& device) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.UniformInt(i)]);
  return torch::from_blob(order.data(), {n}, torch::kInt64).clone().to(device);
}

Batch Slice(const ImageDataset& data, const torch::Tensor& permutation, std::int64_t begin,
            std::int64_t size) {
  const auto index = permutation.slice(0, begin, std::min(begin + size, data.size()));
  return {data.images.index_select(0, index), data.labels.index_select(0, index)};
}

double PeakMemoryMiB() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

StepStats TrainWeights(const OneShotContext& context, const Batch& batch) {
  // Gradients reset to none, not zero: weights off this step's path get no update at all (no
  // momentum, no decay), as with PyTorch's zero_grad(set_to_none=True), and a resumed training,
  // whose gradients start as none, steps exactly as an uninterrupted one.
  for (auto& p : context.supernet.parameters()) p.mutable_grad().reset();
  const auto logits = context.supernet.forward(batch.images);
  const auto loss = F::cross_entropy(logits, batch.labels);
  loss.backward();
  if (context.settings.grad_clip > 0) {
    torch::nn::utils::clip_grad_norm_(context.supernet.parameters(), context.settings.grad_clip);
  }
  context.optimizer.step();
  return {loss.detach().to(torch::kFloat64) * static_cast<double>(batch.labels.size(0)),
          logits.argmax(1).eq(batch.labels).sum()};
}

double SupernetAccuracy(SupernetImpl& supernet, const ImageDataset& data,
                        const ImageDataset& recalibrate_on, int recalibration_batches) {
  torch::NoGradGuard no_grad;
  constexpr std::int64_t kBatch = 500;
  supernet.train();  // batch statistics
  if (recalibration_batches > 0) {
    // Running statistics as the plain average over the recalibration batches, then used.
    std::vector<std::pair<torch::nn::BatchNorm2dImpl*, c10::optional<double>>> norms;
    for (const auto& module : supernet.modules(/*include_self=*/false)) {
      if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) {
        norms.emplace_back(bn, bn->options.momentum());
        bn->reset_running_stats();
        bn->options.momentum(c10::nullopt);
      }
    }
    for (int b = 0; b < recalibration_batches; ++b) {
      const std::int64_t begin = (b * kBatch) % std::max<std::int64_t>(1, recalibrate_on.size());
      supernet.forward(recalibrate_on.images.slice(0, begin, begin + kBatch));
    }
    for (auto& [bn, momentum] : norms) bn->options.momentum(momentum);
    supernet.eval();
  }
  std::int64_t correct = 0;
  for (std::int64_t begin = 0; begin < data.size(); begin += kBatch) {
    const auto logits = supernet.forward(data.images.slice(0, begin, begin + kBatch));
    correct +=
        logits.argmax(1).eq(data.labels.slice(0, begin, begin + kBatch)).sum().item<std::int64_t>();
  }
  supernet.train();
  return 100.0 * static_cast<double>(correct) /
         static_cast<double>(std::max<std::int64_t>(1, data.size()));
}

void RunSupernetJob(const SupernetJob& job) {
  const OneShotSettings& s = job.one_shot;
  const auto start = std::chrono::steady_clock::now();
  const torch::Device device = DeviceOf(job.device);
  ConfigureTorchThreads(job.threads);
  const std::uint64_t seed = static_cast<std::uint64_t>(job.seed);
  const DatasetSplits data = OnDevice(job.setup.LoadData(seed), device);
  torch::manual_seed(seed);
  const std::shared_ptr<SupernetImpl> supernet =
      FindSupernet(job.space).build(job.setup.Shape(data));
  supernet->to(device);
  torch::optim::SGD optimizer(supernet->parameters(), torch::optim::SGDOptions(s.learning_rate)
                                                          .momentum(s.momentum)
                                                          .nesterov(true)
                                                          .weight_decay(s.weight_decay));
  const OneShotContext context{*supernet, optimizer, s, data};
  const std::unique_ptr<OneShotMethod> method =
      OneShotRegistry::Global().Create(s.method, RecordOptions(s), context);

  // Resume from the checkpoint of this training rule, whole epochs only.
  const fs::path folder = fs::path(job.out).parent_path();
  const std::string checkpoint = (folder / (s.TrainingRule() + ".pt")).string();
  Json epochs = Json::array();
  if (fs::exists(checkpoint)) {
    try {
      torch::serialize::InputArchive archive, weights, state;
      archive.load_from(checkpoint, device);
      archive.read("supernet", weights);
      archive.read("optimizer", state);
      supernet->load(weights);
      optimizer.load(state);
      method->Load(archive);
      c10::IValue log;
      archive.read("log", log);
      epochs = Json::parse(log.toStringRef());
    } catch (const c10::Error& e) {
      throw DataError(checkpoint + ": not a checkpoint of this supernet training (" +
                      e.what_without_backtrace() + ")");
    }
    if (epochs.size() > static_cast<std::size_t>(s.epochs)) {
      throw DataError(fmt::format("{}: holds {} epochs, this training has {}", checkpoint,
                                  epochs.size(), s.epochs));
    }
  }

  const std::int64_t n = data.train.size();
  const std::int64_t steps_per_epoch = (n + s.batch_size - 1) / s.batch_size;
  const double total_steps = static_cast<double>(steps_per_epoch * s.epochs);
  const Rng root(seed);
  const int first_epoch = static_cast<int>(epochs.size()) + 1;
  for (int epoch = first_epoch; epoch <= s.epochs; ++epoch) {
    if (job.stop_after > 0 && epoch - first_epoch == job.stop_after) return;
    const auto epoch_start = std::chrono::steady_clock::now();
    const auto order = Permutation(n, root.Derive("shuffle").Derive(epoch), device);
    const auto valid_order =
        Permutation(data.valid.size(), root.Derive("valid order").Derive(epoch), device);
    Rng rng = root.Derive("paths").Derive(static_cast<std::uint64_t>(epoch));
    const double progress =
        s.epochs > 1 ? static_cast<double>(epoch - 1) / static_cast<double>(s.epochs - 1) : 0.0;
    auto loss_sum = torch::zeros({}, torch::TensorOptions(torch::kFloat64).device(device));
    auto correct = torch::zeros({}, torch::TensorOptions(torch::kInt64).device(device));
    std::int64_t step = steps_per_epoch * (epoch - 1);
    for (std::int64_t b = 0; b < steps_per_epoch; ++b, ++step) {
      const double lr =
          s.min_learning_rate + 0.5 * (s.learning_rate - s.min_learning_rate) *
                                    (1 + std::cos(M_PI * static_cast<double>(step) / total_steps));
      for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
      }
      const Batch train = Slice(data.train, order, b * s.batch_size, s.batch_size);
      const std::int64_t valid_begin =
          (b * s.batch_size) % std::max<std::int64_t>(1, data.valid.size());
      const Batch valid = Slice(data.valid, valid_order, valid_begin, s.batch_size);
      const StepStats stats = method->Step(train, valid, rng, progress, lr);
      loss_sum += stats.loss_sum;
      correct += stats.correct;
    }
    if (device.is_cuda()) torch::cuda::synchronize();
    Json log;
    log["epoch"] = epoch;
    log["train_loss"] = loss_sum.item<double>() / static_cast<double>(n);
    log["train_accuracy"] =
        100.0 * static_cast<double>(correct.item<std::int64_t>()) / static_cast<double>(n);
    log["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    if (const torch::Tensor alphas = method->alphas(); alphas.defined()) {
      const auto weights = torch::softmax(alphas.detach(), 1).cpu().contiguous();
      Json rows = Json::array();
      for (std::int64_t e = 0; e < weights.size(0); ++e) {
        const auto row = weights[e];
        rows.push_back(
            std::vector<double>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel()));
      }
      log["architecture_weights"] = rows;
      log["strongest_cell"] = GetSpace(job.space).Format(supernet->Derive(weights));
    }
    epochs.push_back(log);
    std::cerr << fmt::format("supernet {} epoch {}/{}: loss {:.4f}, accuracy {:.2f}%, {:.1f} s\n",
                             s.TrainingRule(), epoch, s.epochs, log["train_loss"].get<double>(),
                             log["train_accuracy"].get<double>(), log["seconds"].get<double>());
    torch::serialize::OutputArchive archive, weights, state;
    supernet->save(weights);
    optimizer.save(state);
    archive.write("supernet", weights);
    archive.write("optimizer", state);
    method->Save(archive);
    archive.write("log", c10::IValue(epochs.dump()));
    SaveCheckpoint(archive, checkpoint);
  }

  const auto derive_start = std::chrono::steady_clock::now();
  Rng derive_rng = root.Derive("derive");
  const std::optional<ArchId> derived = method->Derive(derive_rng);
  const double derive_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - derive_start).count();
  double train_seconds = 0;
  for (const Json& e : epochs) train_seconds += e.at("seconds").get<double>();

  Json out;
  out["space"] = job.space;
  out["method"] = s.method;
  out["training_rule"] = s.TrainingRule();
  out["seed"] = job.seed;
  out["settings"] = RecordOptions(s);
  out["setup"] = RecordOptions(job.setup);
  out["supernet_params"] = supernet->NumParameters();
  Json choices = Json::array();
  for (std::size_t c = 0; c < supernet->NumChoices(); ++c)
    choices.push_back(supernet->ChoiceName(c));
  out["choices"] = choices;  // the columns of architecture_weights
  out["derived"] = derived ? Json(GetSpace(job.space).Format(*derived)) : Json(nullptr);
  out["epochs"] = epochs;
  out["train_seconds"] = train_seconds;  // every epoch's, across resumed sessions
  out["derive_seconds"] = derive_seconds;
  out["search_seconds"] = train_seconds + derive_seconds;
  out["process_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out["peak_memory_mib"] = PeakMemoryMiB();
  out["device"] = job.device;
  out["threads"] = job.threads;
  WriteFileAtomically(job.out, out.dump(1) + "\n");
}

void ServeSupernet(const SupernetServeOptions& options, std::istream& in, std::ostream& out) {
  const SupernetJob& job = options.job;
  const torch::Device device = DeviceOf(job.device);
  ConfigureTorchThreads(job.threads);
  DatasetSplits data = OnDevice(job.setup.LoadData(static_cast<std::uint64_t>(job.seed)), device);
  if (options.eval_images > 0 && options.eval_images < data.valid.size()) {
    data.valid.images = data.valid.images.slice(0, 0, options.eval_images);
    data.valid.labels = data.valid.labels.slice(0, 0, options.eval_images);
  }
  const std::shared_ptr<SupernetImpl> supernet =
      FindSupernet(job.space).build(job.setup.Shape(data));
  supernet->to(device);
  const std::string checkpoint =
      (fs::path(job.out).parent_path() / (job.one_shot.TrainingRule() + ".pt")).string();
  try {
    torch::serialize::InputArchive archive, weights;
    archive.load_from(checkpoint, device);
    archive.read("supernet", weights);
    supernet->load(weights);
  } catch (const c10::Error& e) {
    throw DataError(checkpoint + ": cannot read the supernet (" + e.what_without_backtrace() + ")");
  }
  const SearchSpace& space = GetSpace(job.space);
  std::string line;
  while (std::getline(in, line)) {
    const auto begin = std::chrono::steady_clock::now();
    supernet->SetPath(
        {.kind = SupernetPath::Kind::kSingle, .ops = supernet->OpsOf(space.Parse(line))});
    const double accuracy =
        SupernetAccuracy(*supernet, data.valid, data.train, options.recalibration_batches);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    out << fmt::format("{:.17g} {:.6f}", accuracy, seconds) << std::endl;
  }
}

}  // namespace naskit
