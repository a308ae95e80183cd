// The benchmark a real-training search builds: the records of a trainings folder (experiments/
// training_evaluator.cc) as a naskit benchmark file, so that a second search, or
// `eval-predictors`, runs on them tabularly.
//
// One row per architecture trained; per dataset (the searched one, or "<dataset>-f<fraction>" for
// trainings on a fraction of its training images), the metrics train/valid/test accuracy and loss
// per training seed at every epoch of the recorded curves where the recipe continues trainings
// (one schedule: a curve's epoch e is the same in every training that reached it), else at each
// fidelity's epoch count from the training of that length; NaN where nothing was trained (or a
// training diverged); cumulative training seconds; params and FLOPs.
#pragma once

#include <string>

namespace naskit {

struct TrainingsBenchmark {
  std::size_t records = 0, architectures = 0;
};

// Writes the benchmark of `folder`'s records (a recipe folder: recipe.json and
// <arch>-f<fraction>-s<seed>-e<epochs>.json) to `out`, atomically. `suite` names the suite in the
// file's source. Throws DataError naming a record that cannot be read.
TrainingsBenchmark WriteTrainingsBenchmark(const std::string& folder, const std::string& out,
                                           const std::string& suite);

}  // namespace naskit
