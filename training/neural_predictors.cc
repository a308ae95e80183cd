// The LibTorch predictors: mlp_ensemble, gcn and gin; see predictors/neural_predictors.h.
#include "predictors/neural_predictors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <set>

#include "core/errors.h"
#include "core/rng.h"
#include "predictors/predictor.h"
#include "training/trainer.h"

namespace naskit {
namespace {

namespace nn = torch::nn;

torch::Device DeviceOf(const NeuralTrainingOptions& options, const std::string& owner) {
  if (options.device != "cuda") return torch::kCPU;
  if (!torch::cuda::is_available()) {
    throw ConfigError(owner + ": option \"device\" is cuda, but LibTorch sees no CUDA device");
  }
  return torch::kCUDA;
}

// PyTorch's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for a layer's weight and
// bias, drawn from a generator seeded for this fit: fits running side by side never share the
// global generator.
void InitParameters(nn::Module& module, std::uint64_t seed) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::NoGradGuard no_grad;
  double bound = 1;
  for (auto& p : module.parameters()) {
    if (p.dim() >= 2) bound = 1.0 / std::sqrt(static_cast<double>(p.size(1)));
    p.uniform_(-bound, bound, generator);
  }
}

void CheckFitInput(std::span<const ArchId> archs, std::span<const double> targets) {
  if (archs.size() != targets.size() || archs.size() < 2) {
    throw std::invalid_argument("Fit needs one target per architecture and at least two");
  }
}

// Targets as z-scores, and back.
struct TargetScale {
  double mean = 0, scale = 1;
  explicit TargetScale(std::span<const double> y = {}) {
    if (y.empty()) return;
    mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
    double var = 0;
    for (double v : y) var += (v - mean) * (v - mean);
    scale = var > 0 ? std::sqrt(var / static_cast<double>(y.size())) : 1.0;
  }
  torch::Tensor Apply(std::span<const double> y) const {
    std::vector<float> z;
    for (double v : y) z.push_back(static_cast<float>((v - mean) / scale));
    return torch::tensor(z);
  }
};

// Adam (Kingma & Ba, ICLR 2015) over all of a module's parameters at once: the parameters and
// their gradients are rebound as views of one flat buffer each, so a step is six LibTorch calls
// instead of about ten per parameter tensor. For these small networks the calls, not the
// arithmetic, are the cost (a BANANAS run spent most of its time in torch::optim::Adam's
// per-tensor dispatch). Same update, in the same order, as torch::optim::Adam without amsgrad.
class FlatAdam {
 public:
  FlatAdam(std::vector<torch::Tensor> parameters, double learning_rate, double weight_decay)
      : learning_rate_(learning_rate), weight_decay_(weight_decay) {
    std::int64_t total = 0;
    for (const auto& p : parameters) total += p.numel();
    const auto options = parameters.empty() ? torch::TensorOptions() : parameters[0].options();
    values_ = torch::empty({total}, options);
    grads_ = torch::zeros({total}, options);
    std::int64_t offset = 0;
    for (auto& p : parameters) {
      const std::int64_t n = p.numel();
      values_.narrow(0, offset, n).copy_(p.detach().flatten());
      p.set_data(values_.narrow(0, offset, n).view(p.sizes()));
      // Backward accumulates into an existing gradient in place: into the flat buffer.
      p.mutable_grad() = grads_.narrow(0, offset, n).view(p.sizes());
      offset += n;
    }
    exp_avg_ = torch::zeros_like(values_);
    exp_avg_sq_ = torch::zeros_like(values_);
  }

  void ZeroGrad() { grads_.zero_(); }

  void Step() {
    const torch::NoGradGuard no_grad;
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
    ++steps_;
    const double correction1 = 1 - std::pow(kBeta1, steps_);
    const double correction2 = 1 - std::pow(kBeta2, steps_);
    const torch::Tensor grad = weight_decay_ != 0 ? grads_.add(values_, weight_decay_) : grads_;
    exp_avg_.mul_(kBeta1).add_(grad, 1 - kBeta1);
    exp_avg_sq_.mul_(kBeta2).addcmul_(grad, grad, 1 - kBeta2);
    const torch::Tensor denom = (exp_avg_sq_.sqrt() / std::sqrt(correction2)).add_(kEps);
    values_.addcdiv_(exp_avg_, denom, -learning_rate_ / correction1);
  }

