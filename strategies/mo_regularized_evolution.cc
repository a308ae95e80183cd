// Multi-objective regularized evolution, as Syne Tune's MOREA adapts Real et al. (AAAI 2019): an
// aging population of the newest `population_size` evaluated architectures, each ranked by a
// multi-objective priority over the whole population; a parent is the best-ranked of
// `sample_size` individuals drawn with replacement, and its child is one mutation. The priority
// is non-dominated sorting, and within a front an epsilon-net order (Salinas, Perrone, Archambeau
// & Cruchant, "A multi-objective perspective on jointly tuning hardware and hyperparameters", NAS
// workshop at ICLR 2021): the point best in the first objective, then repeatedly the one farthest
// from those already ordered, so that a tournament favours the front's sparse regions. Feasible
// architectures rank ahead of infeasible ones, which share the last place.
#include <algorithm>
#include <deque>
#include <limits>

#include "strategies/internal/multi_objective.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct MoRegularizedEvolutionOptions {
  int population_size = 100;
  int sample_size = 10;
  template <class V>
  void Visit(V& v) {
    v("population_size", population_size, "individuals alive at once (first ones are random)",
      AtLeast(1));
    v("sample_size", sample_size, "tournament size: individuals compared to pick a parent",
      AtLeast(1));
  }
};

// The epsilon-net order of `front` (indices into `points`): the best first objective first, then
// repeatedly the point whose nearest ordered point is farthest, distances normalised by each
// objective's range over `points`.
std::vector<std::size_t> EpsilonNetOrder(const std::vector<internal::ToldPoint>& points,
                                         std::vector<std::size_t> front) {
  const std::size_t dims = points.front().objectives.size();
  std::vector<double> low(dims, std::numeric_limits<double>::infinity());
  std::vector<double> high(dims, -std::numeric_limits<double>::infinity());
  for (const auto& p : points) {
    for (std::size_t d = 0; d < dims; ++d) {
      low[d] = std::min(low[d], p.objectives[d]);
      high[d] = std::max(high[d], p.objectives[d]);
    }
  }
  auto distance = [&](std::size_t a, std::size_t b) {
    double sum = 0;
    for (std::size_t d = 0; d < dims; ++d) {
      const double range = high[d] > low[d] ? high[d] - low[d] : 1;
      const double gap = (points[a].objectives[d] - points[b].objectives[d]) / range;
      sum += gap * gap;
    }
    return sum;
  };
  std::vector<std::size_t> order;
  const auto first = std::max_element(front.begin(), front.end(), [&](auto a, auto b) {
    return points[a].objectives[0] < points[b].objectives[0];
  });
  order.push_back(*first);
  front.erase(first);
  std::vector<double> nearest(front.size(), std::numeric_limits<double>::infinity());
  while (!front.empty()) {
    std::size_t best = 0;
    for (std::size_t k = 0; k < front.size(); ++k) {
      nearest[k] = std::min(nearest[k], distance(front[k], order.back()));
      if (nearest[k] > nearest[best]) best = k;
    }
    order.push_back(front[best]);
    front.erase(front.begin() + static_cast<std::ptrdiff_t>(best));
    nearest.erase(nearest.begin() + static_cast<std::ptrdiff_t>(best));
  }
  return order;
}

class MoRegularizedEvolution final : public internal::EvolutionLoop {
 public:
  MoRegularizedEvolution(MoRegularizedEvolutionOptions options, const StrategyContext& context)
      : EvolutionLoop(static_cast<std::size_t>(options.population_size), context, "mo evolution"),
        options_(options) {}

  // As in regularized evolution, a child can equal an earlier architecture.
  bool MayRepeat() const override { return true; }

 private:
  // Waits until the first result is told.
  std::optional<ArchId> Offspring() override {
    if (population_.empty()) return std::nullopt;
    return space().Mutate(population_[Tournament()].arch, rng());
  }

  void Told(std::span<const Observation> results) override {
    for (const auto& r : results) population_.push_back(internal::PointOf(r));
    Prioritise();
    while (population_.size() > static_cast<std::size_t>(options_.population_size)) {
      population_.pop_front();
      priority_.erase(priority_.begin());
    }
  }

  // priority_[i]: the position of population_[i] in the order of fronts, then epsilon-net order.
  void Prioritise() {
    const std::vector<internal::ToldPoint> points(population_.begin(), population_.end());
    const auto ranks = internal::RankPoints(points);
    std::size_t fronts = 0;
    for (const auto& r : ranks) fronts = std::max(fronts, r.front + 1);
    std::vector<std::vector<std::size_t>> members(fronts);
    for (std::size_t i = 0; i < ranks.size(); ++i) members[ranks[i].front].push_back(i);
    priority_.assign(points.size(), 0);
    std::size_t position = 0;
    for (auto& front : members) {
      if (!points[front.front()].feasible) {  // the infeasible ones share the last place
        for (std::size_t i : front) priority_[i] = position;
        break;
      }
      for (std::size_t i : EpsilonNetOrder(points, std::move(front))) priority_[i] = position++;
    }
  }

  // The best-priority of `sample_size` individuals drawn with replacement.
  std::size_t Tournament() {
    std::size_t best = rng().UniformInt(population_.size());
    for (int i = 1; i < options_.sample_size; ++i) {
      const std::size_t candidate = rng().UniformInt(population_.size());
      if (priority_[candidate] < priority_[best]) best = candidate;
    }
    return best;
  }

  MoRegularizedEvolutionOptions options_;
  std::deque<internal::ToldPoint> population_;  // oldest first
  std::vector<std::size_t> priority_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(MoRegularizedEvolution, MoRegularizedEvolutionOptions,
                         "mo_regularized_evolution",
                         "aging evolution ranked by non-dominated sorting and an epsilon-net "
                         "(Syne Tune's MOREA), multi-objective");

}  // namespace naskit
