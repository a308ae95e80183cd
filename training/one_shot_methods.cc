// The registered one-shot methods (training/one_shot.h); their papers and settings are listed in
// training/supernet_job.h.
#include <torch/torch.h>

#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "core/errors.h"
#include "spaces/search_space.h"
#include "training/one_shot.h"

namespace naskit {
namespace {

namespace F = torch::nn::functional;

// RSPS and SPOS: one uniformly sampled path per batch (Li & Talwalkar's random search with weight
// sharing; Guo et al.'s single-path one-shot). The search over the trained supernet is a strategy
// against the supernet evaluator.
class SinglePath final : public OneShotMethod {
 public:
  SinglePath(const OneShotSettings&, const OneShotContext& context) : context_(context) {}

  StepStats Step(const Batch& train, const Batch&, Rng& rng, double, double) override {
    context_.supernet.SetPath(
        {.kind = SupernetPath::Kind::kSingle, .ops = context_.supernet.SamplePath(rng)});
    return TrainWeights(context_, train);
  }
  std::optional<ArchId> Derive(Rng&) override { return std::nullopt; }

 private:
  const OneShotContext& context_;
};

// What the methods with architecture parameters share: alphas [decisions, choices] initialised
// as DARTS's code does (1e-3 times a standard normal) and their Adam optimizer.
class WithArchitecture : public OneShotMethod {
 public:
  WithArchitecture(const OneShotSettings& settings, const OneShotContext& context)
      : context_(context),
        settings_(settings),
        alphas_((1e-3 * torch::randn({static_cast<std::int64_t>(context.supernet.NumDecisions()),
                                      static_cast<std::int64_t>(context.supernet.NumChoices())}))
                    .to(context.data.train.images.device())
                    .requires_grad_(true)),
        arch_optimizer_({alphas_}, torch::optim::AdamOptions(settings.arch_learning_rate)
                                       .betas({0.5, 0.999})
                                       .weight_decay(settings.arch_weight_decay)) {}

  torch::Tensor alphas() const override { return alphas_; }

  std::optional<ArchId> Derive(Rng&) override {
    return context_.supernet.Derive(torch::softmax(alphas_, 1).detach());
  }

  void Save(torch::serialize::OutputArchive& archive) const override {
    torch::serialize::OutputArchive state;
    arch_optimizer_.save(state);
    archive.write("alphas", alphas_.detach());
    archive.write("arch_optimizer", state);
  }
  void Load(torch::serialize::InputArchive& archive) override {
    torch::Tensor saved;
    archive.read("alphas", saved);
    torch::NoGradGuard no_grad;
    alphas_.copy_(saved);
    torch::serialize::InputArchive state;
    archive.read("arch_optimizer", state);
    arch_optimizer_.load(state);
  }

 protected:
  void Mix(const torch::Tensor& weights) {
    context_.supernet.SetPath({.kind = SupernetPath::Kind::kMixture, .weights = weights});
  }

  torch::Tensor Loss(const Batch& batch) {
    return F::cross_entropy(context_.supernet.forward(batch.images), batch.labels);
  }

  const OneShotContext& context_;
  const OneShotSettings settings_;  // a copy: the registry passes a temporary
  torch::Tensor alphas_;
  torch::optim::Adam arch_optimizer_;
};

// DARTS (Liu, Simonyan & Yang, ICLR 2019, Algorithm 1): an architecture step on a validation
// batch, then a weight step on a training batch, both on the softmax mixture.
class Darts : public WithArchitecture {
 public:
  using WithArchitecture::WithArchitecture;

  StepStats Step(const Batch& train, const Batch& valid, Rng&, double,
                 double learning_rate) override {
    arch_optimizer_.zero_grad();
    if (settings_.method == "darts" && settings_.order == 2) {
      alphas_.mutable_grad() = UnrolledGradient(train, valid, learning_rate);
    } else {
      Mix(torch::softmax(alphas_, 1));
      Loss(valid).backward();
    }
    arch_optimizer_.step();
    Mix(torch::softmax(alphas_, 1).detach());
    return TrainWeights(context_, train);
  }