 private:
  double learning_rate_, weight_decay_;
  torch::Tensor values_, grads_, exp_avg_, exp_avg_sq_;
  int steps_ = 0;
};

// Adam over `epochs` shuffled passes of `n` examples, for one model or for an ensemble trained as
// one batched model: row m of the [members, batch] index tensor given to `gradients` is the next
// batch of member m, shuffled with that member's own seed (`seeds[m]`), so each member sees exactly
// the batches it would see trained alone. Adam's updates are elementwise, so one optimizer over the
// stacked parameters is the members' own optimizers side by side. `gradients(ids)` leaves the
// gradients of the loss on those batches in the parameters' .grad.
void Train(nn::Module& model, const NeuralTrainingOptions& o, std::size_t n,
           std::span<const std::uint64_t> seeds,
           const std::function<void(const torch::Tensor&)>& gradients) {
  FlatAdam optimizer(model.parameters(), o.learning_rate, o.weight_decay);
  std::vector<Rng> rngs;
  std::vector<std::vector<std::int64_t>> orders(seeds.size(), std::vector<std::int64_t>(n));
  for (std::size_t m = 0; m < seeds.size(); ++m) {
    rngs.push_back(Rng(seeds[m]).Derive("batches"));
    std::iota(orders[m].begin(), orders[m].end(), 0);
  }
  const auto batch = static_cast<std::size_t>(o.batch_size);
  std::vector<std::int64_t> ids;
  model.train();
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    for (std::size_t m = 0; m < seeds.size(); ++m) {
      auto& order = orders[m];
      for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rngs[m].UniformInt(i)]);
    }
    for (std::size_t start = 0; start < n; start += batch) {
      const std::size_t end = std::min(n, start + batch);
      ids.clear();
      for (const auto& order : orders) {
        ids.insert(ids.end(), order.begin() + static_cast<std::ptrdiff_t>(start),
                   order.begin() + static_cast<std::ptrdiff_t>(end));
      }
      optimizer.ZeroGrad();
      gradients(torch::tensor(ids).view({static_cast<std::int64_t>(seeds.size()), -1}));
      optimizer.Step();
    }
  }
  model.eval();
}

// Base of the three: device, thread count, the lock that makes Predict() safe to call from
// several threads (a module's forward is not).
class NeuralPredictor : public Predictor {
 public:
  NeuralPredictor(const std::string& key, const NeuralTrainingOptions& options)
      : owner_("predictor " + Quote(key)), device_(DeviceOf(options, owner_)) {
    // Predictors run one fit per core side by side (a GCN step took 3x longer with two BLAS
    // threads on small matrices).
    ConfigureTorchThreads(1);
  }
  bool NeedsFit() const override { return true; }

 protected:
  void CheckFitted() const {
    if (!fitted_) throw std::logic_error(owner_ + ": Predict() before Fit()");
  }
  std::string owner_;
  torch::Device device_;
  TargetScale scale_;
  bool fitted_ = false;
  mutable std::mutex mutex_;
};

// ---- mlp_ensemble ----------------------------------------------------------------------------

// BANANAS's ensemble as one module: member m's layer l is the slice [m] of weight_l [members, in,
// out] and bias_l [members, 1, out], so a step of the whole ensemble is a few batched matrix
// products instead of `members` separate networks' worth of small operations (5x fewer LibTorch
// calls, which dominate at these sizes). Each member starts as nn::Linear layers initialised
// from its own seed would.
struct MlpStackImpl : nn::Module {
  std::vector<torch::Tensor> weights, biases;

