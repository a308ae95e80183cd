// Regularized (aging) evolution: Real, Aggarwal, Huang & Le, "Regularized Evolution for Image
// Classifier Architecture Search", AAAI 2019. Tournament selection of `sample_size` individuals
// drawn with replacement from the population, one mutation of the winner, and the oldest individual
// dies. NAS-Bench-201's settings are the defaults (population 10, sample 3).

#include "strategies/internal/aging_population.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

struct RegularizedEvolutionOptions {
  int population_size = 10;
  int sample_size = 3;
  template <class V>
  void Visit(V& v) {
    v("population_size", population_size, "individuals alive at once (first ones are random)",
      AtLeast(1));
    v("sample_size", sample_size, "tournament size: individuals compared to pick a parent",
      AtLeast(1));
  }
};

class RegularizedEvolution final : public SearchStrategy {
 public:
  RegularizedEvolution(RegularizedEvolutionOptions options, const StrategyContext& context)
      : options_(options),
        space_(context.space),
        fidelity_(context.default_fidelity),
        rng_(context.rng.Derive("evolution")),
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
        arch = space_.Mutate(population_.Tournament(options_.sample_size, rng_), rng_);
      }
      proposals.push_back({arch, fidelity_});
      pending_.Add(proposals.back());
    }
    return proposals;
  }

  void Tell(std::span<const Observation> results) override {
    for (const auto& r : results) {
      pending_.Resolve(r.proposal);
      population_.Add(r.proposal.arch, r.signal);
    }
  }

  bool MayRepeat() const override { return true; }

 private:
  RegularizedEvolutionOptions options_;
  const SearchSpace& space_;
  std::size_t fidelity_;
  Rng rng_;
  internal::AgingPopulation population_;
  internal::InitialPopulation initial_;
  PendingProposals pending_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(RegularizedEvolution, RegularizedEvolutionOptions, "regularized_evolution",
                         "aging evolution with tournament selection (Real et al., AAAI 2019)");

}  // namespace naskit
