// The hill climb that `local_search` and `predictor_local_search` share (White, Nolen, Kumar &
// Sebastian, "Exploring the Loss Landscape in Neural Architecture Search", UAI 2021): start from
// the best of `num_init` random architectures, evaluate the neighbourhood of the current
// architecture, move to the best neighbour if it improves, restart from random architectures at a
// local optimum.
//
// Subclasses choose the order in which neighbours are evaluated and how many at a time (StepSize):
// after each step the climb moves if an evaluated neighbour improves, so ordering the neighbours
// well (by a predictor) saves the rest of the neighbourhood's queries. StepSize() == 0 evaluates
// the whole neighbourhood before deciding: the paper's local search.
#pragma once

#include <unordered_map>
#include <vector>

#include "strategies/search_strategy.h"

namespace naskit::internal {

class LocalSearchBase : public SearchStrategy {
 public:
  LocalSearchBase(int num_init, const StrategyContext& context, const char* stream);
  std::vector<Proposal> Ask(std::size_t n) final;
  void Tell(std::span<const Observation> results) final;

 protected:
  // The neighbours of the current architecture in the order they are to be evaluated, the first
  // last.
  virtual std::vector<ArchId> Order(std::vector<ArchId> neighbours) = 0;
  // Neighbours evaluated before the climb decides whether to move; 0: all of them.
  virtual std::size_t StepSize() const = 0;
  // Called for every told result, before the climb looks at it.
  virtual void Observed(ArchId /*arch*/, double /*signal*/) {}

  // Fisher-Yates with the strategy's own stream.
  std::vector<ArchId> Shuffled(std::vector<ArchId> archs);
  const SearchSpace& space() const { return space_; }
  Rng& rng() { return rng_; }

 private:
  void Advance();
  void StartClimbAt(ArchId arch);
  bool QueueNextStep();  // false: every neighbour is evaluated
  ArchId BestKnown(const std::vector<ArchId>& archs) const;

  int num_init_;
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  std::unordered_map<ArchId, double> known_;
  std::unordered_map<ArchId, bool> asked_;
  std::vector<ArchId> queue_;    // evaluated from the back
  std::vector<ArchId> untried_;  // neighbours of current_ not yet queued, next last
  std::vector<ArchId> starts_;
  ArchId current_ = 0;
  bool has_current_ = false;
  bool restart_pending_ = false;
  PendingProposals pending_;
};

}  // namespace naskit::internal
