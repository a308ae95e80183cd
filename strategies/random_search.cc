// Random search: uniform sampling without repeats. The baseline every NAS paper reports (Li &
// Talwalkar, "Random Search and Reproducibility for Neural Architecture Search", UAI 2019).
#include <unordered_set>

#include "strategies/search_strategy.h"

namespace naskit {
namespace {

class RandomSearch final : public SearchStrategy {
 public:
  RandomSearch(NoOptions, const StrategyContext& context)
      : space_(context.space),
        fidelity_(context.default_fidelity),
        rng_(context.rng.Derive("sample")) {}

  std::vector<Proposal> Ask(std::size_t n) override {
    std::vector<Proposal> proposals;
    while (proposals.size() < n && seen_.size() < space_.Size()) {
      const ArchId arch = space_.Sample(rng_);
      if (!seen_.insert(arch).second) continue;
      proposals.push_back({arch, fidelity_});
      pending_.Add(proposals.back());
    }
    return proposals;
  }

  void Tell(std::span<const Observation> results) override {
    for (const auto& r : results) pending_.Resolve(r.proposal);
  }

 private:
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  std::unordered_set<ArchId> seen_;
  PendingProposals pending_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(RandomSearch, NoOptions, "random",
                         "uniform random sampling without repeats");

}  // namespace naskit
