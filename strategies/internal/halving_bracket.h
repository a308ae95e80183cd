// One bracket of successive halving (Jamieson & Talwalkar, "Non-stochastic Best Arm Identification
// and Hyperparameter Optimization", AISTATS 2016), shared by the successive_halving and hyperband
// strategies: evaluate every candidate at the bracket's first rung, keep the best 1/eta by signal,
// evaluate those at the next rung, and so on up to the last rung. Rung r is fidelity index r of the
// strategy context (its epochs), so the rungs are the benchmark's recorded training lengths.
#pragma once

#include <memory>
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

// The ask/tell loop of strategies made of successive-halving brackets: each asks the current
// bracket for evaluations and starts a new bracket (NewBracket) when one finishes.
class BracketStrategy : public SearchStrategy {
 public:
  std::vector<Proposal> Ask(std::size_t n) override;
  void Tell(std::span<const Observation> results) override;
  bool MayRepeat() const override { return true; }  // a new bracket may draw a cell seen before

 protected:
  BracketStrategy(const StrategyContext& context, const std::string& stream);
  virtual std::unique_ptr<HalvingBracket> NewBracket() = 0;
  std::vector<ArchId> SampleCells(std::size_t n);

  const SearchSpace& space_;
  std::size_t top_;  // the signal's fidelity index: the last rung

 private:
  Rng rng_;
  std::unique_ptr<HalvingBracket> bracket_;
  PendingProposals pending_;
};

// How many candidates a bracket starting `rungs` rungs below the top needs: ceil(eta^(rungs - 1)) *
// scale.
std::size_t BracketSize(std::size_t rungs, double eta, double scale = 1.0);

// Hyperband's cycle of brackets (Li et al., JMLR 2018), shared with BOHB: bracket s starts s rungs
// below the top with ceil((s_max + 1) / (s + 1) * eta^s) cells, for s = s_max, ..., 0, and again.
class HyperbandCycle {
 public:
  HyperbandCycle(std::size_t top, double eta) : top_(top), eta_(eta), next_s_(top) {}
  struct Bracket {
    std::size_t cells, first_rung;
  };
  Bracket Next() {
    const std::size_t s = next_s_;
    next_s_ = s == 0 ? top_ : s - 1;
    const double scale = static_cast<double>(top_ + 1) / static_cast<double>(s + 1);
    return {BracketSize(s + 1, eta_, scale), top_ - s};
  }

 private:
  std::size_t top_;
  double eta_;
  std::size_t next_s_;
};

}  // namespace naskit::internal
