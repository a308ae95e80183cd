// Random scalarisations of the objective vector, as ParEGO draws them (Knowles, "ParEGO: a hybrid
// algorithm with on-line landscape approximation for expensive multiobjective optimization
// problems", IEEE TEC 2006): each proposal draws a weight vector uniformly from the simplex and
// scores every told feasible architecture by the augmented Tchebycheff function
//   max_j w_j d_j + rho * sum_j w_j d_j,
// d_j being the architecture's distance to the best told value of objective j, normalised by the
// told range; the best-scored architecture is mutated into the proposal. ParEGO fits a model to
// the scalarised values and maximises its expected improvement; here the scalarisation chooses a
// parent instead (a model-free variant whose weights sweep the front). `initial` distinct random
// architectures come first.
#include <algorithm>
#include <limits>

#include "strategies/internal/multi_objective.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct RandomScalarizationOptions {
  int initial = 10;
  double rho = 0.05;
  template <class V>
  void Visit(V& v) {
    v("initial", initial, "distinct random architectures before the first scalarisation",
      AtLeast(1));
    v("rho", rho, "weight of the augmenting sum in the Tchebycheff function (Knowles: 0.05)",
      InRange(0, 1));
  }
};

class RandomScalarization final : public internal::EvolutionLoop {
 public:
  RandomScalarization(RandomScalarizationOptions options, const StrategyContext& context)
      : EvolutionLoop(static_cast<std::size_t>(options.initial), context, "scalarization"),
        options_(options) {}

  // The mutation of the chosen parent repeats an earlier architecture only when every try did.
  bool MayRepeat() const override { return true; }

 private:
  // Waits until something is told to scalarise.
  std::optional<ArchId> Offspring() override {
    if (told_.empty()) return std::nullopt;
    return internal::FreshMutation(space(), told_[Parent()].arch, asked(), rng());
  }

  void Told(std::span<const Observation> results) override {
    for (const auto& r : results) told_.push_back(internal::PointOf(r));
  }

  // The told architecture with the best (lowest) scalarisation under fresh random weights; any
  // told one while none is feasible.
  std::size_t Parent() {
    const std::size_t dims = told_.front().objectives.size();
    const std::vector<double> weights = internal::RandomWeights(dims, rng());
    std::vector<double> best(dims, -std::numeric_limits<double>::infinity());
    std::vector<double> worst(dims, std::numeric_limits<double>::infinity());
    for (const auto& p : told_) {
      if (!p.feasible) continue;
      for (std::size_t d = 0; d < dims; ++d) {
        best[d] = std::max(best[d], p.objectives[d]);
        worst[d] = std::min(worst[d], p.objectives[d]);
      }
    }
    std::size_t parent = rng().UniformInt(told_.size());
    double parent_score = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < told_.size(); ++i) {
      if (!told_[i].feasible) continue;
      const double score =
          internal::AugmentedTchebycheff(told_[i].objectives, weights, best, worst, options_.rho);
      if (score < parent_score) {
        parent = i;
        parent_score = score;
      }
    }
    return parent;
  }

  RandomScalarizationOptions options_;
  std::vector<internal::ToldPoint> told_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(RandomScalarization, RandomScalarizationOptions, "random_scalarization",
                         "mutates the best cell under a random augmented Tchebycheff weighting "
                         "per proposal (ParEGO's scalarisations, Knowles 2006), multi-objective");

}  // namespace naskit
