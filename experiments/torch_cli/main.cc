// `naskit-torch`: the commands that need LibTorch. `naskit train ...` runs `naskit-torch train
// ...`, so the table-driven `naskit` never pays LibTorch's start-up. Errors: as `naskit` (exit 2
// bad input, 1 other).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/names.h"
#include "core/plugins.h"
#include "core/progress.h"
#include "core/rng.h"
#include "experiments/cli_errors.h"
#include "experiments/torch_cli/flags.h"
#include "predictors/predictor.h"
#include "records/statistics.h"
#include "spaces/network_cost.h"
#include "training/bench_build.h"
#include "training/one_shot.h"
#include "training/trainer.h"
#include "training/training_job.h"
#include "training/verify.h"
#include "training/zero_cost.h"

#include <csignal>

namespace naskit::torch_cli {
namespace {

// Every option of `train`, declared once.
struct TrainCommandOptions {
  std::string space = "nb201";
  std::string arch;
  std::int64_t seed = 0;
  std::string out;
  TrainingSetup setup;
  TrainOptions train;

  template <class V>
  void Visit(V& v) {
    v("space", space, "the architecture's search space (one with a LibTorch network)");
    v("arch", arch, "architecture string in the space's form, e.g. |nor_conv_3x3~0|+|...|");
    v("seed", seed, "seed of weights and batch order", AtLeast(0));
    v("out", out, "write the epoch logs as JSON to this file");
    setup.Visit(v);
    train.Visit(v);
  }
};

int Train(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<TrainCommandOptions>(
        "train --arch STR [--dataset fashion-mnist] [--epochs E] [--seed S] [--device cuda]");
  }
  if (!flags.positional.empty())
    throw ConfigError("train: unexpected argument " + Quote(flags.positional[0]));
  const auto o = ParseOptions<TrainCommandOptions>("train", flags.values);
  if (o.arch.empty()) throw ConfigError("train: missing required option --arch");
  const TorchNetworkEntry& network = FindTorchNetwork(o.space);
  const ArchId arch = GetSpace(o.space).Parse(o.arch);

  const DatasetSplits data = o.setup.LoadData(static_cast<std::uint64_t>(o.seed));
  const NetworkShape shape = o.setup.Shape(data);
  const NetworkCost cost =
      NetworkRegistry::Global().Create(o.space, network.counter_options(shape))->Count(arch);
  std::cerr << fmt::format(
      "naskit train: {} on {} ({} train / {} valid / {} test images of {}x{}x{}), {} parameters, "
      "{:.2f} MFLOPs, device {}\n",
      o.arch, o.setup.dataset, data.train.size(), data.valid.size(), data.test.size(),
      shape.in_channels, shape.image_size, shape.image_size, cost.params, cost.flops / 1e6,
      o.train.device);
  std::cout << "epoch train_loss train_acc valid_loss valid_acc test_loss test_acc seconds "
               "images_per_s\n";
  const TrainResult result = TrainNetwork(
      o.space, arch, shape, data, o.train, static_cast<std::uint64_t>(o.seed),
      [](const EpochLog& e) {
        std::cout << fmt::format(
            "{:5d} {:10.4f} {:9.2f} {:10.4f} {:9.2f} {:9.4f} {:8.2f} {:7.2f} {:12.0f}\n", e.epoch,
            e.train_loss, e.train_accuracy, e.valid_loss, e.valid_accuracy, e.test_loss,
            e.test_accuracy, e.train_seconds, e.images_per_second);
        std::cout.flush();
      });
  if (!o.out.empty()) {
    nlohmann::ordered_json j;
    j["arch"] = o.arch;
    j["options"] = RecordOptions(o);
    j["params"] = result.params;
    j["flops"] = cost.flops;
    for (const auto& e : result.epochs) j["epochs"].push_back(EpochLogJson(e));
    WriteFileAtomically(o.out, j.dump(1) + "\n");
  }
  return 0;
}

// One training of the training evaluator (started by it, not by users).
int TrainJob(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<TrainingJob>("train-job --arch STR --out DIR/<stem>-e<epochs>.json [options]");
  }
  RunTrainingJob(ParseOptions<TrainingJob>("train-job", flags.values));
  return 0;
}

// One supernet training of the supernet evaluator, and its query worker (started by it).
int SupernetJobCommand(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<SupernetJob>("supernet-job --method M --out DIR/<method>.json [options]");
  }
  RunSupernetJob(ParseOptions<SupernetJob>("supernet-job", flags.values));
  return 0;
}

