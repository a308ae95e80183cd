// Successive halving over the benchmark's fidelities (Jamieson & Talwalkar, AISTATS 2016; the
// synchronous form used inside Hyperband, Li et al., JMLR 2018): brackets of eta^(R-1) random cells
// start at the lowest fidelity and the best 1/eta move up a rung until the highest; new brackets
// follow until the budget is spent. Each evaluation is charged in full (no warm start from a lower
// rung), as tabular benchmarks simulate it.
#include "strategies/internal/halving_bracket.h"

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

class SuccessiveHalving final : public internal::BracketStrategy {
 public:
  SuccessiveHalving(SuccessiveHalvingOptions options, const StrategyContext& context)
      : BracketStrategy(context, "sh"), options_(options) {
    if (static_cast<std::size_t>(options_.min_fidelity) > top_) {
      throw ConfigError("strategy \"successive_halving\": option \"min_fidelity\" must be <= " +
                        std::to_string(top_) + ", the signal's fidelity index (got " +
                        std::to_string(options_.min_fidelity) + ")");
    }
  }

 private:
  std::unique_ptr<internal::HalvingBracket> NewBracket() override {
    const auto first = static_cast<std::size_t>(options_.min_fidelity);
    return std::make_unique<internal::HalvingBracket>(
        SampleCells(internal::BracketSize(top_ - first + 1, options_.eta)), first, top_,
        options_.eta);
  }

  SuccessiveHalvingOptions options_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    SuccessiveHalving, SuccessiveHalvingOptions, "successive_halving",
    "successive halving over the benchmark's epochs (Jamieson & Talwalkar, 2016)");

}  // namespace naskit
