// Zero-cost proxies; definitions and papers in predictors/zero_cost_proxies.h.
#include "training/zero_cost.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <mutex>
#include <numeric>

#include "core/errors.h"
#include "core/rng.h"
#include "predictors/predictor.h"
#include "training/image_dataset.h"

namespace naskit {
namespace {

// Weights of the convolutions and the classifier (batch-norm weights and biases are 1-d).
std::vector<torch::Tensor> LayerWeights(NetworkImpl& net) {
  std::vector<torch::Tensor> weights;
  for (const auto& p : net.parameters()) {
    if (p.dim() >= 2) weights.push_back(p);
  }
  return weights;
}

torch::Tensor Loss(NetworkImpl& net, const Minibatch& batch) {
  return torch::nn::functional::cross_entropy(net.forward(batch.images), batch.labels);
}

double Synflow(NetworkImpl& net, const ZeroCostInput& input) {
  net.to(torch::kFloat64);
  net.eval();
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net.parameters()) p.abs_();
  }
  const NetworkShape& shape = input.network;
  const auto ones =
      torch::ones({1, shape.in_channels, shape.image_size, shape.image_size}, torch::kFloat64);
  net.forward(ones).sum().backward();
  double score = 0;
  for (const auto& p : net.parameters()) {
    if (p.grad().defined()) score += (p * p.grad()).abs().sum().item<double>();
  }
  return score > 0 ? std::log(score) : -INFINITY;
}

double Snip(NetworkImpl& net, const ZeroCostInput& input) {
  Loss(net, input.batch).backward();
  double score = 0;
  for (const auto& w : LayerWeights(net)) {
    if (w.grad().defined()) score += (w * w.grad()).abs().sum().item<double>();
  }
  return score;
}

double GradNorm(NetworkImpl& net, const ZeroCostInput& input) {
  Loss(net, input.batch).backward();
  double score = 0;
  for (const auto& w : LayerWeights(net)) {
    if (w.grad().defined()) score += w.grad().norm().item<double>();
  }
  return score;
}

double Grasp(NetworkImpl& net, const ZeroCostInput& input) {
  const std::vector<torch::Tensor> weights = LayerWeights(net);
  const auto g = torch::autograd::grad({Loss(net, input.batch)}, weights, {}, false, false,
                                       /*allow_unused=*/true);
  const auto g_with_graph = torch::autograd::grad({Loss(net, input.batch)}, weights, {}, true,
                                                  /*create_graph=*/true, /*allow_unused=*/true);
  // d(g . grad L)/dtheta = H g, accumulated into the weights' .grad.
  torch::Tensor z;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!g[i].defined() || !g_with_graph[i].defined()) continue;
    const torch::Tensor term = (g[i] * g_with_graph[i]).sum();
    z = z.defined() ? z + term : term;
  }
  if (!z.defined() || !z.requires_grad()) return 0;
  z.backward();
  double score = 0;
  for (const auto& w : weights) {
    if (w.grad().defined()) score -= (w * w.grad()).sum().item<double>();
  }
  return score;
}

// Keeps every convolution and classifier output, with its gradient after backward().
class LayerOutputs final : public ForwardObserver {
 public:
  void OnLayerOutput(const torch::Tensor& output) override {
    if (!output.requires_grad()) return;
    output.retain_grad();
    outputs.push_back(output);
  }
  std::vector<torch::Tensor> outputs;
};

double Fisher(NetworkImpl& net, const ZeroCostInput& input) {
  LayerOutputs layers;
  {
    ScopedForwardObserver observe(&layers);
    Loss(net, input.batch).backward();
  }
  double score = 0;
  for (const auto& a : layers.outputs) {
    if (!a.grad().defined()) continue;
    torch::Tensor per_channel = a.detach() * a.grad();
    if (per_channel.dim() > 2) per_channel = per_channel.sum({2, 3});
    score += per_channel.pow(2).mean(0).mul(0.5).sum().item<double>();
  }
  return score;
}