  MlpStackImpl(std::size_t inputs, const MlpEnsembleOptions& o,
               std::span<const std::uint64_t> seeds) {
    const auto members = static_cast<std::int64_t>(seeds.size());
    auto in = static_cast<std::int64_t>(inputs);
    for (int l = 0; l <= o.layers; ++l) {
      const std::int64_t out = l == o.layers ? 1 : o.width;
      const std::string name = std::to_string(l);
      weights.push_back(register_parameter("weight" + name, torch::empty({members, in, out})));
      biases.push_back(register_parameter("bias" + name, torch::empty({members, 1, out})));
      in = out;
    }
    // Member m draws from its own generator what InitParameters draws for its nn::Linear layers.
    const torch::NoGradGuard no_grad;
    for (std::int64_t m = 0; m < members; ++m) {
      at::Generator generator =
          at::make_generator<at::CPUGeneratorImpl>(seeds[static_cast<std::size_t>(m)]);
      for (std::size_t l = 0; l < weights.size(); ++l) {
        const std::int64_t layer_in = weights[l].size(1), layer_out = weights[l].size(2);
        const double bound = 1.0 / std::sqrt(static_cast<double>(layer_in));
        // nn::Linear's weight is [out, in]: drawn in that layout, stored transposed.
        weights[l][m].t().copy_(
            torch::empty({layer_out, layer_in}).uniform_(-bound, bound, generator));
        biases[l][m].uniform_(-bound, bound, generator);
      }
    }
  }

  // x: [members, batch, inputs] -> [members, batch]
  torch::Tensor forward(torch::Tensor x) {
    for (std::size_t l = 0; l < weights.size(); ++l) {
      x = torch::baddbmm(biases[l], x, weights[l]);
      if (l + 1 < weights.size()) x = torch::relu(x);
    }
    return x.squeeze(-1);
  }

  // The gradients of the members' mean absolute errors on (x, y), summed, written into the
  // parameters' .grad. The textbook backward pass of a ReLU MLP, written out: about 70 LibTorch
  // calls a step where autograd makes about 140 and records a graph, which halves a BANANAS run
  // (the calls, not the arithmetic, are the cost at width 20). The same products autograd forms.
  void Backpropagate(const torch::Tensor& x, const torch::Tensor& y) {
    const torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> inputs{x};  // the input of each layer
    torch::Tensor out;
    for (std::size_t l = 0; l < weights.size(); ++l) {
      out = torch::baddbmm(biases[l], inputs.back(), weights[l]);
      if (l + 1 < weights.size()) inputs.push_back(torch::relu(out));
    }
    // d/d out of sum_m mean_b |out - y|; sign(0) = 0, as autograd's abs.
    torch::Tensor g = torch::sign(out.squeeze(-1) - y).div_(static_cast<double>(y.size(1)));
    g = g.unsqueeze(-1);
    for (std::size_t l = weights.size(); l-- > 0;) {
      torch::bmm_out(weights[l].mutable_grad(), inputs[l].transpose(1, 2), g);
      torch::sum_out(biases[l].mutable_grad(), g, {1}, /*keepdim=*/true);
      if (l > 0)
        g = torch::threshold_backward(torch::bmm(g, weights[l].transpose(1, 2)), inputs[l], 0);
    }
  }
};
TORCH_MODULE(MlpStack);

