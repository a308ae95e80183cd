// Predictor-guided local search: the hill climb of local search (White, Nolen, Kumar & Sebastian,
// UAI 2021) whose neighbours are evaluated in the order a predictor ranks them (XGBoost by default,
// refitted every `refit_every` evaluations), `step` at a time: the climb moves as soon as an
// evaluated neighbour improves, so a good ranking saves most of each neighbourhood's queries. As in
// predictor-guided evolution (White et al., "How Powerful are Performance Predictors in Neural
// Architecture Search?", NeurIPS 2021, section 6), the predictor only filters; every move is
// decided by evaluated signals. Before the first fit the order is random.
#include "strategies/internal/local_search_base.h"
#include "strategies/internal/predictor_guide.h"

namespace naskit {
namespace {

struct PredictorLocalSearchOptions : internal::GuideOptions {
  int num_init = 10, step = 1, refit_every = 10;
  PredictorLocalSearchOptions() { predictor = {"xgboost", {}}; }
  template <class V>
  void Visit(V& v) {
    v("num_init", num_init,
      "random architectures evaluated before (and at each restart of) the climb", AtLeast(1));
    v("step", step, "best-ranked neighbours evaluated before the climb decides whether to move",
      AtLeast(1));
    v("refit_every", refit_every, "evaluations between two fits of the predictor", AtLeast(1));
    VisitGuide(v);
  }
};

class PredictorLocalSearch final : public internal::LocalSearchBase {
 public:
  PredictorLocalSearch(const PredictorLocalSearchOptions& options, const StrategyContext& context)
      : LocalSearchBase(options.num_init, context, "predictor local search"),
        options_(options),
        guide_(options, context) {}

 private:
  std::vector<ArchId> Order(std::vector<ArchId> neighbours) override {
    if (guide_.size() >= 2 &&
        (fitted_at_ == 0 ||
         guide_.size() >= fitted_at_ + static_cast<std::size_t>(options_.refit_every))) {
      guide_.Fit(rng());
      fitted_at_ = guide_.size();
    }
    if (fitted_at_ == 0 || neighbours.empty()) return Shuffled(std::move(neighbours));
    auto ranked = guide_.Rank(std::move(neighbours), rng());
    return {ranked.rbegin(), ranked.rend()};  // the best evaluated first
  }
  std::size_t StepSize() const override { return static_cast<std::size_t>(options_.step); }
  void Observed(ArchId arch, double signal) override { guide_.Record(arch, signal); }
  std::vector<std::pair<std::string, double>> Timings() const override { return guide_.Timings(); }

  PredictorLocalSearchOptions options_;
  internal::PredictorGuide guide_;
  std::size_t fitted_at_ = 0;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    PredictorLocalSearch, PredictorLocalSearchOptions, "predictor_local_search",
    "local search evaluating neighbours in a predictor's order (NeurIPS 2021)");

}  // namespace naskit
