// Predictor-guided regularized evolution (White et al., "How Powerful are Performance Predictors in
// Neural Architecture Search?", NeurIPS 2021, section 6): aging evolution (Real et al., AAAI 2019)
// whose child is not one random mutation of the tournament winner but the best of `candidates`
// mutations by a predictor (XGBoost by default), refitted every `refit_every` evaluations. With
// `candidates: 1` it is regularized evolution.
#include "strategies/internal/aging_population.h"
#include "strategies/internal/predictor_guide.h"

namespace naskit {
namespace {

struct PredictorEvolutionOptions : internal::GuideOptions {
  int population_size = 10, sample_size = 3, candidates = 10, refit_every = 10;
  PredictorEvolutionOptions() { predictor = {"xgboost", {}}; }
  template <class V>
  void Visit(V& v) {
    v("population_size", population_size, "individuals alive at once (first ones are random)",
      AtLeast(2));
    v("sample_size", sample_size, "tournament size: individuals compared to pick a parent",
      AtLeast(1));
    v("candidates", candidates, "mutations of the parent the predictor chooses among", AtLeast(1));
    v("refit_every", refit_every, "evaluations between two fits of the predictor", AtLeast(1));
    VisitGuide(v);
  }
};

class PredictorEvolution final : public SearchStrategy {
 public:
  PredictorEvolution(const PredictorEvolutionOptions& options, const StrategyContext& context)
      : options_(options),
        space_(context.space),
        fidelity_(context.default_fidelity),
        rng_(context.rng.Derive("predictor evolution")),
        guide_(options, context),
        population_(static_cast<std::size_t>(options.population_size)),
        initial_(static_cast<std::size_t>(options.population_size)) {}

  std::vector<Proposal> Ask(std::size_t n) override {
    std::vector<Proposal> proposals;
    for (std::size_t i = 0; i < n; ++i) {
      ArchId arch;
      if (!initial_.complete()) {
        arch = initial_.Sample(space_, rng_);
      } else if (population_.empty()) {
        break;  // the initial population has not been told yet
      } else {
        arch = Child();
      }
      proposals.push_back({arch, fidelity_});
      pending_.Add(proposals.back());
    }
    return proposals;
  }

  void Tell(std::span<const Observation> results) override {
    for (const auto& r : results) {
      pending_.Resolve(r.proposal);
      guide_.Record(r.proposal.arch, r.signal);
      population_.Add(r.proposal.arch, r.signal);
    }
  }

  bool MayRepeat() const override { return true; }
  std::vector<std::pair<std::string, double>> Timings() const override { return guide_.Timings(); }

 private:
  ArchId Child() {
    const ArchId parent = population_.Tournament(options_.sample_size, rng_);
    if (guide_.size() >= fitted_at_ + static_cast<std::size_t>(options_.refit_every) ||
        (fitted_at_ == 0 && guide_.size() >= 2)) {
      guide_.Fit(rng_);
      fitted_at_ = guide_.size();
    }
    auto candidates = internal::MutatedCandidates(
        space_, guide_, {parent}, static_cast<std::size_t>(options_.candidates), 1, rng_);
    // Every mutation already seen: a plain one, as aging evolution would make.
    if (candidates.empty() || fitted_at_ == 0) return space_.Mutate(parent, rng_);
    return guide_.Rank(std::move(candidates), rng_).front();
  }

  PredictorEvolutionOptions options_;
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  internal::PredictorGuide guide_;
  PendingProposals pending_;
  internal::AgingPopulation population_;
  internal::InitialPopulation initial_;
  std::size_t fitted_at_ = 0;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(PredictorEvolution, PredictorEvolutionOptions, "predictor_evolution",
                         "regularized evolution choosing each child by a predictor (NeurIPS 2021)");

}  // namespace naskit