class MlpEnsemble final : public NeuralPredictor {
 public:
  MlpEnsemble(const MlpEnsembleOptions& options, const PredictorContext& context)
      : NeuralPredictor("mlp_ensemble", options),
        options_(options),
        features_(options.features, context, owner_) {
    has_uncertainty_ = true;
  }

  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t seed) override {
    CheckFitInput(archs, targets);
    scale_ = TargetScale(targets);
    const torch::Tensor x = Features(archs), y = scale_.Apply(targets).to(device_);
    std::vector<std::uint64_t> seeds;
    for (int m = 0; m < options_.members; ++m) {
      seeds.push_back(Rng(seed).Derive(static_cast<std::uint64_t>(m)).NextU64());
    }
    MlpStack net(features_.Width(), options_, seeds);
    net->to(device_);
    Train(*net, options_, archs.size(), seeds, [&](const torch::Tensor& ids) {
      const torch::Tensor i = ids.to(device_);  // [members, batch]
      // Each member's mean absolute error, summed: the members' gradients stay their own.
      net->Backpropagate(x.index_select(0, i.flatten()).view({i.size(0), i.size(1), -1}),
                         y.index_select(0, i.flatten()).view_as(i));
    });
    const std::lock_guard lock(mutex_);
    net_ = net;
    fitted_ = true;
  }

  Prediction Predict(std::span<const ArchId> archs) const override {
    CheckFitted();
    Prediction p;
    if (archs.empty()) return p;
    const torch::NoGradGuard no_grad;
    const torch::Tensor x = Features(archs);
    torch::Tensor all;
    {
      const std::lock_guard lock(mutex_);
      all = net_->forward(x.unsqueeze(0).expand({options_.members, -1, -1}));
    }
    all = all.to(torch::kCPU).to(torch::kDouble);
    const torch::Tensor mean = all.mean(0), std = all.std(0, /*unbiased=*/false);
    const auto* m = mean.data_ptr<double>();
    const auto* s = std.data_ptr<double>();
    for (std::int64_t i = 0; i < mean.size(0); ++i) {
      p.mean.push_back(scale_.mean + scale_.scale * m[i]);
      p.stddev.push_back(scale_.scale * s[i]);
    }
    return p;
  }

 private:
  torch::Tensor Features(std::span<const ArchId> archs) const {
    std::vector<float> x = features_.Encode(archs);
    return torch::from_blob(x.data(), {static_cast<std::int64_t>(archs.size()),
                                       static_cast<std::int64_t>(features_.Width())})
        .clone()
        .to(device_);
  }

  MlpEnsembleOptions options_;
  FeatureEncoder features_;
  mutable MlpStack net_{nullptr};  // forward() is not const; Predict() holds the mutex
};

// ---- graphs -----------------------------------------------------------------------------------

// A batch of the space's DAGs, padded to the largest: one-hot node labels [B, N, L], adjacency
// [B, N, N] (a[i][j] = 1 for an edge i -> j) and a mask of real nodes [B, N].
struct GraphBatch {
  torch::Tensor nodes, adjacency, mask;
};

class GraphEncoder {
 public:
  explicit GraphEncoder(const SearchSpace& space) : space_(&space) {}

  // The node vocabulary is fixed by the training graphs (sorted, so it does not depend on their
  // order); a label first seen later encodes as all zeros.
  void Learn(std::span<const ArchId> archs) {
    std::set<std::string> labels;
    for (const ArchId arch : archs) {
      for (const auto& label : space_->Graph(arch).node_labels) labels.insert(label);
    }
    vocabulary_.clear();
    for (const auto& label : labels)
      vocabulary_.emplace(label, static_cast<std::int64_t>(vocabulary_.size()));
  }
  std::int64_t Labels() const { return static_cast<std::int64_t>(vocabulary_.size()); }

  GraphBatch Encode(std::span<const ArchId> archs, torch::Device device) const {
    std::vector<ArchGraph> graphs;
    std::int64_t nodes = 1;
    for (const ArchId arch : archs) {
      graphs.push_back(space_->Graph(arch));
      nodes = std::max<std::int64_t>(nodes,
                                     static_cast<std::int64_t>(graphs.back().node_labels.size()));
    }
    const auto b = static_cast<std::int64_t>(archs.size());
    torch::Tensor x = torch::zeros({b, nodes, Labels()});
    torch::Tensor a = torch::zeros({b, nodes, nodes});
    torch::Tensor mask = torch::zeros({b, nodes});
    auto xa = x.accessor<float, 3>();
    auto aa = a.accessor<float, 3>();
    auto ma = mask.accessor<float, 2>();
    for (std::int64_t g = 0; g < b; ++g) {
      const ArchGraph& graph = graphs[static_cast<std::size_t>(g)];
      for (std::size_t v = 0; v < graph.node_labels.size(); ++v) {
        ma[g][static_cast<std::int64_t>(v)] = 1;
        const auto it = vocabulary_.find(graph.node_labels[v]);
        if (it != vocabulary_.end()) xa[g][static_cast<std::int64_t>(v)][it->second] = 1;
      }
      for (const auto& [from, to] : graph.edges) aa[g][from][to] = 1;
    }
    return {x.to(device), a.to(device), mask.to(device)};
  }

