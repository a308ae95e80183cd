// What a search is asked to find, with no benchmark in it: the space, the fidelities a strategy may
// ask for, the objectives with their directions, the constraints and the held-out report values.
//
// A tabular benchmark is one way to answer a SearchProblem (PreparedSearch builds one from a suite
// experiment and checks it against the file); a surrogate, a real training or an analytic test
// function are others. The search loop (search_loop.h) and the evaluators see only this.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "spaces/search_space.h"

namespace naskit {

class Scalarization;
class ZeroCostMeter;

// One quantity a search optimises: `metric` measured on `on` (a dataset or a device) after
// `epochs` epochs (0 where the metric has no training length, e.g. a latency), with its direction.
struct Objective {
  std::string metric;
  std::string on;
  int epochs = 0;
  bool minimize = false;

  // Higher is better: the value as strategies are told it.
  double Oriented(double value) const { return minimize ? -value : value; }
  // "valid_accuracy on cifar10 at 12 epochs (maximise)", for messages and result files.
  std::string Text() const;
};

struct SearchProblem {
  const SearchSpace* space = nullptr;
  // Training lengths (epochs) at which the objectives can be observed, ascending; single-fidelity
  // strategies ask at `default_fidelity`, whose values choose the incumbent.
  std::vector<int> fidelities{0};
  std::size_t default_fidelity = 0;
  // The first is the signal single-objective strategies are told; several make a multi-objective
  // problem, whose run keeps a Pareto archive (search_loop.h).
  std::vector<Objective> objectives;
  // Null: single-objective strategies are told the first objective, oriented. Otherwise they are
  // told this function of the whole vector, which also chooses the incumbent (e.g. MnasNet's
  // reward of accuracy and latency; experiments/scalarization.h).
  std::shared_ptr<const Scalarization> scalarization;
  // As written (e.g. "latency_ms on pixel3 <= 10"); the evaluator says whether an architecture
  // satisfies them.
  std::vector<std::string> constraints;
  // The held-out values recorded for the incumbent (e.g. "test_accuracy on cifar100"): never told
  // to a strategy.
  std::vector<std::string> reports;
  // What an infeasible architecture is told, oriented (a death penalty, so that strategies learn
  // to avoid infeasible regions without knowing the bounds). NaN: the worst value told so far.
  double infeasible_signal = NAN;
};

// How much a run may spend, and how many evaluations it keeps in flight.
struct SearchBudget {
  // "queries", "seconds", or "epochs" (trained: evaluators that train); the last two are a clock.
  std::string unit = "queries";
  double amount = 100;
  // Evaluations in flight at once: strategies are asked for as many proposals as workers are free.
  std::size_t workers = 1;
  // A repeat of an (architecture, fidelity) already evaluated costs and counts as the first did
  // (NB201's paper charged re-trainings); its values still come from the cache.
  bool charge_repeats = false;
  // Seconds spent before the first evaluation (scoring a warm start's pool).
  double start_seconds = 0;
  // The zero-cost scores the strategy's predictors read (`zc:` features), counted by the meter,
  // cost `seconds_per_score` each of a seconds budget, before the proposals they chose start.
  // Negative: not said, an error once a score is read under a seconds budget.
  const ZeroCostMeter* zero_cost_meter = nullptr;
  double seconds_per_score = -1;
};

}  // namespace naskit
