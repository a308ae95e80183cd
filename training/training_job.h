// One training the training evaluator (experiments/training_evaluator.cc) asks a worker process
// for, `naskit-torch train-job`, and the record the worker leaves. No LibTorch here: the
// table-driven core writes the request and reads the record.
//
// A record is `<stem>-e<epochs>.json` in the evaluator's trainings folder, written atomically;
// `<stem>` names the architecture, data fraction and training seed, the folder the recipe. With
// continuation, the worker also leaves `<stem>-e<epochs>.pt`, a checkpoint, and a later training
// of the same stem to more epochs resumes from the longest one it finds.
#pragma once

#include <cstdint>
#include <string>

#include "core/options.h"
#include "training/recipe.h"

namespace naskit {

struct TrainingJob {
  std::string space = "nb201";
  std::string arch;  // in the space's form
  std::int64_t seed = 0;
  double data_fraction = 1;  // of the training split, its first images
  // The cosine schedule spans this many epochs (0: the training's own); a training shorter than
  // its schedule can be continued.
  int schedule_epochs = 0;
  bool continuation = false;  // resume from the longest checkpoint of this stem; save one
  std::string out;            // the record: <stem>-e<epochs>.json
  TrainingSetup setup;
  TrainOptions train;

  template <class V>
  void Visit(V& v) {
    v("space", space, "search space (one with a LibTorch network)");
    v("arch", arch, "architecture string in the space's form", Required());
    v("seed", seed, "training seed (weights and batch order)", AtLeast(0));
    v("data_fraction", data_fraction, "fraction of the training split trained on",
      InRange(1e-6, 1));
    v("schedule_epochs", schedule_epochs, "epochs the learning-rate schedule spans (0: epochs)",
      AtLeast(0));
    v("continuation", continuation, "resume from a checkpoint of fewer epochs; save one");
    v("out", out, "the record to write: <stem>-e<epochs>.json", Required());
    setup.Visit(v);
    train.Visit(v);
  }
};

// Trains as `job` says and writes its record (throws as TrainNetwork; a diverged training is
// recorded as such).
void RunTrainingJob(const TrainingJob& job);

// The record's stem and epoch count of `path` (".../<stem>-e<epochs>.json" or ".pt"); throws
// ConfigError for another form.
std::pair<std::string, int> SplitRecordPath(const std::string& path);

}  // namespace naskit
