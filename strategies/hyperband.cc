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
      : BracketStrategy(context, "hyperband"), options_(options), next_s_(top_) {}

 private:
  std::unique_ptr<internal::HalvingBracket> NewBracket() override {
    const std::size_t s = next_s_;
    next_s_ = s == 0 ? top_ : s - 1;  // s_max, ..., 0, then again
    const double scale = static_cast<double>(top_ + 1) / static_cast<double>(s + 1);
    return std::make_unique<internal::HalvingBracket>(
        SampleCells(internal::BracketSize(s + 1, options_.eta, scale)), top_ - s, top_,
        options_.eta);
  }

  HyperbandOptions options_;
  std::size_t next_s_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    Hyperband, HyperbandOptions, "hyperband",
    "Hyperband: successive-halving brackets over the benchmark's epochs (Li et "
    "al., JMLR 2018)");

}  // namespace naskit
