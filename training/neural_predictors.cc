// The LibTorch predictors: mlp_ensemble, gcn and gin; see predictors/neural_predictors.h.
#include "predictors/neural_predictors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <dlfcn.h>
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

// Debian's LibTorch multiplies matrices with OpenBLAS, whose own thread pool ignores
// at::set_num_threads: on small matrices its threads wait on each other (a GCN step took 3x longer
// with two). Predictors run one fit per core side by side, so BLAS gets one thread.
void SingleThreadedBlas() {
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(1);
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

// Adam over `epochs` shuffled passes; `loss(indices)` is the loss of one batch.
void Train(nn::Module& model, const NeuralTrainingOptions& o, std::size_t n, std::uint64_t seed,
           const std::function<torch::Tensor(const torch::Tensor&)>& loss) {
  torch::optim::Adam optimizer(
      model.parameters(), torch::optim::AdamOptions(o.learning_rate).weight_decay(o.weight_decay));
  Rng rng = Rng(seed).Derive("batches");
  std::vector<std::int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto batch = static_cast<std::size_t>(o.batch_size);
  model.train();
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.UniformInt(i)]);
    for (std::size_t start = 0; start < n; start += batch) {
      const std::vector<std::int64_t> ids(
          order.begin() + static_cast<std::ptrdiff_t>(start),
          order.begin() + static_cast<std::ptrdiff_t>(std::min(n, start + batch)));
      optimizer.zero_grad();
      loss(torch::tensor(ids)).backward();
      optimizer.step();
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
    // One intra-op thread: a fit's sums then do not depend on the machine's core count.
    ConfigureTorchThreads(1);
    SingleThreadedBlas();
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

nn::Sequential MakeMlp(std::size_t inputs, int layers, int width) {
  nn::Sequential net;
  auto in = static_cast<std::int64_t>(inputs);
  for (int l = 0; l < layers; ++l) {
    net->push_back(nn::Linear(in, width));
    net->push_back(nn::ReLU());
    in = width;
  }
  net->push_back(nn::Linear(in, 1));
  return net;
}

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
    std::vector<nn::Sequential> members;
    for (int m = 0; m < options_.members; ++m) {
      const std::uint64_t member_seed = Rng(seed).Derive(static_cast<std::uint64_t>(m)).NextU64();
      nn::Sequential net = MakeMlp(features_.Width(), options_.layers, options_.width);
      InitParameters(*net, member_seed);
      net->to(device_);
      Train(*net, options_, archs.size(), member_seed, [&](const torch::Tensor& ids) {
        const torch::Tensor i = ids.to(device_);
        return torch::l1_loss(net->forward(x.index_select(0, i)).squeeze(-1), y.index_select(0, i));
      });
      members.push_back(net);
    }
    const std::lock_guard lock(mutex_);
    members_ = std::move(members);
    fitted_ = true;
  }

  Prediction Predict(std::span<const ArchId> archs) const override {
    CheckFitted();
    Prediction p;
    if (archs.empty()) return p;
    const torch::NoGradGuard no_grad;
    const torch::Tensor x = Features(archs);
    std::vector<torch::Tensor> outputs;
    {
      const std::lock_guard lock(mutex_);
      for (auto& net : members_) outputs.push_back(net->forward(x).squeeze(-1));
    }
    const torch::Tensor all = torch::stack(outputs).to(torch::kCPU).to(torch::kDouble);
    const torch::Tensor mean = all.mean(0), std = all.std(0, /*unbiased=*/false);
    for (std::int64_t i = 0; i < mean.size(0); ++i) {
      p.mean.push_back(scale_.mean + scale_.scale * mean[i].item<double>());
      p.stddev.push_back(scale_.scale * std[i].item<double>());
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
  // Module handles: forward() is not const, hence mutable (Predict() holds the mutex).
  mutable std::vector<nn::Sequential> members_;
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
    return torch::stack({out.select(1, 0), torch::softplus(out.select(1, 1)) + 1e-3}, 1);
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
    Train(*model, options_, archs.size(), seed, [&](const torch::Tensor& ids) {
      const torch::Tensor i = ids.to(device_);
      const torch::Tensor out = model->forward(Select(all, i)), target = y.index_select(0, i);
      if constexpr (kUncertain) {
        // Gaussian negative log-likelihood (up to a constant).
        const torch::Tensor mean = out.select(1, 0), std = out.select(1, 1);
        return (torch::log(std) + 0.5 * ((target - mean) / std).pow(2)).mean();
      } else {
        return torch::mse_loss(out, target);
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
