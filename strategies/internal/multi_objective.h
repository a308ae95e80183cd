// What the multi-objective strategies (nsga2, mo_regularized_evolution, random_scalarization,
// pareto_local_search, predictor_pareto) share: the oriented objective vectors they were told,
// ranked by Pareto dominance with feasible architectures always ahead of infeasible ones (Deb et
// al.'s constraint-domination, NSGA-II §VI), and mutations that avoid what was asked before.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <unordered_set>
#include <vector>

#include "core/pareto.h"
#include "core/rng.h"
#include "strategies/internal/aging_population.h"
#include "strategies/search_strategy.h"

namespace naskit::internal {

// One told architecture: its objectives oriented (higher is better) and whether it was feasible.
struct ToldPoint {
  ArchId arch = 0;
  std::vector<double> objectives;
  bool feasible = true;
};

// The observation's objective vector, oriented; the signal alone where the caller gave none.
ToldPoint PointOf(const Observation& observation);

// Per point: its non-dominated-sorting front (0 best) and its crowding distance within that front
// (Deb et al. 2002). Infeasible points share one front after every feasible one, with crowding 0:
// strategies do not see by how much a cell violates a constraint (Deb's tie-breaker), and ranking
// them by their objectives would lead away from the feasible region as often as towards it.
struct ParetoRank {
  std::size_t front = 0;
  double crowding = 0;
};
std::vector<ParetoRank> RankPoints(const std::vector<ToldPoint>& points);

// Whether rank `a` is better than `b`: a lower front, then a larger crowding distance (NSGA-II's
// crowded-comparison operator).
bool CrowdedBetter(const ParetoRank& a, const ParetoRank& b);

// The non-dominated feasible points among `points` (indices, ascending).
std::vector<std::size_t> FeasibleFront(const std::vector<ToldPoint>& points);

// A child of `parent` that was not asked before: up to `tries` mutations (each starting from
// `parent`), then a random sample not asked before; `parent`'s mutation if everything tried was
// asked (a repeat, answered from the run's cache). Records the child in `asked`.
ArchId FreshMutation(const SearchSpace& space, ArchId parent, std::unordered_set<ArchId>& asked,
                     Rng& rng, int tries = 20);

// A weight vector drawn uniformly from the simplex (normalised exponential draws).
std::vector<double> RandomWeights(std::size_t dims, Rng& rng);

// ParEGO's augmented Tchebycheff function (Knowles, IEEE TEC 2006), lower is better:
// max_j w_j d_j + rho * sum_j w_j d_j, where d_j = (best_j - point_j) / (best_j - worst_j) is the
// point's normalised distance to the best value of objective j (oriented: higher is better).
double AugmentedTchebycheff(std::span<const double> point, std::span<const double> weights,
                            std::span<const double> best, std::span<const double> worst,
                            double rho);

// Uniform crossover of two parents over the space's decisions (each decision from either parent
// with equal probability); `a` where the space cannot build the mix (a graph that is not valid).
ArchId UniformCrossover(const SearchSpace& space, ArchId a, ArchId b, Rng& rng);

// The ask/tell loop of the multi-objective evolutions (nsga2, mo_regularized_evolution,
// random_scalarization): `initial` distinct random architectures first, then whatever Offspring()
// returns (nullopt: nothing until results in flight are told). Every architecture asked is in
// asked(), for FreshMutation.
class EvolutionLoop : public SearchStrategy {
 public:
  EvolutionLoop(std::size_t initial, const StrategyContext& context, const char* stream);
  std::vector<Proposal> Ask(std::size_t n) final;
  void Tell(std::span<const Observation> results) final;

 protected:
  virtual std::optional<ArchId> Offspring() = 0;
  // The results of one Tell(), after their proposals are resolved.
  virtual void Told(std::span<const Observation> results) = 0;
  const SearchSpace& space() const { return space_; }
  Rng& rng() { return rng_; }
  std::unordered_set<ArchId>& asked() { return asked_; }

 private:
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  InitialPopulation initial_;
  std::unordered_set<ArchId> asked_;
  PendingProposals pending_;
};

}  // namespace naskit::internal