 private:
  const SearchSpace* space_;
  std::map<std::string, std::int64_t> vocabulary_;
};

GraphBatch Select(const GraphBatch& all, const torch::Tensor& ids) {
  return {all.nodes.index_select(0, ids), all.adjacency.index_select(0, ids),
          all.mask.index_select(0, ids)};
}

// Row-normalised adjacency with self-loops.
torch::Tensor Normalised(const torch::Tensor& a, const torch::Tensor& mask) {
  const torch::Tensor with_self = a + torch::diag_embed(mask);
  return with_self / with_self.sum(-1, /*keepdim=*/true).clamp_min(1);
}

// Wen et al.'s bidirectional graph convolution: messages along the edges and against them.
struct GcnImpl : nn::Module {
  GcnImpl(std::int64_t labels, const GraphPredictorOptions& o) {
    std::int64_t in = labels;
    for (int l = 0; l < o.layers; ++l) {
      forward_layers.push_back(
          register_module("forward" + std::to_string(l), nn::Linear(in, o.hidden)));
      backward_layers.push_back(
          register_module("backward" + std::to_string(l), nn::Linear(in, o.hidden)));
      in = o.hidden;
    }
    head = register_module("head", nn::Linear(in, 1));
  }
  torch::Tensor forward(const GraphBatch& g) {
    const torch::Tensor along = Normalised(g.adjacency.transpose(1, 2), g.mask);
    const torch::Tensor against = Normalised(g.adjacency, g.mask);
    torch::Tensor h = g.nodes;
    for (std::size_t l = 0; l < forward_layers.size(); ++l) {
      h = 0.5 * (torch::relu(along.bmm(forward_layers[l]->forward(h))) +
                 torch::relu(against.bmm(backward_layers[l]->forward(h))));
    }
    const torch::Tensor mask = g.mask.unsqueeze(-1);
    const torch::Tensor pooled = (h * mask).sum(1) / mask.sum(1).clamp_min(1);
    return head->forward(pooled).squeeze(-1);
  }
  std::vector<nn::Linear> forward_layers, backward_layers;
  nn::Linear head{nullptr};
};
TORCH_MODULE(Gcn);

// GIN layers (Xu et al., ICLR 2019) over both edge directions, sum pooling, mean and std heads.
struct GinImpl : nn::Module {
  GinImpl(std::int64_t labels, const GraphPredictorOptions& o) {
    std::int64_t in = labels;
    for (int l = 0; l < o.layers; ++l) {
      layers.push_back(register_module("gin" + std::to_string(l),
                                       nn::Sequential(nn::Linear(in, o.hidden), nn::ReLU(),
                                                      nn::Linear(o.hidden, o.hidden), nn::ReLU())));
      in = o.hidden;
    }
    head = register_module(
        "head", nn::Sequential(nn::Linear(in, o.hidden), nn::ReLU(), nn::Linear(o.hidden, 2)));
  }
  // Mean and standard deviation (in target z-scores) per graph: [B, 2].
  torch::Tensor forward(const GraphBatch& g) {
    const torch::Tensor neighbours = g.adjacency + g.adjacency.transpose(1, 2);
    torch::Tensor h = g.nodes;
    for (auto& layer : layers) h = layer->forward(h + neighbours.bmm(h));
    const torch::Tensor out = head->forward((h * g.mask.unsqueeze(-1)).sum(1));
    // The floor keeps the likelihood's gradient bounded: at 1e-3 (in target z-scores) fits that
    // drove the deviation towards it diverged, some to NaN.
    return torch::stack({out.select(1, 0), torch::softplus(out.select(1, 1)) + 1e-2}, 1);
  }
  std::vector<nn::Sequential> layers;
  nn::Sequential head{nullptr};
};
TORCH_MODULE(Gin);

