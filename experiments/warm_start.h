// Zero-cost warm start (Abdelfattah, Mehrotra, Dudziak & Lane, "Zero-Cost Proxies for Lightweight
// NAS", ICLR 2021, section 5): score `pool` random architectures with a zero-cost proxy the
// benchmark stores, and let the search start from the `top` best of them. An experiment names it:
//
//   warm_start: {proxy: zc:synflow, pool: 1000, top: 10, seconds_per_score: 0}
//
// `proxy` is one feature token (zc:NAME, params, flops; predictors/features.h): the proxy is an
// allowed signal, never a benchmark metric, and a higher score ranks first. The pool is drawn
// uniformly, per run, among the architectures of the search space the benchmark holds a score
// for (NAS-Bench-Suite-Zero's zero-cost tables cover 491 NB201 cells: the pool is at most those).
// Scoring is free by default; `seconds_per_score` charges each scored architecture that many
// simulated seconds before the first query (seconds budgets only).
//
// How strategies receive the picks: the run hands them a WarmStartSpace, whose first `top` calls
// to Sample() return the picks, best first, and then sample as usual. So every strategy that
// starts from random samples starts from the picks instead: random search evaluates them first,
// regularized evolution, predictor-guided evolution, npenas and bananas take them as their
// initial population, the local searches climb from the best of them, and successive halving,
// Hyperband and BOHB put them in their first bracket. REINFORCE samples from its policy, not from
// the space, and is unaffected (the paper pre-trains the policy on the proxy instead, which naskit
// does not do).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.h"
#include "spaces/delegating_space.h"

namespace naskit {

class TabularBenchmark;

struct WarmStartSettings {
  std::string proxy;  // empty: no warm start
  int pool = 1000;
  int top = 10;
  double seconds_per_score = 0;

  template <class V>
  void Visit(V& v) {
    v("proxy", proxy, "the score that ranks the pool, higher first: zc:NAME, params or flops",
      Required());
    v("pool", pool, "random architectures scored", InRange(1, 1e8));
    v("top", top, "the best of them, the strategy's first samples", InRange(1, 1e6));
    v("seconds_per_score", seconds_per_score,
      "simulated seconds charged per score (seconds budgets only)", InRange(0, 1e9));
  }
};

// The architectures of `domain` (those the search may propose) that `benchmark` holds a finite
// `settings.proxy` score for on `dataset`, with their scores. Throws ConfigError naming the proxy
// when it is not a single score or no architecture has one.
std::vector<std::pair<ArchId, double>> WarmStartCandidates(const TabularBenchmark& benchmark,
                                                           const SearchSpace& space,
                                                           std::span<const ArchId> domain,
                                                           const std::string& dataset,
                                                           const WarmStartSettings& settings);

// The `top` best-scoring of `pool` candidates drawn without replacement with `rng`, best first
// (ties: the one drawn first).
std::vector<ArchId> WarmStartPicks(const std::vector<std::pair<ArchId, double>>& candidates,
                                   const WarmStartSettings& settings, Rng rng);

// `space`, whose first Sample() calls return `picks` in order. One per run: not thread-safe.
class WarmStartSpace final : public DelegatingSpace {
 public:
  WarmStartSpace(const SearchSpace& space, std::vector<ArchId> picks)
      : DelegatingSpace(space), picks_(std::move(picks)) {}
  ArchId Sample(Rng& rng) const override {
    return next_ < picks_.size() ? picks_[next_++] : inner().Sample(rng);
  }

 private:
  std::vector<ArchId> picks_;
  mutable std::size_t next_ = 0;
};

}  // namespace naskit
