// `naskit-torch`: the commands that need LibTorch. `naskit train ...` runs `naskit-torch train
// ...`, so the table-driven `naskit` never pays LibTorch's start-up. Errors: as `naskit` (exit 2
// bad input, 1 other).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "analysis/statistics.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/progress.h"
#include "experiments/cli_errors.h"
#include "experiments/torch_cli/flags.h"
#include "spaces/nb201/nb201_space.h"
#include "training/bench_build.h"
#include "training/trainer.h"
#include "training/verify.h"
#include "training/zero_cost.h"

#include <csignal>

namespace naskit::torch_cli {
namespace {

// Every option of `train`, declared once.
struct TrainCommandOptions {
  std::string arch;
  std::int64_t seed = 0;
  std::string out;
  TrainingSetup setup;
  TrainOptions train;

  template <class V>
  void Visit(V& v) {
    v("arch", arch, "architecture string, e.g. |nor_conv_3x3~0|+|...|");
    v("seed", seed, "seed of weights and batch order", AtLeast(0));
    v("out", out, "write the epoch logs as JSON to this file");
    setup.Visit(v);
    train.Visit(v);
  }
};

// `usage` and every option of `Options`, from its Visit() declaration.
template <class Options>
int PrintHelp(const std::string& usage) {
  std::cout << "usage: naskit " << usage << "\n\n";
  for (const auto& o : DescribeOptions<Options>()) {
    std::cout << fmt::format("  --{:<16} {:<7} default {:<14} {}{}\n", o.key, o.type,
                             o.default_value, o.help,
                             o.constraint.empty() ? "" : " (" + o.constraint + ")");
  }
  return 0;
}

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
  const ArchId arch = Nb201Space().Parse(o.arch);

