// The registered scalarisations (experiments/scalarization.h).
#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"
#include "experiments/scalarization.h"

namespace naskit {
namespace {

struct MnasNetRewardOptions {
  double target = 0;
  double alpha = -0.07, beta = -0.07;
  int accuracy = 0, latency = 1;
  template <class V>
  void Visit(V& v) {
    v("target", target, "the latency target T, in the latency objective's units",
      Required(InRange(1e-12, 1e12)));
    v("alpha", alpha, "the exponent w while the latency is at most T (soft: -0.07; hard: 0)",
      InRange(-100, 100));
    v("beta", beta, "the exponent w above T (soft: -0.07; hard: -1)", InRange(-100, 100));
    v("accuracy", accuracy, "the position of the accuracy among the objectives", InRange(0, 7));
    v("latency", latency, "the position of the latency among the objectives", InRange(0, 7));
  }
};

// MnasNet's reward (Tan et al., "MnasNet: Platform-aware neural architecture search for mobile",
// CVPR 2019, Eq. 2): ACC(m) x [LAT(m) / T]^w, with w = alpha while LAT(m) <= T and beta above;
// the paper's soft constraint takes alpha = beta = -0.07.
class MnasNetReward final : public Scalarization {
 public:
  MnasNetReward(MnasNetRewardOptions options, const ScalarizationContext& context)
      : options_(options) {
    const auto& objectives = context.objectives;
    const auto n = static_cast<int>(objectives.size());
    if (options.accuracy >= n || options.latency >= n || options.accuracy == options.latency) {
      throw ConfigError(fmt::format(
          "scalarization \"mnasnet\": accuracy and latency must name two different objectives "
          "of the {} the experiment has (positions {} and {}); give the latency in `objectives`",
          n, options.accuracy, options.latency));
    }
    const Objective& accuracy = objectives[static_cast<std::size_t>(options.accuracy)];
    const Objective& latency = objectives[static_cast<std::size_t>(options.latency)];
    if (accuracy.minimize || !latency.minimize) {
      throw ConfigError("scalarization \"mnasnet\": expected a maximised accuracy (" +
                        accuracy.Text() + ") and a minimised latency (" + latency.Text() + ")");
    }
  }

  double Signal(std::span<const double> objectives) const override {
    const double accuracy = objectives[static_cast<std::size_t>(options_.accuracy)];
    const double latency = objectives[static_cast<std::size_t>(options_.latency)];
    const double w = latency <= options_.target ? options_.alpha : options_.beta;
    return accuracy * std::pow(latency / options_.target, w);
  }

 private:
  MnasNetRewardOptions options_;
};

}  // namespace

NASKIT_REGISTER_SCALARIZATION(MnasNetReward, MnasNetRewardOptions, "mnasnet",
                              "MnasNet's reward: accuracy x (latency / target)^w (Tan et al., "
                              "CVPR 2019)");

}  // namespace naskit
