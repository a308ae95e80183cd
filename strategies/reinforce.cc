// REINFORCE (Williams, "Simple Statistical Gradient-Following Algorithms for Connectionist
// Reinforcement Learning", Machine Learning 1992) as used for NAS by Zoph & Le (ICLR 2017), in the
// form NAS-Bench-201 / NATS-Bench benchmark it: an independent softmax policy per decision (edge),
// the reward is the search signal, an exponential-moving-average baseline (momentum 0.9), and Adam
// on the policy logits. The default learning rate is NATS-Bench's (`exps/NATS-algos/reinforce.py`,
// 0.01); NB201's documented command used 0.5, which only works with the per-seed noise of its
// signal (BENCHMARKS.md compares both).
#include <cmath>

#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct ReinforceOptions {
  double learning_rate = 0.01;
  double baseline_momentum = 0.9;
  double init_scale = 1e-3;
  template <class V>
  void Visit(V& v) {
    v("learning_rate", learning_rate, "Adam step size on the policy logits", InRange(1e-8, 10));
    v("baseline_momentum", baseline_momentum, "momentum of the moving-average reward baseline",
      InRange(0, 1));
    v("init_scale", init_scale, "std of the initial logits (NB201: 1e-3)", InRange(0, 1));
  }
};

class Reinforce final : public SearchStrategy {
 public:
  Reinforce(ReinforceOptions options, const StrategyContext& context)
      : options_(options),
        space_(context.space),
        fidelity_(context.default_fidelity),
        rng_(context.rng.Derive("reinforce")) {
    for (std::size_t d = 0; d < space_.NumDecisions(); ++d) {
      std::vector<double> row(space_.NumChoices(d));
      for (auto& x : row) x = options_.init_scale * Gaussian();
      logits_.push_back(row);
      adam_m_.emplace_back(row.size(), 0.0);
      adam_v_.emplace_back(row.size(), 0.0);
    }
  }

  std::vector<Proposal> Ask(std::size_t n) override {
    std::vector<Proposal> proposals;
    // In a constrained space (NB101) a draw may name no architecture: the policy is then the
    // distribution conditioned on validity, sampled by rejection (bounded, so a policy that has
    // collapsed onto invalid choices ends the run instead of hanging it).
    constexpr int kMaxDraws = 10000;
    for (std::size_t i = 0; i < n; ++i) {
      std::optional<ArchId> arch;
      for (int draw = 0; !arch && draw < kMaxDraws; ++draw) {
        std::vector<int> choices;
        for (const auto& row : logits_) {
          const auto p = Softmax(row);
          choices.push_back(static_cast<int>(rng_.Categorical(p)));
        }
        arch = space_.FromChoices(choices);
      }
      if (!arch) break;
      proposals.push_back({*arch, fidelity_});
      pending_.Add(proposals.back());
    }
    return proposals;
  }

  void Tell(std::span<const Observation> results) override {
    for (const auto& r : results) {
      pending_.Resolve(r.proposal);
      UpdateBaseline(r.signal);
      Step(space_.ToChoices(r.proposal.arch), r.signal - Baseline());
    }
  }

  bool MayRepeat() const override { return true; }

 private:
  static std::vector<double> Softmax(const std::vector<double>& row) {
    double max = row[0];
    for (double x : row) max = std::max(max, x);
    std::vector<double> p(row.size());
    double total = 0;
    for (std::size_t i = 0; i < row.size(); ++i) total += p[i] = std::exp(row[i] - max);
    for (auto& x : p) x /= total;
    return p;
  }

  double Gaussian() {  // Box-Muller on our own stream
    const double u = 1.0 - rng_.UniformReal(), v = rng_.UniformReal();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
  }

  // A bias-corrected moving average, as NB201's ExponentialMovingAverage.
  void UpdateBaseline(double reward) {
    const double m = options_.baseline_momentum;
    baseline_numerator_ = m * baseline_numerator_ + (1 - m) * reward;
    baseline_denominator_ = m * baseline_denominator_ + (1 - m);
  }
  double Baseline() const { return baseline_numerator_ / baseline_denominator_; }

  // One Adam step (Kingma & Ba, ICLR 2015) on loss = -log pi(choices) * advantage.
  void Step(const std::vector<int>& choices, double advantage) {
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
    ++steps_;
    const double correction1 = 1 - std::pow(kBeta1, steps_),
                 correction2 = 1 - std::pow(kBeta2, steps_);
    for (std::size_t d = 0; d < logits_.size(); ++d) {
      const auto p = Softmax(logits_[d]);
      for (std::size_t c = 0; c < p.size(); ++c) {
        const double grad = -((static_cast<int>(c) == choices[d] ? 1.0 : 0.0) - p[c]) * advantage;
        adam_m_[d][c] = kBeta1 * adam_m_[d][c] + (1 - kBeta1) * grad;
        adam_v_[d][c] = kBeta2 * adam_v_[d][c] + (1 - kBeta2) * grad * grad;
        logits_[d][c] -= options_.learning_rate * (adam_m_[d][c] / correction1) /
                         (std::sqrt(adam_v_[d][c] / correction2) + kEps);
      }
    }
  }

  ReinforceOptions options_;
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  std::vector<std::vector<double>> logits_, adam_m_, adam_v_;
  double baseline_numerator_ = 0, baseline_denominator_ = 0;
  int steps_ = 0;
  PendingProposals pending_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    Reinforce, ReinforceOptions, "reinforce",
    "policy gradient with a moving-average baseline (Williams 1992; NB201 settings)");

}  // namespace naskit