  const DatasetSplits data = o.setup.LoadData(static_cast<std::uint64_t>(o.seed));
  const Nb201MacroOptions network = o.setup.Network(data);
  const NetworkCost cost = Nb201NetworkCost(arch, network);
  std::cerr << fmt::format(
      "naskit train: {} on {} ({} train / {} valid / {} test images of {}x{}x{}), {} parameters, "
      "{:.2f} MFLOPs, device {}\n",
      o.arch, o.setup.dataset, data.train.size(), data.valid.size(), data.test.size(),
      network.in_channels, network.image_size, network.image_size, cost.params, cost.flops / 1e6,
      o.train.device);
  std::cout << "epoch train_loss train_acc valid_loss valid_acc test_loss test_acc seconds "
               "images_per_s\n";
  const TrainResult result = TrainNetwork(
      arch, network, data, o.train, static_cast<std::uint64_t>(o.seed), [](const EpochLog& e) {
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
    for (const auto& e : result.epochs) {
      j["epochs"].push_back({{"epoch", e.epoch},
                             {"train_loss", e.train_loss},
                             {"train_accuracy", e.train_accuracy},
                             {"valid_loss", e.valid_loss},
                             {"valid_accuracy", e.valid_accuracy},
                             {"test_loss", e.test_loss},
                             {"test_accuracy", e.test_accuracy},
                             {"train_seconds", e.train_seconds},
                             {"images_per_second", e.images_per_second}});
    }
    WriteFileAtomically(o.out, j.dump(1) + "\n");
  }
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

// `naskit zc --benchmark FILE.h5 --dataset D`: adds naskit's synflow score of every row (at NB201's
// C=16, N=5, CIFAR-shaped 32x32x3 input, the dataset's classes) to the file's features.
struct ZcOptions {
  std::string benchmark, dataset = "cifar10";
  int channels = 16, cells = 5, classes = 10, in_channels = 3, image_size = 32;
  std::int64_t seed = 0, limit = 0;
  int threads = 0;
  std::string rows_with;
  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark, "benchmark file to extend (.h5)");
    v("dataset", dataset, "dataset name the scores are filed under");
    v("channels", channels, "C", AtLeast(1));
    v("cells", cells, "N", AtLeast(1));
    v("classes", classes, "classifier outputs", AtLeast(1));
    v("in_channels", in_channels, "input channels", AtLeast(1));
    v("image_size", image_size, "input size", AtLeast(1));
    v("seed", seed, "initialisation seed", AtLeast(0));
    v("limit", limit, "score only the first N rows (0: all)", AtLeast(0));
    v("threads", threads, "LibTorch threads (0: all cores)", AtLeast(0));
    v("rows_with", rows_with, "score only rows where this feature is measured (e.g. synflow)");
  }
};

int ZeroCost(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  const auto o = ParseOptions<ZcOptions>("zc", flags.values);
  if (o.benchmark.empty()) throw ConfigError("zc: missing required option --benchmark");
  TabularBenchmark benchmark = TabularBenchmark::Open(o.benchmark);
  BenchmarkData data = benchmark.data();
  ConfigureTorchThreads(o.threads);
  const Nb201MacroOptions network{o.channels, o.cells, o.classes, o.in_channels, o.image_size};
  Table scores;
  scores.values.assign(data.archs.size(), NAN);
  scores.attrs = {
      {"source", fmt::format("naskit zc: log synflow at initialisation (seed {}), C={}, N={}, "
                             "{}x{}x{} input, {} classes",
                             o.seed, o.channels, o.cells, o.in_channels, o.image_size, o.image_size,
                             o.classes)}};
  std::vector<std::size_t> rows;
  const Table* only =
      o.rows_with.empty() ? nullptr : &benchmark.Get("features/" + o.dataset + "/" + o.rows_with);
  for (std::size_t row = 0; row < data.archs.size(); ++row) {
    if (!only || !std::isnan(only->At(row))) rows.push_back(row);
  }
  if (o.limit > 0 && rows.size() > static_cast<std::size_t>(o.limit)) rows.resize(o.limit);
  Progress progress("naskit zc", rows.size());
  for (std::size_t row : rows) {
    scores.values[row] = static_cast<float>(SynflowLogScore(data.archs[row], network, o.seed));
    progress.Advance();
  }
  progress.Finish();
  // How the scores rank against what the file already holds for the same rows.
  auto compare = [&](const std::string& path, int epochs) {
    const Table* table = benchmark.FindTable(path);
    if (!table) return;
    const std::size_t column = epochs ? table->ColumnOf(epochs, path) : 0;
    std::vector<double> ours, theirs;
    for (std::size_t row : rows) {
      if (std::isnan(table->At(row, column)) || !std::isfinite(scores.values[row])) continue;
      ours.push_back(scores.values[row]);
      theirs.push_back(table->At(row, column));
    }
    if (ours.size() > 2) {
      std::cout << fmt::format("Spearman with {}{}: {:.3f} over {} cells\n", path,
                               epochs ? fmt::format(" at {} epochs", epochs) : "",
                               Spearman(ours, theirs), ours.size());
    }
  };
  compare("features/" + o.dataset + "/synflow", 0);
  compare("metrics/" + o.dataset + "/test_accuracy", 200);
  data.tables["features/" + o.dataset + "/naskit_synflow"] = scores;
  WriteBenchmark(data, o.benchmark);
  return 0;
}

std::atomic<bool> g_stop{false};
extern "C" void OnInterrupt(int) { g_stop = true; }

std::string SelfExecutable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

int Bench(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  const std::string verb = flags.positional.empty() ? "" : flags.positional[0];
  if (verb == "worker") {
    RunBenchWorker(Require(flags, "work"), Take(flags, "data_dir"),
                   std::stoi(Require(flags, "index")), std::stoi(Require(flags, "count")));
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
  std::cerr << fmt::format("naskit: {} ({} trainings, {} new)\n", options.out, s.trainings,
                           s.completed);
  return 0;
}

}  // namespace
}  // namespace naskit::torch_cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return naskit::RunReportingErrors([&] {
    if (args.empty()) throw naskit::ConfigError("usage: naskit-torch train [options] (see --help)");
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "train") return naskit::torch_cli::Train(args);
    if (command == "bench") return naskit::torch_cli::Bench(args);
    if (command == "verify") return naskit::torch_cli::Verify(args);
    if (command == "zc") return naskit::torch_cli::ZeroCost(args);
    throw naskit::ConfigError(
        naskit::UnknownNameMessage("command", command, {"bench", "train", "verify", "zc"}));
  });
}
