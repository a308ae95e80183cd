// Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A Novel Bandit-Based
// Approach to Hyperparameter Optimization", JMLR 2018): successive-halving brackets that trade the
// number of cells against their starting fidelity, from the most aggressive (all rungs) to plain
// evaluation at the highest fidelity, cycled until the budget is spent. Rungs are the benchmark's
// recorded epochs; bracket s starts s rungs below the top with ceil((s_max + 1) / (s + 1) * eta^s)
// cells.
#include <memory>

#include "strategies/internal/halving_bracket.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct HyperbandOptions {
  double eta = 3;
  template <class V>
  void Visit(V& v) {
    v("eta", eta, "keep the best 1/eta of each rung", InRange(1.5, 100));
  }
};

class Hyperband final : public SearchStrategy {
 public:
  Hyperband(HyperbandOptions options, const StrategyContext& context)
      : options_(options),
        space_(context.space),
        top_(context.default_fidelity),
        next_s_(context.default_fidelity),
        rng_(context.rng.Derive("hyperband")) {}

  std::vector<Proposal> Ask(std::size_t n) override {
    std::vector<Proposal> proposals;
    while (proposals.size() < n) {
      if (!bracket_ || bracket_->Finished()) NewBracket();
      auto next = bracket_->Next();
      if (!next) break;
      proposals.push_back(*next);
      pending_.Add(*next);
    }
    return proposals;
  }

  void Tell(std::span<const Observation> results) override {
    for (const auto& r : results) {
      pending_.Resolve(r.proposal);
      bracket_->Record(r);
    }
  }

  bool MayRepeat() const override { return true; }

 private:
  void NewBracket() {
    const std::size_t s = next_s_;
    next_s_ = s == 0 ? top_ : s - 1;  // s_max, ..., 0, then again
    const double scale = static_cast<double>(top_ + 1) / static_cast<double>(s + 1);
    std::vector<ArchId> candidates;
    for (std::size_t i = 0, size = internal::BracketSize(s + 1, options_.eta, scale); i < size;
         ++i) {
      candidates.push_back(space_.Sample(rng_));
    }
    bracket_ = std::make_unique<internal::HalvingBracket>(std::move(candidates), top_ - s, top_,
                                                          options_.eta);
  }

  HyperbandOptions options_;
  const SearchSpace& space_;
  std::size_t top_, next_s_;
  Rng rng_;
  std::unique_ptr<internal::HalvingBracket> bracket_;
  PendingProposals pending_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    Hyperband, HyperbandOptions, "hyperband",
    "Hyperband: successive-halving brackets over the benchmark's epochs (Li et al., JMLR 2018)");

}  // namespace naskit
