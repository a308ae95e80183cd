// The population of regularized (aging) evolution (Real, Aggarwal, Huang & Le, AAAI 2019), shared
// by `regularized_evolution` and `predictor_evolution`: the newest `capacity` evaluated
// architectures, tournament selection among them, and the distinct random architectures of the
// first population.
#pragma once

#include <cstddef>
#include <deque>
#include <unordered_set>

#include "core/rng.h"
#include "spaces/search_space.h"

namespace naskit::internal {

class AgingPopulation {
 public:
  explicit AgingPopulation(std::size_t capacity) : capacity_(capacity) {}

  // The newest individual joins; the oldest dies once the population is full.
  void Add(ArchId arch, double signal) {
    individuals_.push_back({arch, signal});
    if (individuals_.size() > capacity_) individuals_.pop_front();
  }

  bool empty() const { return individuals_.empty(); }

  // The best of `sample_size` individuals drawn with replacement; the first drawn wins a tie.
  ArchId Tournament(int sample_size, Rng& rng) const {
    const Individual* best = nullptr;
    for (int i = 0; i < sample_size; ++i) {
      const Individual& candidate = individuals_[rng.UniformInt(individuals_.size())];
      if (!best || candidate.signal > best->signal) best = &candidate;
    }
    return best->arch;
  }

 private:
  struct Individual {
    ArchId arch;
    double signal;
  };
  std::size_t capacity_;
  std::deque<Individual> individuals_;  // oldest first
};

// The first population: `size` distinct random architectures (fewer distinct ones only when the
// space is smaller), as Real et al.'s evolution starts.
class InitialPopulation {
 public:
  explicit InitialPopulation(std::size_t size) : size_(size) {}
  bool complete() const { return asked_ >= size_; }
  ArchId Sample(const SearchSpace& space, Rng& rng) {
    ArchId arch;
    do {
      arch = space.Sample(rng);
    } while (!sampled_.insert(arch).second && sampled_.size() < space.Size());
    ++asked_;
    return arch;
  }

 private:
  std::size_t size_;
  std::size_t asked_ = 0;
  std::unordered_set<ArchId> sampled_;
};

}  // namespace naskit::internal
