// Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A Novel Bandit-Based
// Approach to Hyperparameter Optimization", JMLR 2018): successive-halving brackets that trade the
// number of cells against their starting fidelity, from the most aggressive (all rungs) to plain
// evaluation at the highest fidelity, cycled until the budget is spent. Rungs are the benchmark's
// recorded epochs; bracket s starts s rungs below the top with ceil((s_max + 1) / (s + 1) * eta^s)
// cells.
#include "strategies/internal/halving_bracket.h"

namespace naskit {
namespace {

struct HyperbandOptions {
  double eta = 3;
  template <class V>
  void Visit(V& v) {
    v("eta", eta, "keep the best 1/eta of each rung", InRange(1.5, 100));
  }
};

class Hyperband final : public internal::BracketStrategy {
 public:
  Hyperband(HyperbandOptions options, const StrategyContext& context)
      : BracketStrategy(context, "hyperband"), options_(options), cycle_(top_, options.eta) {}

 private:
  std::unique_ptr<internal::HalvingBracket> NewBracket() override {
    const auto bracket = cycle_.Next();
    return std::make_unique<internal::HalvingBracket>(SampleCells(bracket.cells),
                                                      bracket.first_rung, top_, options_.eta);
  }

  HyperbandOptions options_;
  internal::HyperbandCycle cycle_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    Hyperband, HyperbandOptions, "hyperband",
    "Hyperband: successive-halving brackets over the benchmark's epochs (Li et "
    "al., JMLR 2018)");

}  // namespace naskit
