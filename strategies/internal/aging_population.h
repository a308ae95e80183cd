// The population of regularized (aging) evolution (Real, Aggarwal, Huang & Le, AAAI 2019), shared
// by `regularized_evolution` and `predictor_evolution`: the newest `capacity` evaluated
// architectures, and tournament selection among them.
#pragma once

#include <cstddef>
#include <deque>

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

}  // namespace naskit::internal
