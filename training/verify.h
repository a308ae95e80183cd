// `naskit verify`: trains the incumbents a finished suite chose and sets what the benchmark
// promised beside what training measured, so a claim made on a table can be checked.
#pragma once

#include <string>

#include "core/options.h"
#include "training/trainer.h"

namespace naskit {

struct VerifyOptions {
  std::string results;
  int top_k = 5;
  std::int64_t seed = 100;  // not one of the benchmark's own training seeds
  std::string data_dir;
  std::string out;  // default: <results>/verify
  // Where the retraining runs; the recipe itself is the benchmark's (its build_settings), so that
  // what is measured is what was promised.
  std::string device = "cpu";
  // One by default: the same numbers everywhere (LibTorch's CPU reductions depend on the thread
  // count) and no slowdown beside other work (two threads on a busy two-core machine took twice as
  // long as one).
  int threads = 1;

  template <class V>
  void Visit(V& v) {
    v("results", results, "results folder of `naskit run`");
    v("top_k", top_k, "distinct incumbents to train, most often chosen first", AtLeast(2));
    v("seed", seed, "training seed", AtLeast(0));
    v("data_dir", data_dir, "dataset folder (default: Debian's for fashion-mnist)");
    v("out", out, "where to write verify.md and verify.csv (default: RESULTS/verify)");
    v("device", device, "cpu or cuda", OneOf({"cpu", "cuda"}));
    v("threads", threads,
      "CPU threads for LibTorch (0: all cores; more than 1 is faster on idle cores and changes "
      "results in the last digits)",
      InRange(0, 1024));
  }
};

// Trains the K incumbents with the settings the benchmark file was built with (its
// `build_settings` attribute) and writes verify.md / verify.csv, setting beside each promise the
// same metric measured at the same epoch of the retraining. Throws ConfigError for a benchmark
// naskit did not build (its training data is not available to retrain), a promised metric training
// does not measure, or a promise at an epoch the recipe does not reach; DataError for a malformed
// `build_settings`.
std::string VerifyIncumbents(VerifyOptions options);

}  // namespace naskit
