// One bracket of successive halving (Jamieson & Talwalkar, "Non-stochastic Best Arm Identification
// and Hyperparameter Optimization", AISTATS 2016), shared by the successive_halving and hyperband
// strategies: evaluate every candidate at the bracket's first rung, keep the best 1/eta by signal,
// evaluate those at the next rung, and so on up to the last rung. Rung r is fidelity index r of the
// strategy context (its epochs), so the rungs are the benchmark's recorded training lengths.
#pragma once

#include <optional>
#include <vector>

#include "strategies/search_strategy.h"

namespace naskit::internal {

class HalvingBracket {
 public:
  HalvingBracket(std::vector<ArchId> candidates, std::size_t first_rung, std::size_t last_rung,
                 double eta);

  // The next evaluation, or nullopt while the rung awaits results or once the bracket is finished.
  std::optional<Proposal> Next();
  // A result for a proposal this bracket made; others are ignored (returns false).
  bool Record(const Observation& observation);
  bool Finished() const { return finished_; }

 private:
  void Promote();

  std::vector<ArchId> rung_candidates_;
  std::vector<std::optional<double>> rung_signals_;
  std::size_t rung_, last_rung_, asked_ = 0, told_ = 0;
  double eta_;
  bool finished_ = false;
};

// How many candidates a bracket starting `rungs` rungs below the top needs: ceil(eta^(rungs - 1)) *
// scale.
std::size_t BracketSize(std::size_t rungs, double eta, double scale = 1.0);

}  // namespace naskit::internal