 private:
  // DARTS's second-order gradient (eq. 7-8): the validation loss's gradient at the weights after
  // one virtual SGD step w' = w - xi (grad L_train(w) + weight_decay w), xi the weights' learning
  // rate, minus xi times the Hessian-vector product, by finite differences at w +- eps grad_w'
  // L_val(w', alpha), eps = 0.01 / |grad_w' L_val|. (DARTS's code adds the momentum buffer to the
  // virtual step; naskit follows the paper's equations.)
  torch::Tensor UnrolledGradient(const Batch& train, const Batch& valid, double xi) {
    std::vector<torch::Tensor> weights = context_.supernet.parameters();
    std::vector<torch::Tensor> saved;
    for (const auto& w : weights) saved.push_back(w.detach().clone());
    auto gradient = [&](const torch::Tensor& loss, const std::vector<torch::Tensor>& of) {
      auto g = torch::autograd::grad({loss}, of, {}, false, false, /*allow_unused=*/true);
      for (std::size_t i = 0; i < g.size(); ++i) {
        if (!g[i].defined()) g[i] = torch::zeros_like(of[i]);
      }
      return g;
    };
    auto restore = [&] {
      torch::NoGradGuard no_grad;
      for (std::size_t i = 0; i < weights.size(); ++i) weights[i].copy_(saved[i]);
    };
    Mix(torch::softmax(alphas_, 1));
    const auto train_gradient = gradient(Loss(train), weights);
    {
      torch::NoGradGuard no_grad;
      for (std::size_t i = 0; i < weights.size(); ++i) {
        weights[i].sub_(xi * (train_gradient[i] + settings_.weight_decay * weights[i]));
      }
    }
    Mix(torch::softmax(alphas_, 1));
    std::vector<torch::Tensor> all = weights;
    all.push_back(alphas_);
    auto valid_gradient = gradient(Loss(valid), all);
    const torch::Tensor alpha_gradient = valid_gradient.back();
    valid_gradient.pop_back();
    restore();
    double norm = 0;
    for (const auto& g : valid_gradient) norm += g.pow(2).sum().item<double>();
    const double eps = 0.01 / std::max(std::sqrt(norm), 1e-12);
    auto shifted_alpha_gradient = [&](double sign) {
      {
        torch::NoGradGuard no_grad;
        for (std::size_t i = 0; i < weights.size(); ++i) {
          weights[i].add_(sign * eps * valid_gradient[i]);
        }
      }
      Mix(torch::softmax(alphas_, 1));
      auto g = gradient(Loss(train), {alphas_}).front();
      restore();
      return g;
    };
    const torch::Tensor plus = shifted_alpha_gradient(1), minus = shifted_alpha_gradient(-1);
    return alpha_gradient - xi * (plus - minus) / (2 * eps);
  }
};

// GDAS (Dong & Yang, CVPR 2019), as NAS-Bench-201's implementation: on each batch the weights
// and then the architecture are updated along one path per edge, sampled by Gumbel-softmax at
// temperature tau (linear from tau_max to tau_min over the epochs), with straight-through weights
// one_hot - p.detach() + p.
class Gdas final : public WithArchitecture {
 public:
  using WithArchitecture::WithArchitecture;

  StepStats Step(const Batch& train, const Batch& valid, Rng& rng, double progress,
                 double) override {
    const double tau = settings_.tau_max - (settings_.tau_max - settings_.tau_min) * progress;
    Sample(rng, tau);
    arch_optimizer_.zero_grad();
    StepStats stats = TrainWeights(context_, train);
    Sample(rng, tau);
    arch_optimizer_.zero_grad();
    Loss(valid).backward();
    arch_optimizer_.step();
    return stats;
  }