double JacobCov(NetworkImpl& net, const ZeroCostInput& input) {
  const auto x = input.batch.images.clone().requires_grad_(true);
  const auto y = net.forward(x);
  y.backward(torch::ones_like(y));
  if (!x.grad().defined()) return NAN;  // the output ignores the input (every path is `none`)
  const auto jacobian = x.grad().reshape({x.size(0), -1}).to(torch::kFloat64);
  const auto correlation = torch::corrcoef(jacobian);
  if (!torch::isfinite(correlation).all().item<bool>()) return NAN;  // a constant gradient row
  const auto v = torch::linalg::eigvalsh(correlation, "L");
  constexpr double k = 1e-5;
  return -(torch::log(v + k) + 1.0 / (v + k)).sum().item<double>();
}

// Sums, over every ReLU, the number of units on which two images agree (both active or both
// inactive): with A the 0/1 activity matrix [B, D] and r its row sums, A A' + (1-A)(1-A)' =
// 2 A A' - r 1' - 1 r' + D, one matrix product. Counts stay below 2^24, so float32 is exact.
class ReluPatternKernel final : public ForwardObserver {
 public:
  explicit ReluPatternKernel(std::int64_t batch)
      : kernel(torch::zeros({batch, batch}, torch::kFloat64)) {}
  void OnReluInput(const torch::Tensor& x) override {
    const auto active = (x.detach().reshape({x.size(0), -1}) > 0).to(torch::kFloat32);
    const auto agree = 2 * active.mm(active.t());
    const auto r = active.sum(1, /*keepdim=*/true);
    kernel += (agree - r - r.t() + active.size(1)).to(torch::kFloat64);
  }
  torch::Tensor kernel;
};

double Naswot(NetworkImpl& net, const ZeroCostInput& input) {
  ReluPatternKernel patterns(input.batch.images.size(0));
  {
    torch::NoGradGuard no_grad;
    ScopedForwardObserver observe(&patterns);
    net.forward(input.batch.images);
  }
  return std::get<1>(torch::linalg::slogdet(patterns.kernel)).item<double>();
}

using ProxyFunction = double (*)(NetworkImpl&, const ZeroCostInput&);

ProxyFunction FindProxy(const std::string& key) {
  static const std::map<std::string, ProxyFunction> kFunctions = {
      {"synflow", Synflow},    {"snip", Snip},          {"grasp", Grasp},  {"fisher", Fisher},
      {"grad_norm", GradNorm}, {"jacob_cov", JacobCov}, {"naswot", Naswot}};
  const auto it = kFunctions.find(key);
  if (it == kFunctions.end()) {
    std::vector<std::string> keys;
    for (const auto& [name, f] : kFunctions) keys.push_back(name);
    throw ConfigError(UnknownNameMessage("zero-cost proxy", key, keys));
  }
  return it->second;
}

bool NeedsData(const std::string& key) {
  for (const auto& proxy : ZeroCostProxies()) {
    if (proxy.key == key) return proxy.needs_data;
  }
  return true;
}

// `batch_size` distinct training images drawn with `seed`.
Minibatch DrawMinibatch(const ImageDataset& train, int batch_size, std::uint64_t seed) {
  if (train.size() < batch_size) {
    throw ConfigError(
        fmt::format("zero-cost minibatch: batch_size {} exceeds the {} training "
                    "images of {}",
                    batch_size, train.size(), train.name));
  }
  std::vector<std::int64_t> order(static_cast<std::size_t>(train.size()));
  std::iota(order.begin(), order.end(), 0);
  Rng rng = Rng(seed).Derive("zero-cost minibatch");
  for (int i = 0; i < batch_size; ++i) {  // partial Fisher-Yates
    const auto j = i + rng.UniformInt(order.size() - static_cast<std::size_t>(i));
    std::swap(order[i], order[j]);
  }
  const auto index =
      torch::tensor(std::vector<std::int64_t>(order.begin(), order.begin() + batch_size));
  return {train.images.index_select(0, index), train.labels.index_select(0, index)};
}

