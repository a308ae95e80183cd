// The search-strategy interface: ask/tell, so that the loop (budget, recording, checkpoints) stays
// in experiments/ and the same strategy runs against a table lookup or real training.
//
// A strategy sees only the search signal (e.g. 12-epoch validation accuracy, higher is better) of
// the architectures it asked for; it never sees the report metric. It must be deterministic given
// its context's Rng.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "core/rng.h"
#include "spaces/search_space.h"

namespace naskit {

class TabularBenchmark;
class ZeroCostMeter;

// One evaluation request: an architecture at a fidelity (an index into
// StrategyContext::fidelities).
struct Proposal {
  ArchId arch = 0;
  std::size_t fidelity = 0;
  bool operator==(const Proposal&) const = default;
};

struct Observation {
  Proposal proposal;
  // The first objective, oriented so that higher is better (a death penalty when infeasible): what
  // single-objective strategies optimise.
  double signal = 0;
  // Every objective's value, oriented as the signal is (higher is better: a minimised objective,
  // such as a latency, is negated), also when infeasible; valid during Tell() only; empty where
  // the caller has only the signal (then the signal is the one objective). For multi-objective
  // strategies.
  std::span<const double> objectives{};
  bool feasible = true;
};

struct StrategyContext {
  const SearchSpace& space;
  // Training lengths (epochs) at which the signal can be observed, ascending. Single-fidelity
  // strategies ask at `default_fidelity`; multi-fidelity ones may ask at any.
  std::vector<int> fidelities;
  std::size_t default_fidelity = 0;
  Rng rng;
  // What a benchmark provides beside its metrics, for guided strategies' predictors to use as
  // features (`features: [onehot, zc:synflow]`, predictors/features.h): its features/ and
  // hardware/ tables for `dataset`. Null without a benchmark.
  const TabularBenchmark* benchmark = nullptr;
  std::string dataset{};
  // Counts the zero-cost scores the strategy's predictors read, which the loop charges under a
  // seconds budget; null when nobody counts.
  ZeroCostMeter* zero_cost_meter = nullptr;
};

class SearchStrategy {
 public:
  static constexpr const char* kKind = "strategy";
  virtual ~SearchStrategy() = default;

  // Proposes up to `n` (>= 1) evaluations (more is an error). May return fewer, and returns none
  // only when the strategy has nothing left to propose. Proposes an (arch, fidelity) it has already
  // been told about only if MayRepeat() (the run answers such repeats from its cache).
  virtual std::vector<Proposal> Ask(std::size_t n) = 0;
  // Results for proposals returned by Ask(), in any order. Throws std::logic_error for a proposal
  // that was never asked or is told twice.
  virtual void Tell(std::span<const Observation> results) = 0;
  // Whether the algorithm, as published, may propose an architecture again (aging evolution's child
  // can equal an earlier one; a policy can sample the same cell twice).
  virtual bool MayRepeat() const { return false; }
  // Wall-clock seconds spent so far in the costly named parts of Ask and Tell ("fit",
  // "acquisition"), for the run's timing; strategies without such parts report none.
  virtual std::vector<std::pair<std::string, double>> Timings() const { return {}; }
};

// Book-keeping every strategy needs: which proposals await a Tell, which (arch, fidelity) were
// seen.
class PendingProposals {
 public:
  void Add(const Proposal& p) { pending_.push_back(p); }
  // Removes `p` from the pending list; throws std::logic_error if it was never asked or told twice.
  void Resolve(const Proposal& p);
  std::size_t size() const { return pending_.size(); }

 private:
  std::vector<Proposal> pending_;
};

using StrategyRegistry = Registry<SearchStrategy, const StrategyContext&>;

#define NASKIT_REGISTER_STRATEGY(Class, Options, key, summary)            \
  static const bool naskit_registered_strategy_##Class [[maybe_unused]] = \
      ::naskit::StrategyRegistry::Global().Register<Class, Options>(key, summary)

}  // namespace naskit