 private:
  void Sample(Rng& rng, double tau) {
    // Gumbel noise from naskit's stream, so that a resumed training draws what it would have.
    std::vector<float> noise(static_cast<std::size_t>(alphas_.numel()));
    for (float& g : noise) {
      const double u = std::max(rng.UniformReal(), 1e-20);
      g = static_cast<float>(-std::log(-std::log(u) + 1e-20));
    }
    const auto gumbel = torch::from_blob(noise.data(), alphas_.sizes(), torch::kFloat32)
                            .clone()
                            .to(alphas_.device());
    const auto probs = torch::softmax((torch::log_softmax(alphas_, 1) + gumbel) / tau, 1);
    const auto index = probs.argmax(1);
    const auto hard = torch::zeros_like(probs).scatter_(1, index.unsqueeze(1), 1.0);
    const auto weights = hard - probs.detach() + probs;
    std::vector<int> ops;
    const auto cpu = index.cpu();
    for (std::int64_t e = 0; e < cpu.size(0); ++e) ops.push_back(cpu[e].item<int>());
    context_.supernet.SetPath(
        {.kind = SupernetPath::Kind::kSampled, .ops = std::move(ops), .weights = weights});
  }
};

// DARTS-PT (Wang, Cheng, Chen, Tang & Hsieh, "Rethinking architecture selection in
// differentiable NAS", ICLR 2021, Algorithm 1): the supernet trained by first-order DARTS; then,
// edge by edge in random order, the operation whose removal (its mixture weight set to zero)
// lowers the supernet's validation accuracy the most is kept, the edge becomes that operation
// alone, and the weights are trained `pt_tune_epochs` more epochs with the architecture weights
// fixed.
class DartsPt final : public Darts {
 public:
  DartsPt(const OneShotSettings& settings, const OneShotContext& context)
      : Darts(settings, context) {
    if (context.supernet.ChoosesEdges()) {
      throw ConfigError(
          "darts_pt: naskit implements DARTS-PT's operation selection, which decides a space whose "
          "cells fix their edges (nb201); a space whose cells choose them (darts) also needs the "
          "paper's topology selection");
    }
  }

  std::optional<ArchId> Derive(Rng& rng) override {
    SupernetImpl& supernet = context_.supernet;
    const DatasetSplits& data = context_.data;
    torch::Tensor weights = torch::softmax(alphas_, 1).detach().clone();
    std::vector<std::int64_t> edges(supernet.NumDecisions());
    for (std::size_t e = 0; e < edges.size(); ++e) edges[e] = static_cast<std::int64_t>(e);
    for (std::size_t i = edges.size(); i > 1; --i)
      std::swap(edges[i - 1], edges[rng.UniformInt(i)]);
    for (const std::int64_t e : edges) {
      double worst = INFINITY;
      std::int64_t keep = 0;
      for (std::int64_t op = 0; op < static_cast<std::int64_t>(supernet.NumChoices()); ++op) {
        torch::Tensor masked = weights.clone();
        masked[e][op] = 0;
        Mix(masked);
        const double accuracy = SupernetAccuracy(supernet, data.valid, data.train, 0);
        if (accuracy < worst) {
          worst = accuracy;
          keep = op;
        }
      }
      weights[e].zero_();
      weights[e][keep] = 1;
      std::cerr << fmt::format("darts_pt: edge {} keeps {} (accuracy without it {:.2f}%)\n", e,
                               supernet.ChoiceName(static_cast<std::size_t>(keep)), worst);
      Mix(weights);
      Tune(rng);
    }
    return supernet.Derive(weights);
  }

 private:
  void Tune(Rng& rng) {
    const ImageDataset& train = context_.data.train;
    const std::int64_t batch = settings_.batch_size;
    for (int epoch = 0; epoch < settings_.pt_tune_epochs; ++epoch) {
      std::vector<std::int64_t> order(static_cast<std::size_t>(train.size()));
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
      for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[rng.UniformInt(i)]);
      const auto permutation = torch::from_blob(order.data(), {train.size()}, torch::kInt64)
                                   .clone()
                                   .to(train.images.device());
      for (std::int64_t begin = 0; begin < train.size(); begin += batch) {
        const auto index = permutation.slice(0, begin, std::min(begin + batch, train.size()));
        TrainWeights(context_,
                     {train.images.index_select(0, index), train.labels.index_select(0, index)});
      }
    }
  }
};

}  // namespace

NASKIT_REGISTER_ONE_SHOT(SinglePath, "single_path",
                         "uniform single-path supernet training (RSPS, SPOS); a strategy searches "
                         "the trained supernet");
NASKIT_REGISTER_ONE_SHOT(Darts, "darts",
                         "DARTS: softmax mixtures, first or second order (Liu et al., ICLR 2019)");
NASKIT_REGISTER_ONE_SHOT(Gdas, "gdas",
                         "GDAS: Gumbel-softmax sampled paths (Dong & Yang, CVPR 2019)");
NASKIT_REGISTER_ONE_SHOT(DartsPt, "darts_pt",
                         "DARTS-PT: DARTS, then perturbation-based selection (Wang et al., ICLR "
                         "2021)");

}  // namespace naskit