class ZeroCostProxy final : public ZeroCostPredictor {
 public:
  ZeroCostProxy(std::string key, const ZeroCostOptions& options, const PredictorContext& context)
      : key_(std::move(key)),
        space_(context.space.Name()),
        seed_(static_cast<std::uint64_t>(options.seed)) {
    try {
      FindTorchNetwork(space_);
    } catch (const ConfigError& e) {
      throw ConfigError("zero-cost proxy " + Quote(key_) + ": " + e.what());
    }
    CheckZeroCostOptions(key_, options);
    input_ = LoadZeroCostInput(options);
  }
  double Score(ArchId arch) const override {
    return ZeroCostScore(key_, space_, arch, input_, seed_);
  }

 private:
  std::string key_, space_;
  std::uint64_t seed_;
  ZeroCostInput input_;
};

// One registry entry per proxy, all sharing ZeroCostOptions.
const bool kProxiesRegistered [[maybe_unused]] = [] {
  for (const auto& proxy : ZeroCostProxies()) {
    PredictorRegistry::Global().Add(PredictorRegistry::MakeEntryWith<ZeroCostOptions>(
        proxy.key, proxy.summary,
        [key = std::string(proxy.key)](const ZeroCostOptions& options,
                                       const PredictorContext& context) {
          return std::make_unique<ZeroCostProxy>(key, options, context);
        }));
  }
  return true;
}();

}  // namespace

void CheckZeroCostOptions(const std::string& key, const ZeroCostOptions& options) {
  if (NeedsData(key) && options.dataset == "none") {
    throw ConfigError("zero-cost proxy " + Quote(key) +
                      " needs a minibatch: set dataset to fashion-mnist, cifar10 or synthetic");
  }
}

ZeroCostInput LoadZeroCostInput(const ZeroCostOptions& o) {
  // The proxies of one `naskit zc` run share their options: read the dataset once, not per proxy.
  // Never destroyed: tensors must not outlive LibTorch's own statics at exit.
  static std::mutex mutex;
  static auto* cache = new std::map<OptionValues, ZeroCostInput>;
  const OptionValues key = RecordOptions(o);
  const std::lock_guard lock(mutex);
  if (const auto it = cache->find(key); it != cache->end()) return it->second;

  ZeroCostInput input;
  input.network.channels = o.channels;
  input.network.cells = o.cells;
  if (o.dataset == "none") {
    input.network.in_channels = o.in_channels;
    input.network.classes = o.classes;
    input.network.image_size = o.image_size > 0 ? o.image_size : 32;
  } else {
    DatasetOptions data;
    data.name = o.dataset;
    data.folder = o.data_dir;
    data.image_size = o.image_size;
    data.seed = static_cast<std::uint64_t>(o.seed);
    const DatasetSplits splits = LoadDataset(data);
    input.batch = DrawMinibatch(splits.train, o.batch_size, static_cast<std::uint64_t>(o.seed));
    input.network.classes = splits.train.classes;
    input.network.in_channels = static_cast<int>(splits.train.images.size(1));
    input.network.image_size = static_cast<int>(splits.train.images.size(2));
  }
  cache->emplace(key, input);
  return input;
}

double ScoreNetwork(const std::string& key, NetworkImpl& net, const ZeroCostInput& input) {
  const ProxyFunction proxy = FindProxy(key);
  if (NeedsData(key) && !input.batch.images.defined()) {
    throw ConfigError("zero-cost proxy " + Quote(key) + " needs a minibatch (dataset is none)");
  }
  return proxy(net, input);
}

double ZeroCostScore(const std::string& key, const std::string& space, ArchId arch,
                     const ZeroCostInput& input, std::uint64_t seed) {
  const TorchNetworkEntry& network = FindTorchNetwork(space);
  // Seeding and initialisation use LibTorch's global generator: one network at a time, so that
  // rows scored on parallel threads get the weights their seed gives.
  static std::mutex init_mutex;
  std::shared_ptr<NetworkImpl> net;
  {
    const std::lock_guard lock(init_mutex);
    torch::manual_seed(seed);
    net = network.build(arch, input.network);
  }
  net->train();
  return ScoreNetwork(key, *net, input);
}

}  // namespace naskit
