// Successive halving over the benchmark's fidelities (Jamieson & Talwalkar, AISTATS 2016; the
// synchronous form used inside Hyperband, Li et al., JMLR 2018): brackets of eta^(R-1) random cells
// start at the lowest fidelity and the best 1/eta move up a rung until the highest; new brackets
// follow until the budget is spent. Each evaluation is charged in full (no warm start from a lower
// rung), as tabular benchmarks simulate it.
#include <memory>

#include "strategies/internal/halving_bracket.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct SuccessiveHalvingOptions {
  double eta = 3;
  int min_fidelity = 0;  // index into the benchmark's epochs
  template <class V>
  void Visit(V& v) {
    v("eta", eta, "keep the best 1/eta of each rung", InRange(1.5, 100));
    v("min_fidelity", min_fidelity, "index of the first rung's epochs in the benchmark's list",
      AtLeast(0));
  }
};

class SuccessiveHalving final : public SearchStrategy {
 public:
  SuccessiveHalving(SuccessiveHalvingOptions options, const StrategyContext& context)
      : options_(options),
        space_(context.space),
        top_(context.default_fidelity),
        rng_(context.rng.Derive("sh")) {
    if (static_cast<std::size_t>(options_.min_fidelity) > top_) {
      throw ConfigError(
          "strategy \"successive_halving\": option \"min_fidelity\" must be <= the signal's "
          "fidelity "
          "index " +
          std::to_string(top_) + " (got " + std::to_string(options_.min_fidelity) + ")");
    }
  }

  std::vector<Proposal> Ask(std::size_t n) override {
    std::vector<Proposal> proposals;
    while (proposals.size() < n) {
      if (!bracket_ || bracket_->Finished()) NewBracket();
      auto next = bracket_->Next();
      if (!next) break;  // the rung awaits results
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

  bool MayRepeat() const override { return true; }  // a new bracket may draw a cell seen before

 private:
  void NewBracket() {
    const std::size_t first = static_cast<std::size_t>(options_.min_fidelity);
    std::vector<ArchId> candidates;
    for (std::size_t i = 0, size = internal::BracketSize(top_ - first + 1, options_.eta); i < size;
         ++i) {
      candidates.push_back(space_.Sample(rng_));
    }
    bracket_ = std::make_unique<internal::HalvingBracket>(std::move(candidates), first, top_,
                                                          options_.eta);
  }

  SuccessiveHalvingOptions options_;
  const SearchSpace& space_;
  std::size_t top_;
  Rng rng_;
  std::unique_ptr<internal::HalvingBracket> bracket_;
  PendingProposals pending_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    SuccessiveHalving, SuccessiveHalvingOptions, "successive_halving",
    "successive halving over the benchmark's epochs (Jamieson & Talwalkar, 2016)");

}  // namespace naskit
