// `naskit latency --benchmark FILE.h5 [--device-name NAME]`: measures the inference latency of the
// benchmark's cells on this machine with LibTorch and adds it as `hardware/<NAME>/latency_ms`
// (median over the timed passes) and `hardware/<NAME>/latency_iqr_ms` (their interquartile
// range), with the device's description and the settings; a search then names it like a recorded
// device (`objectives: ['min latency_ms on NAME']`). Cells are timed one after another (two at
// once would slow each other down); the file is written every --checkpoint-seconds and on Ctrl-C,
// and the same command resumes.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "core/job_runner.h"
#include "core/names.h"
#include "core/rng.h"
#include "experiments/torch_cli/flags.h"
#include "experiments/torch_cli/resumable_columns.h"
#include "records/statistics.h"
#include "training/latency.h"
#include "training/trainer.h"

namespace naskit::torch_cli {
namespace {

struct LatencyCommandOptions {
  std::string benchmark;
  std::string device_name;
  std::int64_t limit = 0, sample = 0, seed = 0;
  int channels = 0, cells = 0, classes = 10, in_channels = 3, image_size = 32;
  int checkpoint_seconds = 300;
  bool replace = false;
  std::string shard;  // resumable_columns.h's ColumnShare
  LatencyOptions latency;

  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark, "benchmark file to extend (.h5)");
    v("device_name", device_name,
      "the device's name in the file, hardware/<name>/ (default: this_<device>_<batch>)");
    v("limit", limit, "time only the first N rows (0: all)", AtLeast(0));
    v("sample", sample, "time N rows drawn at random with --seed (0: all)", AtLeast(0));
    v("seed", seed, "seed of --sample's draw", AtLeast(0));
    v("channels", channels, "network width in the space's terms (0: the space's default)",
      InRange(0, 4096));
    v("cells", cells, "network depth in the space's terms (0: the space's default)",
      InRange(0, 1024));
    v("classes", classes, "classifier outputs", InRange(1, 100000));
    v("in_channels", in_channels, "input image channels", InRange(1, 64));
    v("image_size", image_size, "input image side, pixels", InRange(1, 4096));
    v("checkpoint_seconds", checkpoint_seconds,
      "write the timings so far to the file this often; a rerun resumes from there",
      InRange(1, 86400));
    v("replace", replace,
      "discard timings recorded with other settings (they are kept, and the command refused, "
      "without it)");
    v("shard", shard,
      "measure only the i-th of n shares of the rows, i/n, into FILE.share-i-of-n.h5 (default: "
      "the task's share in a Slurm job array); the command without a share merges them");
    latency.Visit(v);
  }
};

// Spearman's rank correlation of the new timings with every device the file records, over the
// rows both hold: HELP's point that one device's ranking is not another's.
void PrintRankCorrelations(const TabularBenchmark& benchmark, const std::string& device,
                           const std::vector<float>& latency, const std::vector<bool>& measured) {
  for (const auto& [path, table] : benchmark.data().tables) {
    if (!path.starts_with("hardware/") || !path.ends_with("/latency_ms")) continue;
    const std::string other = path.substr(9, path.size() - 9 - 11);
    if (other == device) continue;
    std::vector<double> ours, theirs;
    for (std::size_t row = 0; row < measured.size(); ++row) {
      if (!measured[row] || std::isnan(table.At(row)) || std::isnan(latency[row])) continue;
      ours.push_back(latency[row]);
      theirs.push_back(table.At(row));
    }
    if (ours.size() < 3) continue;
    std::cout << fmt::format("{:<16} Spearman {:6.3f}  Kendall {:6.3f}  over {} cells\n", other,
                             Spearman(ours, theirs), KendallTau(ours, theirs), ours.size());
  }
}

}  // namespace

