// Pareto local search (Paquete, Chiarandini & Stützle, "Pareto local optimum sets in the
// biobjective traveling salesman problem: an experimental study", Metaheuristics for
// Multiobjective Optimisation, 2004): keep the non-dominated set of the feasible architectures
// told; take one of its members not yet explored (drawn at random), evaluate every neighbour of it
// not asked before, and repeat; the set changes as the neighbours are told. When every member is
// explored, a random architecture not asked before restarts the search. `initial` distinct random
// architectures come first.
#include <algorithm>
#include <optional>

#include "strategies/internal/multi_objective.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct ParetoLocalSearchOptions {
  int initial = 10;
  template <class V>
  void Visit(V& v) {
    v("initial", initial, "distinct random architectures before the first exploration", AtLeast(1));
  }
};

class ParetoLocalSearch final : public SearchStrategy {
 public:
  ParetoLocalSearch(ParetoLocalSearchOptions options, const StrategyContext& context)
      : options_(options),
        space_(context.space),
        fidelity_(context.default_fidelity),
        rng_(context.rng.Derive("pareto local search")) {}

  std::vector<Proposal> Ask(std::size_t n) override {
    std::vector<Proposal> proposals;
    while (proposals.size() < n) {
      std::optional<ArchId> arch;
      if (initial_asked_ < static_cast<std::size_t>(options_.initial)) {
        arch = Fresh();
        ++initial_asked_;
      } else if (!queue_.empty()) {
        arch = queue_.back();
        queue_.pop_back();
        if (!asked_.insert(*arch).second) continue;
      } else if (!QueueNeighbours()) {
        // Every member explored: wait for what is in flight, which may join the set, else restart.
        if (pending_.size() > 0) break;
        arch = Fresh();
      } else {
        continue;
      }
      if (!arch) break;  // every architecture of the space was asked
      proposals.push_back({*arch, fidelity_});
      pending_.Add(proposals.back());
    }
    return proposals;
  }

  void Tell(std::span<const Observation> results) override {
    for (const auto& r : results) {
      pending_.Resolve(r.proposal);
      told_.push_back(internal::PointOf(r));
    }
  }

 private:
  // A random architecture not asked before; nullopt when the space seems exhausted.
  std::optional<ArchId> Fresh() {
    for (int i = 0; i < 1000 && asked_.size() < space_.Size(); ++i) {
      const ArchId arch = space_.Sample(rng_);
      if (asked_.insert(arch).second) return arch;
    }
    return std::nullopt;
  }

  // Queues the unasked neighbours of an unexplored member of the non-dominated set, in random
  // order; false when every member is explored.
  bool QueueNeighbours() {
    std::vector<ArchId> unexplored;
    for (std::size_t i : internal::FeasibleFront(told_)) {
      if (!explored_.contains(told_[i].arch)) unexplored.push_back(told_[i].arch);
    }
    if (unexplored.empty()) return false;
    const ArchId member = unexplored[rng_.UniformInt(unexplored.size())];
    explored_.insert(member);
    for (ArchId neighbour : space_.Neighbours(member)) {
      if (!asked_.contains(neighbour)) queue_.push_back(neighbour);
    }
    for (std::size_t i = queue_.size(); i > 1; --i) {  // Fisher-Yates
      std::swap(queue_[i - 1], queue_[rng_.UniformInt(i)]);
    }
    return true;
  }

  ParetoLocalSearchOptions options_;
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  std::size_t initial_asked_ = 0;
  std::vector<internal::ToldPoint> told_;
  std::unordered_set<ArchId> asked_, explored_;
  std::vector<ArchId> queue_;  // evaluated from the back
  PendingProposals pending_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(ParetoLocalSearch, ParetoLocalSearchOptions, "pareto_local_search",
                         "explores the neighbourhoods of the non-dominated set (Paquete et al., "
                         "2004), multi-objective");

}  // namespace naskit
