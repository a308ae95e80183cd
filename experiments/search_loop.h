// The one search loop: a strategy against an evaluator, on a SearchProblem, under a budget.
//
// The loop owns the bookkeeping, so that no strategy or evaluator can get it wrong:
// - the budget: at most `amount` queries are started, whatever `workers` is; a seconds budget
//   starts no evaluation once the clock has reached it (an epochs budget likewise, its clock
//   counting epochs trained) (those in flight still finish and count);
// - the repeat cache: an (architecture, fidelity) is evaluated once; a repeat is answered from the
//   cache (after the first evaluation finishes, if it is still in flight), free or, with
//   charge_repeats, occupying a worker for the recorded cost;
// - the clock: with a seconds budget, zero-cost scores a strategy reads to choose its proposals
//   (SearchBudget::seconds_per_score) delay them;
// - the incumbent: the feasible architecture with the best signal (the first objective by its
//   direction, or the problem's scalarisation of the objectives) at
//   the default fidelity, first found wins ties; with several objectives, also the Pareto archive
//   of the non-dominated feasible architectures evaluated at the default fidelity.
// Strategies are told the first objective, oriented (higher is better), or the problem's death
// penalty for an infeasible architecture, and the whole objective vector, oriented, beside it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiments/evaluator.h"
#include "experiments/search_problem.h"
#include "strategies/search_strategy.h"

namespace naskit {

// A run records every query; more than this would take gigabytes for one run.
inline constexpr std::size_t kMaxQueriesPerRun = 1'000'000;

struct RunTrace {
  // One entry per counted query (a charged repeat is one, a free repeat is not), in the order the
  // evaluations finished.
  std::vector<ArchId> arch;           // the queried architecture
  std::vector<std::size_t> fidelity;  // at which fidelity (index into SearchProblem::fidelities)
  std::vector<float> signal;          // its first objective, in its own units
  std::vector<double> seconds;  // the clock when the query finished (0 throughout for queries)
  // With several objectives: every query's objective values (empty otherwise).
  std::vector<ObjectiveValues> objectives;
  // The incumbent after this query; nullopt while no query at the default fidelity (and, with
  // constraints, no feasible one) was made.
  std::vector<std::optional<ArchId>> incumbent;
  std::vector<std::vector<float>> report;  // [report][query]: the incumbent's report value
  // With several objectives: the final Pareto archive, as indices of queries, ascending.
  std::vector<std::size_t> pareto;
  std::size_t modelled_cost_queries = 0;
  // Zero-cost scores the strategy's predictors read, charged under a seconds budget.
  std::size_t zero_cost_scores = 0;
  std::size_t free_repeats = 0;
  // Failed evaluations (a diverged training, a dead worker): the query's position and why. They
  // count and cost as queries; the strategy is told the death penalty.
  std::vector<std::pair<std::size_t, std::string>> failures;
  std::size_t reused_evaluations = 0;  // Evaluator::ReusedEvaluations
  bool stalled = false;                // the strategy stopped proposing new architectures
  // Wall-clock seconds of the whole run (strategy, queries and book-keeping), and of its named
  // parts: the strategy's (SearchStrategy::Timings: fit, acquisition) and the evaluator's (query).
  double wall_seconds = 0;
  std::vector<std::pair<std::string, double>> part_seconds;
};

// Runs `strategy` (built on `problem`'s space and fidelities) against `evaluator` until the budget
// is spent or the strategy has nothing left to propose. Throws std::logic_error when the strategy
// returns more proposals than it was asked for.
RunTrace RunSearch(const SearchProblem& problem, const SearchBudget& budget, Evaluator& evaluator,
                   SearchStrategy& strategy);

}  // namespace naskit