int Latency(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<LatencyCommandOptions>(
        "latency --benchmark FILE.h5 [--device-name NAME] [--device cuda] [--batch B]");
  }
  const auto o = ParseOptions<LatencyCommandOptions>("latency", flags.values);
  if (o.benchmark.empty()) throw ConfigError("latency: missing required option --benchmark");
  const std::string device = o.device_name.empty()
                                 ? fmt::format("this_{}_{}", o.latency.device, o.latency.batch)
                                 : o.device_name;
  ValidateName("latency: --device-name", device);  // it becomes a group of the benchmark file
  const std::string description = DeviceDescription(o.latency);  // refuses a missing GPU first
  ConfigureTorchThreads(o.latency.threads);

  // A share resumes from its own file; the whole command first takes in what shares measured.
  const ColumnShare share = ResolveColumnShare(o.benchmark, o.shard);
  TabularBenchmark benchmark = TabularBenchmark::Open(
      share.active() && std::filesystem::exists(share.file) ? share.file : o.benchmark);
  const SearchSpace& space = benchmark.space();
  try {
    FindTorchNetwork(space.Name());
  } catch (const ConfigError& e) {
    throw ConfigError("latency: " + o.benchmark + ": " + e.what());
  }
  const NetworkShape shape{o.channels, o.cells, o.classes, o.in_channels, o.image_size};
  // What the timings depend on: compared with the recorded ones before anything is timed. The
  // machine is described, not compared: the name says which device a table is for.
  OptionValues settings = RecordOptions(o.latency);
  for (const auto& [key, value] : OptionValues{{"channels", std::to_string(o.channels)},
                                               {"cells", std::to_string(o.cells)},
                                               {"classes", std::to_string(o.classes)},
                                               {"in_channels", std::to_string(o.in_channels)},
                                               {"image_size", std::to_string(o.image_size)}}) {
    settings[key] = value;
  }
  const ColumnCommand command{"latency", "timings",
                              "name the new device otherwise with --device-name"};
  BenchmarkData data = benchmark.data();
  const std::size_t n = data.archs.size();
  const std::string source = fmt::format(
      "naskit latency: median of {} forward passes of batch {} after {} warm-up passes, "
      "evaluation mode, no gradients; {}",
      o.latency.repeats, o.latency.batch, o.latency.warmup, description);
  std::vector<ResumableColumn> columns = {
      OpenColumn(benchmark, o.benchmark, command, "latency_ms",
                 "hardware/" + device + "/latency_ms", settings, o.replace, n,
                 {{"source", source}, {"unit", "ms"}}),
      OpenColumn(
          benchmark, o.benchmark, command, "latency_iqr_ms",
          "hardware/" + device + "/latency_iqr_ms", settings, o.replace, n,
          {{"source", "interquartile range of the passes timed for latency_ms"}, {"unit", "ms"}})};
  const std::vector<std::string> merged =
      share.active() ? std::vector<std::string>{} : MergeShares(columns, o.benchmark);
  std::vector<std::size_t> all(n);
  for (std::size_t row = 0; row < n; ++row) all[row] = row;
  const std::vector<std::size_t> selected =
      SelectRows(std::move(all), o.limit, o.sample,
                 Rng(static_cast<std::uint64_t>(o.seed)).Derive("latency rows"));
  const std::vector<std::size_t> rows = ShareOf(selected, share.shard);
  std::vector<std::size_t> todo;
  for (std::size_t row : rows) {
    if (!columns[0].measured[row] || !columns[1].measured[row]) todo.push_back(row);
  }
  if (todo.size() < rows.size()) {
    std::cerr << fmt::format("naskit latency: {} of {} rows already timed in {}\n",
                             rows.size() - todo.size(), rows.size(), o.benchmark);
  }
  std::cerr << fmt::format("naskit latency: {} as {} ({})\n", o.benchmark, device, description);
  const auto start = std::chrono::steady_clock::now();
  FillColumns(
      columns, todo, data, share.file,
      [&](std::size_t row) {
        const LatencyMeasurement m =
            MeasureLatency(space.Name(), data.archs[row], shape, o.latency);
        return std::vector<double>{m.median_ms, m.iqr_ms};
      },
      1, o.checkpoint_seconds, fmt::format("naskit latency ({} rows)", todo.size()),
      !merged.empty());
  if (Interrupted()) {
    std::cerr << fmt::format(
        "naskit latency: interrupted; the timings so far are in {}: run the same command again "
        "to resume\n",
        share.file);
    return 130;
  }
  if (FinishShares(share, merged, command, o.benchmark)) return 0;
  std::cerr << fmt::format(
      "naskit latency: {} rows timed in {:.1f} s\n", todo.size(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  PrintRankCorrelations(TabularBenchmark::Open(o.benchmark), device, columns[0].table.values,
                        columns[0].measured);
  return 0;
}

}  // namespace naskit::torch_cli
