// The multi-objective strategies' shared ranking and variation; see multi_objective.h.
#include "strategies/internal/multi_objective.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace naskit::internal {

ToldPoint PointOf(const Observation& observation) {
  ToldPoint point{observation.proposal.arch,
                  {observation.objectives.begin(), observation.objectives.end()},
                  observation.feasible};
  if (point.objectives.empty()) point.objectives = {observation.signal};
  return point;
}

namespace {

// The feasible points' positions in `points` and their objective vectors.
struct FeasiblePoints {
  std::vector<std::size_t> members;
  ObjectivePoints values;
};

FeasiblePoints Feasible(const std::vector<ToldPoint>& points) {
  FeasiblePoints feasible;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!points[i].feasible) continue;
    feasible.members.push_back(i);
    feasible.values.push_back(points[i].objectives);
  }
  return feasible;
}

}  // namespace

std::vector<ParetoRank> RankPoints(const std::vector<ToldPoint>& points) {
  std::vector<ParetoRank> ranks(points.size());
  const auto [members, values] = Feasible(points);
  const auto fronts = NonDominatedSort(values);
  for (std::size_t f = 0; f < fronts.size(); ++f) {
    const auto crowding = CrowdingDistance(values, fronts[f]);
    for (std::size_t k = 0; k < fronts[f].size(); ++k) {
      ranks[members[fronts[f][k]]] = {f, crowding[k]};
    }
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!points[i].feasible) ranks[i] = {fronts.size(), 0};
  }
  return ranks;
}

bool CrowdedBetter(const ParetoRank& a, const ParetoRank& b) {
  return a.front != b.front ? a.front < b.front : a.crowding > b.crowding;
}

std::vector<std::size_t> FeasibleFront(const std::vector<ToldPoint>& points) {
  const auto [members, values] = Feasible(points);
  std::vector<std::size_t> front;
  for (std::size_t k : NonDominated(values)) front.push_back(members[k]);
  return front;
}

ArchId FreshMutation(const SearchSpace& space, ArchId parent, std::unordered_set<ArchId>& asked,
                     Rng& rng, int tries) {
  std::optional<ArchId> first;
  for (int i = 0; i < tries; ++i) {
    const ArchId child = space.Mutate(parent, rng);
    if (!first) first = child;
    if (asked.insert(child).second) return child;
  }
  if (asked.size() < space.Size()) {
    for (int i = 0; i < tries; ++i) {
      const ArchId sample = space.Sample(rng);
      if (asked.insert(sample).second) return sample;
    }
  }
  return *first;
}

std::vector<double> RandomWeights(std::size_t dims, Rng& rng) {
  std::vector<double> weights(dims);
  double total = 0;
  for (double& w : weights) total += w = -std::log(1 - rng.UniformReal());
  for (double& w : weights) w /= total;
  return weights;
}

double AugmentedTchebycheff(std::span<const double> point, std::span<const double> weights,
                            std::span<const double> best, std::span<const double> worst,
                            double rho) {
  double max_term = 0, sum = 0;
  for (std::size_t d = 0; d < point.size(); ++d) {
    const double range = best[d] > worst[d] ? best[d] - worst[d] : 1;
    const double term = weights[d] * (best[d] - point[d]) / range;
    max_term = std::max(max_term, term);
    sum += term;
  }
  return max_term + rho * sum;
}

ArchId UniformCrossover(const SearchSpace& space, ArchId a, ArchId b, Rng& rng) {
  std::vector<int> choices = space.ToChoices(a);
  const std::vector<int> other = space.ToChoices(b);
  for (std::size_t d = 0; d < choices.size() && d < other.size(); ++d) {
    if (rng.UniformInt(2) == 1) choices[d] = other[d];
  }
  return space.FromChoices(choices).value_or(a);
}

EvolutionLoop::EvolutionLoop(std::size_t initial, const StrategyContext& context,
                             const char* stream)
    : space_(context.space),
      fidelity_(context.default_fidelity),
      rng_(context.rng.Derive(stream)),
      initial_(initial) {}

std::vector<Proposal> EvolutionLoop::Ask(std::size_t n) {
  std::vector<Proposal> proposals;
  for (std::size_t i = 0; i < n; ++i) {
    std::optional<ArchId> arch;
    if (!initial_.complete()) {
      arch = initial_.Sample(space_, rng_);
      asked_.insert(*arch);
    } else {
      arch = Offspring();
      if (!arch) break;
    }
    proposals.push_back({*arch, fidelity_});
    pending_.Add(proposals.back());
  }
  return proposals;
}

void EvolutionLoop::Tell(std::span<const Observation> results) {
  for (const auto& r : results) pending_.Resolve(r.proposal);
  Told(results);
}

}  // namespace naskit::internal
