// The evaluator interface: what answers "how good is this architecture at this fidelity, and what
// did finding out cost" for a search run.
//
// A run talks to its evaluator only; strategies never see it. TabularEvaluator looks the answer up
// in a benchmark and charges the recorded (or modelled) training seconds, so simulated time is
// exact. A surrogate evaluator (a fitted predictor answering for architectures no table holds) and
// a training evaluator (a LibTorch job whose seconds are real) implement the same interface.
#pragma once

#include <optional>
#include <string>

#include "core/rng.h"
#include "strategies/search_strategy.h"

namespace naskit {

class PreparedSearch;

struct Evaluation {
  double signal = 0;   // the search signal in its own units (not oriented)
  double seconds = 0;  // what the evaluation costs in the run's budget (0 for query budgets)
  bool modelled_cost = false;      // the seconds are a model's estimate, not a record
  std::optional<std::size_t> row;  // the benchmark row, for evaluators backed by a table
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Throws DataError when the proposal cannot be answered (an architecture the benchmark does not
  // hold, a value that was never measured). Not const: an evaluation may draw from the run's
  // random stream (a training seed). One evaluator per run.
  virtual Evaluation Evaluate(const Proposal& proposal) = 0;
};

// Answers from the benchmark of a PreparedSearch, which must outlive it. With the setting
// `signal_seed: random` each evaluation reads the signal of one recorded training seed, drawn from
// `rng` (NAS-Bench-201's is_random=True); otherwise the mean over seeds.
class TabularEvaluator final : public Evaluator {
 public:
  TabularEvaluator(const PreparedSearch& search, Rng rng) : search_(search), rng_(rng) {}
  Evaluation Evaluate(const Proposal& proposal) override;

 private:
  const PreparedSearch& search_;
  Rng rng_;
};

}  // namespace naskit
