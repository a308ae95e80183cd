// What the predictor-guided strategies (bananas, npenas, predictor_evolution) share: the history of
// told signals, a predictor refitted on it, and an acquisition function that ranks candidates.
//
// Acquisition functions over the predictor's mean m and standard deviation s (s = 0 for predictors
// without uncertainty), as BANANAS defines them (White, Neiswanger & Savani, AAAI 2021):
//   its  independent Thompson sampling: one draw from N(m, s^2) per candidate;
//   ucb  m + beta * s;
//   ei   expected improvement over the best signal so far.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/options.h"
#include "predictors/predictor.h"
#include "strategies/search_strategy.h"

namespace naskit::internal {

// A standard normal draw (Box-Muller) from naskit's own stream, identical on every platform.
double StandardNormal(Rng& rng);

// The options every guided strategy declares (`predictor: {name: xgboost, ...}`, `acquisition`).
struct GuideOptions {
  PluginOptions predictor;
  std::string acquisition = "its";
  double ucb_beta = 0.5;

  template <class V>
  void VisitGuide(V& v) {
    v("predictor", predictor, "the predictor that ranks candidates, with its options",
      PluginOf<PredictorRegistry>());
    v("acquisition", acquisition, "its (Thompson sampling), ucb or ei",
      OneOf({"its", "ucb", "ei"}));
    v("ucb_beta", ucb_beta, "weight of the standard deviation in ucb", AtLeast(0));
  }
};

class PredictorGuide {
 public:
  PredictorGuide(const GuideOptions& options, const StrategyContext& context);

  // Models a property of the function a cell computes (its accuracy; not its latency, which
  // differs between isomorphic cells): the predictor is fitted on each told cell's isomorphism
  // class representative, and a candidate isomorphic to told cells is predicted their mean, with
  // no uncertainty.
  void ShareAcrossIsomorphicCells(const SearchSpace& space) { classes_ = &space; }

  void Record(ArchId arch, double signal);
  std::size_t size() const { return archs_.size(); }
  bool Seen(ArchId arch) const;
  // The `k` best told architectures, best first (ties: first told first).
  std::vector<ArchId> Best(std::size_t k) const;

  // Refits the predictor on everything told so far (at least two architectures).
  void Fit(Rng& rng);
  // `candidates` ordered by the acquisition function, best first; draws from `rng` for its.
  std::vector<ArchId> Rank(std::vector<ArchId> candidates, Rng& rng) const;
  // The fitted predictor's predictions (timed as acquisition), for strategies that combine
  // several models.
  Prediction Predict(std::span<const ArchId> candidates) const;
  // Seconds spent in Fit ("fit") and in Rank ("acquisition"): a strategy's Timings().
  std::vector<std::pair<std::string, double>> Timings() const {
    return {{"fit", fit_seconds_}, {"acquisition", acquisition_seconds_}};
  }

 private:
  // What the predictor sees: the architectures, or their class representatives.
  std::vector<ArchId> ModelledArchs(std::span<const ArchId> archs) const;
  // The predictor's prediction, with told classes' means where classes are shared.
  Prediction PredictModelled(std::span<const ArchId> candidates) const;

  GuideOptions options_;
  std::unique_ptr<Predictor> predictor_;
  std::vector<ArchId> archs_;
  std::vector<double> signals_;
  std::unordered_set<ArchId> seen_;
  const SearchSpace* classes_ = nullptr;  // set by ShareAcrossIsomorphicCells
  std::unordered_map<ArchId, std::pair<double, int>> class_told_;  // representative: sum, count
  double fit_seconds_ = 0;
  mutable double acquisition_seconds_ = 0;  // Rank() is const; a strategy is used by one thread
};

// The loop of the batch-guided strategies (bananas, npenas): `initial` distinct random
// architectures; then, whenever the queue is empty and every proposal has been told, refit the
// predictor, rank the strategy's Candidates() and queue the best `batch`. When every candidate was
// already asked (the neighbourhood of the best architectures is exhausted), the candidates are
// mutations of any architecture seen, then random samples: the search never repeats itself.
class GuidedBatchStrategy : public SearchStrategy {
 public:
  GuidedBatchStrategy(const GuideOptions& guide, int initial, int batch,
                      const StrategyContext& context, const char* stream);
  std::vector<Proposal> Ask(std::size_t n) final;
  void Tell(std::span<const Observation> results) final;
  std::vector<std::pair<std::string, double>> Timings() const override { return guide_.Timings(); }

 protected:
  // Unasked candidates for the next batch (after a fit; may draw from rng()).
  virtual std::vector<ArchId> Candidates() = 0;
  // `candidates` best first, after the guide's fit: by the guide's acquisition function unless a
  // strategy combines other models.
  virtual std::vector<ArchId> Rank(std::vector<ArchId> candidates) {
    return guide_.Rank(std::move(candidates), rng_);
  }
  // What the guide learns of a told result: its signal, unless a strategy models another value.
  virtual double Target(const Observation& result) const { return result.signal; }
  // Called for every told result, after the guide has recorded its target.
  virtual void Observed(const Observation& /*result*/) {}
  const SearchSpace& space() const { return space_; }
  const PredictorGuide& guide() const { return guide_; }
  PredictorGuide& mutable_guide() { return guide_; }
  bool Asked(ArchId arch) const { return asked_.contains(arch); }
  Rng& rng() { return rng_; }

 private:
  void Propose(ArchId arch, std::vector<Proposal>& proposals);
  bool Refill();

  const SearchSpace& space_;
  std::size_t fidelity_;
  std::size_t initial_, batch_;
  Rng rng_;
  PredictorGuide guide_;
  PendingProposals pending_;
  std::unordered_set<ArchId> asked_;
  std::size_t initial_asked_ = 0;
  std::vector<ArchId> queue_;  // best last
};

// Up to `n` distinct architectures, none of them told or in `exclude`, each a mutation (one to
// `max_mutations` steps) of a parent drawn uniformly from `parents`.
std::vector<ArchId> MutatedCandidates(const SearchSpace& space, const PredictorGuide& guide,
                                      const std::vector<ArchId>& parents, std::size_t n,
                                      int max_mutations, Rng& rng);

}  // namespace naskit::internal