template <class Model, bool kUncertain>
class GraphPredictor final : public NeuralPredictor {
 public:
  GraphPredictor(const std::string& key, const GraphPredictorOptions& options,
                 const PredictorContext& context)
      : NeuralPredictor(key, options), options_(options), graphs_(context.space) {
    has_uncertainty_ = kUncertain;
  }

  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t seed) override {
    CheckFitInput(archs, targets);
    scale_ = TargetScale(targets);
    GraphEncoder graphs = graphs_;
    graphs.Learn(archs);
    const GraphBatch all = graphs.Encode(archs, device_);
    const torch::Tensor y = scale_.Apply(targets).to(device_);
    Model model(graphs.Labels(), options_);
    InitParameters(*model, seed);
    model->to(device_);
    Train(*model, options_, archs.size(), {&seed, 1}, [&](const torch::Tensor& ids) {
      const torch::Tensor i = ids[0].to(device_);
      const torch::Tensor out = model->forward(Select(all, i)), target = y.index_select(0, i);
      if constexpr (kUncertain) {
        // Gaussian negative log-likelihood (up to a constant).
        const torch::Tensor mean = out.select(1, 0), std = out.select(1, 1);
        (torch::log(std) + 0.5 * ((target - mean) / std).pow(2)).mean().backward();
      } else {
        torch::mse_loss(out, target).backward();
      }
    });
    const std::lock_guard lock(mutex_);
    graphs_ = std::move(graphs);
    model_ = model;
    fitted_ = true;
  }

  Prediction Predict(std::span<const ArchId> archs) const override {
    CheckFitted();
    Prediction p;
    if (archs.empty()) return p;
    const torch::NoGradGuard no_grad;
    torch::Tensor out;
    {
      const std::lock_guard lock(mutex_);
      out = model_->forward(graphs_.Encode(archs, device_)).to(torch::kCPU).to(torch::kDouble);
    }
    for (std::int64_t i = 0; i < out.size(0); ++i) {
      if constexpr (kUncertain) {
        p.mean.push_back(scale_.mean + scale_.scale * out[i][0].item<double>());
        p.stddev.push_back(scale_.scale * out[i][1].item<double>());
      } else {
        p.mean.push_back(scale_.mean + scale_.scale * out[i].item<double>());
      }
    }
    return p;
  }

 private:
  GraphPredictorOptions options_;
  GraphEncoder graphs_;
  mutable Model model_{nullptr};  // forward() is not const; Predict() holds the mutex
};

const bool kNeuralPredictorsRegistered [[maybe_unused]] = [] {
  auto& registry = PredictorRegistry::Global();
  registry.Add(PredictorRegistry::MakeEntry<MlpEnsemble, MlpEnsembleOptions>(
      "mlp_ensemble", "BANANAS's ensemble of MLPs, with uncertainty [LibTorch]"));
  registry.Add(PredictorRegistry::MakeEntryWith<GcnOptions>(
      "gcn", "graph convolutional network (Wen et al., ECCV 2020) [LibTorch]",
      [](const GcnOptions& o, const PredictorContext& c) -> std::unique_ptr<Predictor> {
        return std::make_unique<GraphPredictor<Gcn, false>>("gcn", o, c);
      }));
  registry.Add(PredictorRegistry::MakeEntryWith<GinOptions>(
      "gin", "graph isomorphism network with uncertainty (NPENAS) [LibTorch]",
      [](const GinOptions& o, const PredictorContext& c) -> std::unique_ptr<Predictor> {
        return std::make_unique<GraphPredictor<Gin, true>>("gin", o, c);
      }));
  return true;
}();

}  // namespace
}  // namespace naskit