int SupernetServeCommand(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<SupernetServeOptions>(
        "supernet-serve --method M --out DIR/<method>.json [options] < architectures");
  }
  ServeSupernet(ParseOptions<SupernetServeOptions>("supernet-serve", flags.values), std::cin,
                std::cout);
  return 0;
}

int Verify(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<VerifyOptions>("verify RESULTS_DIR [--top-k K] [--seed S] [--device cuda]");
  }
  if (flags.positional.size() == 1) flags.values["results"] = flags.positional[0];
  std::cout << VerifyIncumbents(ParseOptions<VerifyOptions>("verify", flags.values));
  return 0;
}

// A worker process of `bench build` (started by it, not by users).
struct BenchWorkerOptions {
  std::string work, data_dir, shard;
  int index = 0, count = 1;
  template <class V>
  void Visit(V& v) {
    v("work", work, "the build's work folder", Required());
    v("data_dir", data_dir, "dataset folder");
    v("index", index, "this worker's shard, from 0", AtLeast(0));
    v("count", count, "workers", InRange(1, 1024));
    v("shard", shard, "the build's share, i/n (empty: all)");
  }
};

std::atomic<bool> g_stop{false};
extern "C" void OnInterrupt(int) { g_stop = true; }

std::string SelfExecutable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

int Bench(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  const std::string verb = flags.positional.empty() ? "" : flags.positional[0];
  if (verb == "worker") {
    const auto o = ParseOptions<BenchWorkerOptions>("bench worker", flags.values);
    RunBenchWorker(o.work, o.data_dir, o.index, o.count, o.shard);
    return 0;
  }
  if (verb.empty() && flags.values.contains("help")) {
    std::cout
        << "usage:\n  naskit bench build --out FILE.h5 [options]  train a benchmark of a space's "
           "cells (naskit bench build --help)\n  naskit bench seal FILE.h5  seal a benchmark "
           "written outside naskit\n";
    return 0;
  }
  if (verb != "build")
    throw ConfigError("usage: naskit bench build --out FILE.h5 [options] (see --help)");
  if (flags.values.contains("help")) {
    return PrintHelp<BenchBuildOptions>("bench build --out FILE.h5 [options]");
  }
  const auto options = ParseOptions<BenchBuildOptions>("bench build", flags.values);
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  const BenchBuildSummary s = BuildBenchmark(options, SelfExecutable(), &g_stop);
  if (s.interrupted) {
    std::cerr << fmt::format(
        "naskit: interrupted: {} of {} trainings done and kept in {}.work; run the same command "
        "again to resume\n",
        s.already_done + s.completed, s.trainings, options.out);
    return 130;
  }
  if (s.shard_count > 1) {
    std::cerr << fmt::format(
        "naskit: share {} of {}: {} trainings done ({} new) in {}.work; `naskit bench build` with "
        "the same options and no share assembles {} once every share is done\n",
        s.shard_index, s.shard_count, s.trainings, s.completed, options.out, options.out);
    return 0;
  }
  std::cerr << fmt::format("naskit: {} ({} trainings, {} new)\n", options.out, s.trainings,
                           s.completed);
  return 0;
}

}  // namespace
}  // namespace naskit::torch_cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return naskit::RunReportingErrors([&] {
    naskit::CheckBuiltInRegistrations();
    if (args.empty()) throw naskit::ConfigError("usage: naskit-torch train [options] (see --help)");
    const std::string command = args[0];
    args = naskit::LoadPluginArguments({args.begin() + 1, args.end()});
    try {
      if (command == "train") return naskit::torch_cli::Train(args);
      if (command == "train-job") return naskit::torch_cli::TrainJob(args);
      if (command == "supernet-job") return naskit::torch_cli::SupernetJobCommand(args);
      if (command == "supernet-serve") return naskit::torch_cli::SupernetServeCommand(args);
      if (command == "bench") return naskit::torch_cli::Bench(args);
      if (command == "verify") return naskit::torch_cli::Verify(args);
      if (command == "zc") return naskit::torch_cli::ZeroCost(args);
      if (command == "latency") return naskit::torch_cli::Latency(args);
    } catch (const c10::Error& e) {
      // LibTorch's own message, without the stack trace it carries.
      throw std::runtime_error(std::string("LibTorch: ") + e.what_without_backtrace());
    }
    throw naskit::ConfigError(
        naskit::UnknownNameMessage("command", command,
                                   {"bench", "latency", "supernet-job", "supernet-serve", "train",
                                    "train-job", "verify", "zc"}));
  });
}
