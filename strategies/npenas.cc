// NPENAS: Wei, Niu, Tang, Wang, Hu & Liang, "NPENAS: Neural Predictor Guided Evolution for Neural
// Architecture Search", IEEE TNNLS 2022. Evolution whose offspring are ranked by a predictor before
// any is trained: after `initial` random architectures, each generation takes the
// `population_size` best so far as parents, mutates each into `offspring` children, and evaluates
// the `batch` children the predictor ranks best (NPENAS-BO: a GIN with uncertainty and Thompson
// sampling, the default; any registered predictor can stand in).
#include "strategies/internal/predictor_guide.h"

namespace naskit {
namespace {

struct NpenasOptions : internal::GuideOptions {
  int initial = 10, population_size = 10, offspring = 10, batch = 10;
  NpenasOptions() { predictor = {"gin", {}}; }
  template <class V>
  void Visit(V& v) {
    v("initial", initial, "random architectures before the first generation", AtLeast(2));
    v("population_size", population_size, "best architectures so far that breed", AtLeast(1));
    v("offspring", offspring, "mutations of each parent ranked by the predictor", AtLeast(1));
    v("batch", batch, "children evaluated per generation", AtLeast(1));
    VisitGuide(v);
  }
};

class Npenas final : public internal::GuidedBatchStrategy {
 public:
  Npenas(const NpenasOptions& options, const StrategyContext& context)
      : GuidedBatchStrategy(options, options.initial, options.batch, context, "npenas"),
        options_(options) {}

 private:
  // Every parent's offspring; a child two parents share counts once.
  std::vector<ArchId> Candidates() override {
    std::vector<ArchId> children;
    std::unordered_set<ArchId> unique;
    for (ArchId parent : guide().Best(static_cast<std::size_t>(options_.population_size))) {
      for (ArchId child :
           internal::MutatedCandidates(space(), guide(), {parent},
                                       static_cast<std::size_t>(options_.offspring), 1, rng())) {
        if (unique.insert(child).second) children.push_back(child);
      }
    }
    return children;
  }
  NpenasOptions options_;
};

}  // namespace

NASKIT_REGISTER_STRATEGY(Npenas, NpenasOptions, "npenas",
                         "NPENAS: evolution with predictor-ranked offspring (IEEE TNNLS 2022)");

}  // namespace naskit
