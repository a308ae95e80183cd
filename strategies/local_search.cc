// Local search: White, Nolen, Kumar & Sebastian, "Exploring the Loss Landscape in Neural
// Architecture Search", UAI 2021 (first as "Local Search is State of the Art for NAS Benchmarks",
// 2020). Start from the best of `num_init` random architectures, evaluate its whole neighbourhood
// (in random order), move to the best neighbour if it improves, and restart from a random
// architecture at a local optimum.
#include <algorithm>
#include <unordered_map>

#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct LocalSearchOptions {
  int num_init = 10;
  template <class V>
  void Visit(V& v) {
    v("num_init", num_init,
      "random architectures evaluated before (and at each restart of) the climb", AtLeast(1));
  }
};

class LocalSearch final : public SearchStrategy {
 public:
  LocalSearch(LocalSearchOptions options, const StrategyContext& context)
      : options_(options),
        space_(context.space),
        fidelity_(context.default_fidelity),
        rng_(context.rng.Derive("local_search")) {}

  std::vector<Proposal> Ask(std::size_t n) override {
    std::vector<Proposal> proposals;
    while (proposals.size() < n && known_.size() + pending_.size() < space_.Size()) {
      if (queue_.empty() && pending_.size() == 0) Advance();
      if (queue_.empty()) break;  // waiting for results of the current neighbourhood
      const ArchId arch = queue_.back();
      queue_.pop_back();
      if (known_.contains(arch) || asked_.contains(arch)) continue;
      asked_[arch] = true;
      proposals.push_back({arch, fidelity_});
      pending_.Add(proposals.back());
    }
    return proposals;
  }

  void Tell(std::span<const Observation> results) override {
    for (const auto& r : results) {
      pending_.Resolve(r.proposal);
      known_[r.proposal.arch] = r.signal;
      asked_.erase(r.proposal.arch);
    }
  }

 private:
  // Decides what to evaluate next once everything asked has been told.
  void Advance() {
    if (!has_current_) {
      if (restart_pending_) {
        // The random starts have been evaluated: climb from the best of them.
        current_ = BestOf(starts_);
        has_current_ = true;
        restart_pending_ = false;
        QueueNeighbours();
        return;
      }
      starts_.clear();
      while (starts_.size() < static_cast<std::size_t>(options_.num_init) &&
             known_.size() + starts_.size() < space_.Size()) {
        const ArchId a = space_.Sample(rng_);
        if (std::find(starts_.begin(), starts_.end(), a) == starts_.end()) starts_.push_back(a);
      }
      queue_.assign(starts_.rbegin(), starts_.rend());
      restart_pending_ = !starts_.empty();
      return;
    }
    const auto neighbours = space_.Neighbours(current_);
    const ArchId best = BestOf(neighbours);
    if (known_.at(best) > known_.at(current_)) {
      current_ = best;
      QueueNeighbours();
    } else {
      has_current_ = false;  // local optimum: restart
      Advance();
    }
  }

  void QueueNeighbours() {
    auto neighbours = space_.Neighbours(current_);
    for (std::size_t i = neighbours.size(); i > 1; --i) {  // Fisher-Yates with our own stream
      std::swap(neighbours[i - 1], neighbours[rng_.UniformInt(i)]);
    }
    queue_.assign(neighbours.begin(), neighbours.end());
    if (std::all_of(queue_.begin(), queue_.end(), [&](ArchId a) { return known_.contains(a); })) {
      queue_.clear();
      Advance();
    }
  }

  ArchId BestOf(const std::vector<ArchId>& archs) const {
    ArchId best = archs.front();
    for (ArchId a : archs) {
      if (known_.at(a) > known_.at(best)) best = a;
    }
    return best;
  }

  LocalSearchOptions options_;
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  std::unordered_map<ArchId, double> known_;
  std::unordered_map<ArchId, bool> asked_;
  std::vector<ArchId> queue_;  // evaluated from the back
  std::vector<ArchId> starts_;
  ArchId current_ = 0;
  bool has_current_ = false;
  bool restart_pending_ = false;
  PendingProposals pending_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    LocalSearch, LocalSearchOptions, "local_search",
    "hill climbing over one-edge neighbours with random restarts (White et al., 2020)");

}  // namespace naskit
