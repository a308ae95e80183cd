// What a query costs in simulated training seconds.
//
// A benchmark records training time for some cells only (NB201's shared data: 1,000 of 15,625). For
// the others naskit predicts it with a ridge regression of the recorded seconds on the space's
// one-hot encoding (which op sits on which edge), fitted on every recorded cell; a run's result
// file says how many of its queries were charged a modelled cost.
#pragma once

#include <string>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"

namespace naskit {

class CostModel {
 public:
  // Throws ConfigError if the benchmark records no training time for `dataset` at `epochs`.
  CostModel(const TabularBenchmark& benchmark, const std::string& dataset, int epochs);

  double Seconds(std::size_t row) const { return seconds_[row]; }
  bool Modelled(std::size_t row) const { return modelled_[row] != 0; }
  std::size_t num_recorded() const { return num_recorded_; }
  double r_squared() const { return r_squared_; }
  std::string Description() const;

 private:
  std::vector<double> seconds_;
  std::vector<char> modelled_;
  std::size_t num_recorded_ = 0;
  double r_squared_ = 1;
  std::string source_;
};

}  // namespace naskit
