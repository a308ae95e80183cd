// NSGA-II: Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist multiobjective genetic algorithm:
// NSGA-II", IEEE TEC 2002. A generational evolution over the objective vector: `population_size`
// distinct random architectures, then per generation as many children, each from two parents
// chosen by binary tournaments under the crowded-comparison operator (lower non-dominated front,
// then larger crowding distance), mixed by uniform crossover over the space's decisions with
// probability `crossover_probability` and mutated once by the space's mutation; the next
// population is the best `population_size` of parents and children by the same operator (elitist
// survival). Feasible architectures rank ahead of infeasible ones (the paper's constraint
// handling), which share the last front. A child is re-drawn when it was asked before, so that the
// budget buys new points.
#include "strategies/internal/multi_objective.h"
#include "strategies/search_strategy.h"

#include <algorithm>
#include <numeric>

namespace naskit {
namespace {

struct Nsga2Options {
  int population_size = 20;
  double crossover_probability = 0.5;
  template <class V>
  void Visit(V& v) {
    v("population_size", population_size,
      "architectures per generation (the first are random and distinct)", AtLeast(2));
    v("crossover_probability", crossover_probability,
      "chance that a child mixes its two parents' decisions before its mutation", InRange(0, 1));
  }
};

class Nsga2 final : public internal::EvolutionLoop {
 public:
  Nsga2(Nsga2Options options, const StrategyContext& context)
      : EvolutionLoop(static_cast<std::size_t>(options.population_size), context, "nsga2"),
        options_(options),
        size_(static_cast<std::size_t>(options.population_size)) {}

  // A child may equal an architecture asked before when its neighbourhood is exhausted.
  bool MayRepeat() const override { return true; }

 private:
  // Waits for the first population, or for this generation's children.
  std::optional<ArchId> Offspring() override {
    if (population_.empty() || children_asked_ == size_) return std::nullopt;
    ++children_asked_;
    return Child();
  }

  void Told(std::span<const Observation> results) override {
    for (const auto& r : results) {
      if (population_.empty()) {
        first_.push_back(internal::PointOf(r));
        if (first_.size() == size_) Survive(std::move(first_));
      } else {
        children_.push_back(internal::PointOf(r));
        if (children_.size() == size_) {
          std::vector<internal::ToldPoint> merged = std::move(population_);
          merged.insert(merged.end(), children_.begin(), children_.end());
          children_.clear();
          children_asked_ = 0;
          Survive(std::move(merged));
        }
      }
    }
  }

  // The next population: the best `size_` distinct architectures of `candidates`.
  void Survive(std::vector<internal::ToldPoint> candidates) {
    std::unordered_set<ArchId> unique;
    std::erase_if(candidates, [&](const auto& p) { return !unique.insert(p.arch).second; });
    const auto ranks = internal::RankPoints(candidates);
    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return internal::CrowdedBetter(ranks[a], ranks[b]);
    });
    order.resize(std::min(order.size(), size_));
    population_.clear();
    ranks_.clear();
    for (std::size_t i : order) {
      population_.push_back(std::move(candidates[i]));
      ranks_.push_back(ranks[i]);
    }
  }

  std::size_t Tournament() {
    const std::size_t a = rng().UniformInt(population_.size());
    const std::size_t b = rng().UniformInt(population_.size());
    return internal::CrowdedBetter(ranks_[b], ranks_[a]) ? b : a;
  }

  ArchId Child() {
    ArchId child = population_[Tournament()].arch;
    const ArchId other = population_[Tournament()].arch;
    if (rng().UniformReal() < options_.crossover_probability) {
      child = internal::UniformCrossover(space(), child, other, rng());
    }
    return internal::FreshMutation(space(), child, asked(), rng());
  }

  Nsga2Options options_;
  std::size_t size_;
  std::vector<internal::ToldPoint> first_;       // the first population as it is told
  std::vector<internal::ToldPoint> population_;  // the survivors, best first
  std::vector<internal::ParetoRank> ranks_;      // theirs, from the survival that chose them
  std::vector<internal::ToldPoint> children_;    // this generation's, as they are told
  std::size_t children_asked_ = 0;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(Nsga2, Nsga2Options, "nsga2",
                         "NSGA-II: non-dominated sorting and crowding distance, multi-objective "
                         "(Deb et al., IEEE TEC 2002)");

}  // namespace naskit
