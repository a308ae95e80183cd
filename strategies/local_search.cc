// Local search: White, Nolen, Kumar & Sebastian, "Exploring the Loss Landscape in Neural
// Architecture Search", UAI 2021 (first as "Local Search is State of the Art for NAS Benchmarks",
// 2020). Start from the best of `num_init` random architectures, evaluate its whole neighbourhood
// (in random order), move to the best neighbour if it improves, and restart from a random
// architecture at a local optimum.
#include "strategies/internal/local_search_base.h"

namespace naskit {
namespace {

struct LocalSearchOptions {
  int num_init = 10;
  template <class V>
  void Visit(V& v) {
    v("num_init", num_init,
      "random architectures evaluated before (and at each restart of) the climb", AtLeast(1));
  }
};

class LocalSearch final : public internal::LocalSearchBase {
 public:
  LocalSearch(const LocalSearchOptions& options, const StrategyContext& context)
      : LocalSearchBase(options.num_init, context, "local_search") {}

 private:
  std::vector<ArchId> Order(std::vector<ArchId> neighbours) override {
    return Shuffled(std::move(neighbours));
  }
  std::size_t StepSize() const override { return 0; }
};

}  // namespace

NASKIT_REGISTER_STRATEGY(
    LocalSearch, LocalSearchOptions, "local_search",
    "hill climbing over one-edge neighbours with random restarts (White et al., 2020)");

}  // namespace naskit
