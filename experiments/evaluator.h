// The evaluator interface: what answers "how good is this architecture at this fidelity, and what
// did finding out cost" for a search run, asynchronously.
//
// The search loop (search_loop.h) submits proposals and collects completions in the order they
// finish; it owns the budget, the repeat cache and the incumbent, and strategies never see the
// evaluator. Evaluators are plugins: registered with NASKIT_REGISTER_EVALUATOR, configured through
// their options' Visit(), listed by `naskit list evaluators` and chosen in a suite experiment by
// `evaluator: {name: tabular}`. One is built per run.
//
// Evaluators that answer at once (a table lookup, a surrogate's prediction, an analytic function)
// derive from SimulatedEvaluator, whose clock is simulated and exact: an evaluation started at time
// t finishes at t + its cost. An evaluator whose evaluations take real time (a training) implements
// Submit/Collect itself and reports the real clock; the loop is the same.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <queue>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "core/rng.h"
#include "experiments/search_problem.h"
#include "strategies/search_strategy.h"

namespace naskit {

class PreparedSearch;

// The objective values of one evaluation, one per SearchProblem objective, in their own units (not
// oriented). Held inline: a table lookup must not allocate.
class ObjectiveValues {
 public:
  static constexpr std::size_t kMax = 8;
  ObjectiveValues() = default;
  ObjectiveValues(std::initializer_list<double> values);
  void push_back(double value);  // throws ConfigError past kMax
  std::size_t size() const { return size_; }
  double operator[](std::size_t i) const { return values_[i]; }
  std::span<const double> view() const { return {values_.data(), size_}; }

 private:
  std::array<double, kMax> values_{};
  std::size_t size_ = 0;
};

// One finished evaluation.
struct Completion {
  Proposal proposal;
  ObjectiveValues objectives;
  double seconds = 0;          // what it costs in the run's budget (0 for query budgets)
  double finished_at = 0;      // the run's clock when it finished (simulated or real seconds)
  bool modelled_cost = false;  // the seconds are a model's estimate, not a record
  bool feasible = true;        // the architecture satisfies the problem's constraints
  // The evaluation failed (a training that diverged, a worker that died): no values, infeasible,
  // and `failure` says why. The search goes on; the run records it.
  bool failed = false;
  std::string failure{};
};

// What an evaluator is built from for one run.
struct EvaluatorContext {
  const SearchProblem& problem;
  // The benchmark-backed preparation of the experiment (tables, cost models, fitted surrogates);
  // null when the suite names no benchmark.
  const PreparedSearch* search = nullptr;
  // The run's seed (an evaluator derives its own streams from it) and the clock's start.
  std::uint64_t seed = 0;
  double start_seconds = 0;
  // The budget's unit: what a Completion's cost is counted in ("epochs": epochs trained).
  std::string budget_unit = "queries";
  // The suite's results folder, where an evaluator keeps what outlives a run (trainings); empty
  // outside a suite.
  std::string work_dir{};
};

class Evaluator {
 public:
  static constexpr const char* kKind = "evaluator";
  virtual ~Evaluator() = default;

  // Starts evaluating `proposal`. Throws DataError when it cannot be answered (an architecture the
  // benchmark does not hold, a value never measured).
  virtual void Submit(const Proposal& proposal) = 0;
  // Occupies a worker for a charged repeat: finishes after `recorded.seconds` with `recorded`'s
  // values, without evaluating again.
  virtual void Replay(const Completion& recorded) = 0;
  // Waits until at least one submitted or replayed evaluation has finished and appends those
  // finished to `out`, in the order they finished. Called only while some are in flight.
  virtual void Collect(std::vector<Completion>& out) = 0;
  // The held-out report values of an architecture the run chose as its incumbent, one per
  // SearchProblem::reports. Strategies never see them.
  virtual std::vector<float> Report(ArchId arch) const = 0;
  // The search spent `seconds` of the run's time outside evaluations (computing zero-cost scores)
  // before its next submission: a simulated clock moves on; a real one already has.
  virtual void AdvanceClock(double /*seconds*/) {}
  // Seconds spent in named parts of answering (e.g. "query": a surrogate's predictions), for the
  // run's timings; a table lookup takes microseconds and reports none.
  virtual std::vector<std::pair<std::string, double>> Timings() const { return {}; }
  // Evaluations answered from what an earlier run (or this run before it was interrupted) kept,
  // not computed again: a resumed real-training search reuses its finished trainings.
  virtual std::size_t ReusedEvaluations() const { return 0; }
  // Architectures the evaluator's own method recommends (a one-shot method's derived cell): the
  // run's strategy samples them first, as it would a warm start's picks (experiments/
  // warm_start.h), so that random search with a budget of one query returns the method's cell.
  // Called once, before the first Submit; may do the work that finds them (train a supernet),
  // which a constructor must not: the suite builds every evaluator once, up front, as a check.
  virtual std::vector<ArchId> StartingPoints() { return {}; }
};

// An evaluator that answers at once, on a simulated clock: an evaluation submitted at the time of
// the last completion finishes after its cost; completions come out by finishing time, ties in the
// order they were submitted. With one worker this is the sequential loop.
class SimulatedEvaluator : public Evaluator {
 public:
  explicit SimulatedEvaluator(double start_seconds) : clock_(start_seconds) {}
  void Submit(const Proposal& proposal) final { Start(Answer(proposal)); }
  void Replay(const Completion& recorded) final { Start(recorded); }
  void Collect(std::vector<Completion>& out) final;
  void AdvanceClock(double seconds) final { clock_ += seconds; }

 protected:
  // The values and cost of `proposal` (finished_at is set here).
  virtual Completion Answer(const Proposal& proposal) = 0;

 private:
  struct Pending {
    Completion completion;
    std::size_t order;
    bool operator>(const Pending& o) const;
  };
  void Start(Completion completion);

  double clock_;
  std::size_t submitted_ = 0;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
};

using EvaluatorRegistry = Registry<Evaluator, const EvaluatorContext&>;

#define NASKIT_REGISTER_EVALUATOR(Class, Options, key, summary)            \
  static const bool naskit_registered_evaluator_##Class [[maybe_unused]] = \
      ::naskit::EvaluatorRegistry::Global().Register<Class, Options>(key, summary)

}  // namespace naskit
