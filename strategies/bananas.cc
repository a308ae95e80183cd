// BANANAS: White, Neiswanger & Savani, "BANANAS: Bayesian Optimization with Neural Architectures
// for Neural Architecture Search", AAAI 2021. After `initial` random architectures, each iteration
// fits the predictor (an ensemble of MLPs on the path encoding, as published) on everything seen,
// mutates the best architectures into `candidates`, and proposes the `batch` best by the
// acquisition function (independent Thompson sampling, as published; UCB and EI as options).
// Defaults follow the paper and NASLib (10 initial, 10 per iteration, 100 candidates from the 2
// best, one mutation each).
#include "strategies/internal/predictor_guide.h"

namespace naskit {
namespace {

struct BananasOptions : internal::GuideOptions {
  int initial = 10, batch = 10, candidates = 100, parents = 2, max_mutations = 1;
  BananasOptions() { predictor = {"mlp_ensemble", {}}; }
  template <class V>
  void Visit(V& v) {
    v("initial", initial, "random architectures before the first fit", AtLeast(2));
    v("batch", batch, "architectures proposed per fit (k)", AtLeast(1));
    v("candidates", candidates, "mutations ranked per fit", AtLeast(1));
    v("parents", parents, "best architectures so far that are mutated", AtLeast(1));
    v("max_mutations", max_mutations, "mutation steps per candidate (1 to this)", AtLeast(1));
    VisitGuide(v);
  }
};

class Bananas final : public internal::GuidedBatchStrategy {
 public:
  Bananas(const BananasOptions& options, const StrategyContext& context)
      : GuidedBatchStrategy(options, options.initial, options.batch, context, "bananas"),
        options_(options) {}

 private:
  std::vector<ArchId> Candidates() override {
    return internal::MutatedCandidates(
        space(), guide(), guide().Best(static_cast<std::size_t>(options_.parents)),
        static_cast<std::size_t>(options_.candidates), options_.max_mutations, rng());
  }
  BananasOptions options_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    Bananas, BananasOptions, "bananas",
    "BANANAS: predictor ensemble, Thompson sampling over mutations (AAAI 2021)");

}  // namespace naskit
