// The evaluator interface: what answers "how good is this architecture at this fidelity, and what
// did finding out cost" for a search run.
//
// A run talks to its evaluator only; strategies never see it. TabularEvaluator looks the answer up
// in a benchmark and charges the recorded (or modelled) training seconds, so simulated time is
// exact. SurrogateEvaluator answers from a predictor fitted on the benchmark's recorded
// architectures, for any architecture of the space. A training evaluator (a LibTorch job whose
// seconds are real) would implement the same interface.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/rng.h"
#include "strategies/search_strategy.h"

namespace naskit {

class PreparedSearch;
struct SearchSurrogate;

struct Evaluation {
  double signal = 0;   // the search signal in its own units (not oriented)
  double seconds = 0;  // what the evaluation costs in the run's budget (0 for query budgets)
  bool modelled_cost = false;  // the seconds are a model's estimate, not a record
  bool feasible = true;        // the architecture satisfies the run's constraints
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Throws DataError when the proposal cannot be answered (an architecture the benchmark does not
  // hold, a value that was never measured). Not const: an evaluation may draw from the run's
  // random stream (a training seed). One evaluator per run.
  virtual Evaluation Evaluate(const Proposal& proposal) = 0;
  // The report metric of an architecture the run chose as its incumbent, one value per report
  // dataset. Held out: strategies never see it.
  virtual std::vector<float> Report(ArchId arch) const = 0;
  // Seconds spent in named parts of answering (e.g. "query": a surrogate's predictions), for the
  // run's timings; a table lookup takes microseconds and reports none.
  virtual std::vector<std::pair<std::string, double>> Timings() const { return {}; }
};

// Answers from the benchmark of a PreparedSearch, which must outlive it. With the setting
// `signal_seed: random` each evaluation reads the signal of one recorded training seed, drawn from
// `rng` (NAS-Bench-201's is_random=True); otherwise the mean over seeds.
class TabularEvaluator final : public Evaluator {
 public:
  TabularEvaluator(const PreparedSearch& search, Rng rng) : search_(search), rng_(rng) {}
  Evaluation Evaluate(const Proposal& proposal) override;
  std::vector<float> Report(ArchId arch) const override;

 private:
  const PreparedSearch& search_;
  Rng rng_;
};

// Answers from the surrogate of a PreparedSearch (PreparedSearch::surrogate()), which must outlive
// it: the signal model's prediction at the proposal's fidelity and, for seconds budgets, the time
// model's (at least the cheapest recorded training).
class SurrogateEvaluator final : public Evaluator {
 public:
  explicit SurrogateEvaluator(const PreparedSearch& search);
  Evaluation Evaluate(const Proposal& proposal) override;
  std::vector<float> Report(ArchId arch) const override;
  std::vector<std::pair<std::string, double>> Timings() const override;

 private:
  const PreparedSearch& search_;
  const SearchSurrogate& surrogate_;
  double query_seconds_ = 0;
};

}  // namespace naskit
