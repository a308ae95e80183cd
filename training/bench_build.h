// `naskit bench build`: naskit's own tabular benchmark, made by training.
//
// For any space that registers a LibTorch network (training/network.h): trains one representative
// (the smallest id) of every isomorphism class of the space, of its first `max_classes` classes, or
// of `sample` classes drawn with `sample_seed`, for every seed, and writes a benchmark file with
// per-epoch train/valid/test accuracy and loss per seed, cumulative training seconds, params, FLOPs
// and single-image latency measured on the building CPU. In a space small enough to enumerate
// (NB201's 15,625 cells) every member of a trained class gets a row filled from its
// representative; in a larger one (NB101, DARTS) a class is only drawn (`sample`), and its
// representative is its row.
//
// The trainings are the jobs of naskit's resumable executor (core/job_runner.h), run by worker
// processes: each finished training is one small JSON file in `<out>.work/done/`, written
// atomically, so an interrupted build resumes with nothing lost or duplicated. The benchmark file
// is assembled when every training is done.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "training/image_dataset.h"
#include "training/trainer.h"

namespace naskit {

struct BenchBuildOptions {
  std::string out{};
  TrainingSetup setup{.dataset = "fashion-mnist",
                      .data_dir = "",
                      .channels = 4,
                      .cells = 1,
                      .image_size = 8,
                      .train_subset = 2000,
                      .valid_size = 1000,
                      .test_subset = 1000};
  std::string space = "nb201";
  std::string seeds = "0,1";
  std::int64_t max_classes = 0;  // 0: every isomorphism class
  std::int64_t sample = 0;       // 0: enumerate the classes instead
  std::int64_t sample_seed = 0;
  int workers = 2;
  std::string shard{};  // core/job_runner.h's ResolveShard
  TrainOptions train{.epochs = 4, .threads = 1};

  template <class V>
  void Visit(V& v) {
    v("out", out, "benchmark file to write (.h5)");
    v("space", space, "search space (one with a LibTorch network: nb201, nb101, darts)");
    setup.Visit(v);
    v("seeds", seeds, "comma-separated training seeds");
    v("max_classes", max_classes,
      "build only the first K isomorphism classes by id (0: all; NB201 has 6,466)", AtLeast(0));
    v("sample", sample,
      "build K isomorphism classes drawn at random instead (required where the space is too "
      "large to enumerate: nb101, darts)",
      AtLeast(0));
    v("sample_seed", sample_seed, "seed of the drawn classes", AtLeast(0));
    v("workers", workers, "worker processes", InRange(1, 1024));
    v("shard", shard,
      "train only the i-th of n shares of the trainings, i/n, and leave the assembly to a run "
      "without it (default: the task's share in a Slurm job array, else all)");
    train.Visit(v);
  }
};

struct BenchBuildSummary {
  std::size_t trainings = 0, already_done = 0, completed = 0;  // of this share
  bool interrupted = false;
  int shard_index = 1, shard_count = 1;  // a share (of a Slurm array) is not assembled
};

// Runs (or resumes) the build with worker processes started from `self_executable`, then assembles
// the file. `stop` (e.g. set by SIGINT) ends it after the trainings in flight.
BenchBuildSummary BuildBenchmark(const BenchBuildOptions& options,
                                 const std::string& self_executable, const std::atomic<bool>* stop);

// The body of one worker process: shard `index` (0-based) of `count` of the build in `work_dir`,
// within the build's share `shard` ("i/n", or empty: all of it).
void RunBenchWorker(const std::string& work_dir, const std::string& data_dir, int index, int count,
                    const std::string& shard);

}  // namespace naskit
