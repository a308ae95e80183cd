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
#include "training/trainer.h"

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

double Synflow(NetworkImpl& net, const NetworkShape& shape) {
  net.to(torch::kFloat64);
  net.eval();
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net.parameters()) p.abs_();
  }
  const auto ones =
      torch::ones({1, shape.in_channels, shape.image_size, shape.image_size}, torch::kFloat64);
  net.forward(ones).sum().backward();
  double score = 0;
  for (const auto& p : net.parameters()) {
    if (p.grad().defined()) score += (p * p.grad()).abs().sum().item<double>();
  }
  return score > 0 ? std::log(score) : -INFINITY;
}

// What the data-dependent proxies need from the minibatch pass.
struct PassNeeds {
  bool weight_grads = false;      // snip, grad_norm
  bool hessian_grads = false;     // grasp
  bool activation_grads = false;  // fisher
  bool input_grad = false;        // jacob_cov
  bool relu_kernel = false;       // naswot

  void Add(const PassNeeds& n) {
    weight_grads |= n.weight_grads;
    hessian_grads |= n.hessian_grads;
    activation_grads |= n.activation_grads;
    input_grad |= n.input_grad;
    relu_kernel |= n.relu_kernel;
  }
  bool Any() const { return weight_grads || activation_grads || input_grad || relu_kernel; }
};

PassNeeds NeedsOf(const std::string& key) {
  if (key == "snip" || key == "grad_norm") return {.weight_grads = true};
  if (key == "grasp") return {.weight_grads = true, .hessian_grads = true};
  if (key == "fisher") return {.activation_grads = true};
  if (key == "jacob_cov") return {.input_grad = true};
  if (key == "naswot") return {.relu_kernel = true};
  return {};
}

// Sums, over every ReLU, the number of units on which two images agree (both active or both
// inactive): with A the 0/1 activity matrix [B, D] and r its row sums, A A' + (1-A)(1-A)' =
// 2 A A' - r 1' - 1 r' + D, one matrix product. Counts stay below 2^24, so float32 is exact.
torch::Tensor AddReluAgreement(const torch::Tensor& kernel, const torch::Tensor& x) {
  const auto active = (x.detach().reshape({x.size(0), -1}) > 0).to(torch::kFloat32);
  const auto agree = 2 * active.mm(active.t());
  const auto r = active.sum(1, /*keepdim=*/true);
  return kernel + (agree - r - r.t() + active.size(1)).to(torch::kFloat64);
}

// Keeps the convolution and classifier outputs (fisher) and the ReLU agreement kernel (naswot).
class PassObserver final : public ForwardObserver {
 public:
  PassObserver(const PassNeeds& needs, std::int64_t batch) : needs_(needs) {
    if (needs.relu_kernel) relu_kernel = torch::zeros({batch, batch}, torch::kFloat64);
  }
  void OnReluInput(const torch::Tensor& x) override {
    if (needs_.relu_kernel) relu_kernel = AddReluAgreement(relu_kernel, x);
  }
  void OnLayerOutput(const torch::Tensor& output) override {
    if (needs_.activation_grads && output.requires_grad()) activations.push_back(output);
  }
  std::vector<torch::Tensor> activations;
  torch::Tensor relu_kernel;

 private:
  PassNeeds needs_;
};

// Everything the data-dependent proxies read, from ONE forward pass of the minibatch and only the
// backward passes a requested proxy needs. Each proxy's two forward passes in the papers' code
// (grasp's g and its graph; jacob_cov's and snip's) compute the same values, batch norm being in
// training mode; sharing them halves the time of scoring each proxy alone (BENCHMARKS.md §4).
struct MinibatchPass {
  std::vector<torch::Tensor> weights;           // convolution and classifier weights
  std::vector<torch::Tensor> weight_grads;      // dL/dw; undefined where w gets no gradient
  std::vector<torch::Tensor> hessian_grads;     // H g, g = dL/dw
  std::vector<torch::Tensor> activations;       // convolution and classifier outputs
  std::vector<torch::Tensor> activation_grads;  // dL/da
  torch::Tensor input_grad;   // d(sum of outputs)/dx; undefined when the outputs ignore x
  torch::Tensor relu_kernel;  // naswot's K
};

MinibatchPass RunMinibatchPass(NetworkImpl& net, const Minibatch& batch, const PassNeeds& needs) {
  const bool loss_grads = needs.weight_grads || needs.activation_grads;
  const bool any_grad = loss_grads || needs.input_grad;
  MinibatchPass pass;
  pass.weights = LayerWeights(net);
  PassObserver observer(needs, batch.images.size(0));
  torch::Tensor x = batch.images, y;
  {
    const torch::AutoGradMode grad_mode(any_grad);
    if (needs.input_grad) x = batch.images.clone().requires_grad_(true);
    const ScopedForwardObserver observe(&observer);
    y = net.forward(x);
  }
  pass.relu_kernel = observer.relu_kernel;
  pass.activations = std::move(observer.activations);
  if (loss_grads) {
    std::vector<torch::Tensor> inputs;
    if (needs.weight_grads) inputs = pass.weights;
    inputs.insert(inputs.end(), pass.activations.begin(), pass.activations.end());
    const bool keep_graph = needs.input_grad || needs.hessian_grads;
    auto grads = torch::autograd::grad({torch::nn::functional::cross_entropy(y, batch.labels)},
                                       inputs, {}, keep_graph,
                                       /*create_graph=*/needs.hessian_grads,
                                       /*allow_unused=*/true);
    const auto split =
        grads.begin() + static_cast<std::ptrdiff_t>(needs.weight_grads ? pass.weights.size() : 0);
    pass.weight_grads.assign(grads.begin(), split);
    pass.activation_grads.assign(split, grads.end());
  }
  if (needs.input_grad) {
    pass.input_grad = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, needs.hessian_grads,
                                            false, /*allow_unused=*/true)[0];
  }
  if (needs.hessian_grads) {
    // d(g . grad L)/dtheta = H g, with g held constant.
    torch::Tensor z;
    for (const auto& g : pass.weight_grads) {
      if (!g.defined()) continue;
      const torch::Tensor term = (g.detach() * g).sum();
      z = z.defined() ? z + term : term;
    }
    if (z.defined() && z.requires_grad()) {
      pass.hessian_grads = torch::autograd::grad({z}, pass.weights, {}, false, false, true);
    }
  }
  return pass;
}

double Snip(const MinibatchPass& pass) {
  double score = 0;
  for (std::size_t i = 0; i < pass.weights.size(); ++i) {
    if (pass.weight_grads[i].defined())
      score +=
          (pass.weights[i].detach() * pass.weight_grads[i].detach()).abs().sum().item<double>();
  }
  return score;
}

double GradNorm(const MinibatchPass& pass) {
  double score = 0;
  for (const auto& g : pass.weight_grads) {
    if (g.defined()) score += g.detach().norm().item<double>();
  }
  return score;
}

double Grasp(const MinibatchPass& pass) {
  double score = 0;
  for (std::size_t i = 0; i < pass.hessian_grads.size(); ++i) {
    if (pass.hessian_grads[i].defined())
      score -= (pass.weights[i].detach() * pass.hessian_grads[i]).sum().item<double>();
  }
  return score;
}

double Fisher(const MinibatchPass& pass) {
  double score = 0;
  for (std::size_t i = 0; i < pass.activations.size(); ++i) {
    if (!pass.activation_grads[i].defined()) continue;
    torch::Tensor per_channel = pass.activations[i].detach() * pass.activation_grads[i];
    if (per_channel.dim() > 2) per_channel = per_channel.sum({2, 3});
    score += per_channel.pow(2).mean(0).mul(0.5).sum().item<double>();
  }
  return score;
}

double JacobCov(const MinibatchPass& pass) {
  // Undefined when the output ignores the input (every path is `none`).
  if (!pass.input_grad.defined()) return NAN;
  const auto& g = pass.input_grad;
  const auto jacobian = g.reshape({g.size(0), -1}).to(torch::kFloat64);
  const auto correlation = torch::corrcoef(jacobian);
  if (!torch::isfinite(correlation).all().item<bool>()) return NAN;  // a constant gradient row
  const auto v = torch::linalg::eigvalsh(correlation, "L");
  constexpr double k = 1e-5;
  return -(torch::log(v + k) + 1.0 / (v + k)).sum().item<double>();
}

double Naswot(const MinibatchPass& pass) {
  return std::get<1>(torch::linalg::slogdet(pass.relu_kernel)).item<double>();
}

using ProxyFunction = double (*)(const MinibatchPass&);

// The data-dependent proxies; synflow, which needs no minibatch, is computed apart.
ProxyFunction FindDataProxy(const std::string& key) {
  static const std::map<std::string, ProxyFunction> kFunctions = {
      {"snip", Snip},          {"grasp", Grasp},        {"fisher", Fisher},
      {"grad_norm", GradNorm}, {"jacob_cov", JacobCov}, {"naswot", Naswot}};
  const auto it = kFunctions.find(key);
  if (it == kFunctions.end()) {
    std::vector<std::string> keys = {"synflow"};
    for (const auto& [name, f] : kFunctions) keys.push_back(name);
    std::sort(keys.begin(), keys.end());
    throw ConfigError(UnknownNameMessage("zero-cost proxy", key, keys));
  }
  return it->second;
}

// Restores the batch-norm statistics a training-mode pass updates, so that a proxy computed after
// it (synflow, in evaluation mode) sees the network as initialised.
class BufferGuard {
 public:
  explicit BufferGuard(NetworkImpl& net) : buffers_(net.buffers()) {
    for (const auto& b : buffers_) saved_.push_back(b.clone());
  }
  ~BufferGuard() {
    const torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < buffers_.size(); ++i) buffers_[i].copy_(saved_[i]);
  }
  BufferGuard(const BufferGuard&) = delete;
  BufferGuard& operator=(const BufferGuard&) = delete;

 private:
  std::vector<torch::Tensor> buffers_, saved_;
};

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
    ConfigureTorchThreads(1);  // as in `naskit zc`: scores independent of the machine's cores
  }
  double Score(ArchId arch) const override {
    return ZeroCostScores({key_}, space_, arch, input_, seed_)[0];
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

std::vector<double> ScoreNetwork(const std::vector<std::string>& keys, NetworkImpl& net,
                                 const ZeroCostInput& input) {
  PassNeeds needs;
  for (const std::string& key : keys) {
    if (key == "synflow") continue;
    FindDataProxy(key);  // did-you-mean on a typo
    if (!input.batch.images.defined()) {
      throw ConfigError("zero-cost proxy " + Quote(key) + " needs a minibatch (dataset is none)");
    }
    needs.Add(NeedsOf(key));
  }
  std::vector<double> scores(keys.size());
  if (needs.Any()) {
    const BufferGuard keep_statistics(net);
    const MinibatchPass pass = RunMinibatchPass(net, input.batch, needs);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] != "synflow") scores[i] = FindDataProxy(keys[i])(pass);
    }
  }
  // Last: synflow rescales the weights.
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == "synflow") scores[i] = Synflow(net, input.network);
  }
  return scores;
}

std::vector<double> ZeroCostScores(const std::vector<std::string>& keys, const std::string& space,
                                   ArchId arch, const ZeroCostInput& input, std::uint64_t seed) {
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
  return ScoreNetwork(keys, *net, input);
}

}  // namespace naskit
