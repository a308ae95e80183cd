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

#include "analysis/statistics.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/names.h"
#include "core/progress.h"
#include "core/rng.h"
#include "experiments/cli_errors.h"
#include "experiments/torch_cli/flags.h"
#include "predictors/predictor.h"
#include "spaces/network_cost.h"
#include "training/bench_build.h"
#include "training/trainer.h"
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

// `usage` and every option of `Options`, from its Visit() declaration.
template <class Options>
int PrintHelp(const std::string& usage) {
  std::cout << "usage: naskit " << usage << "\n\n";
  for (const auto& o : DescribeOptions<Options>()) {
    std::string flag = o.key;  // flags are spelt with dashes; the parser accepts both
    std::replace(flag.begin(), flag.end(), '_', '-');
    std::cout << fmt::format("  --{:<16} {:<7} default {:<14} {}{}\n", flag, o.type,
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

int Verify(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<VerifyOptions>("verify RESULTS_DIR [--top-k K] [--seed S] [--device cuda]");
  }
  if (flags.positional.size() == 1) flags.values["results"] = flags.positional[0];
  std::cout << VerifyIncumbents(ParseOptions<VerifyOptions>("verify", flags.values));
  return 0;
}

// `naskit zc --benchmark FILE.h5 [--proxies a,b] [--dataset D]`: scores rows of a benchmark with
// zero-cost predictors and adds them to its features as `features/<features_of>/naskit_<proxy>`.
struct ZcCommandOptions {
  std::string benchmark;
  std::string proxies = "all";
  std::string features_of;
  std::string rows_with;
  std::int64_t limit = 0, sample = 0;
  int threads = 0;
  ZeroCostOptions zero_cost;

  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark, "benchmark file to extend (.h5)");
    v("proxies", proxies, "comma-separated predictors, or all (the seven proxies, params, flops)");
    v("features_of", features_of,
      "benchmark dataset the scores are filed under (default: dataset)");
    v("rows_with", rows_with, "score only rows where this feature is measured (e.g. synflow)");
    v("limit", limit, "score only the first N rows (0: all)", AtLeast(0));
    v("sample", sample, "score N rows drawn at random with the seed (0: all)", AtLeast(0));
    v("threads", threads, "rows scored at once, one LibTorch thread each (0: all cores)",
      InRange(0, 1024));
    zero_cost.Visit(v);
  }
};

std::string ProxyUnit(const std::string& key) {
  if (key == "params") return "count";
  if (key == "flops") return "operations (naskit's convention, spaces/nb201/nb201_macro.h)";
  return key == "synflow" ? "natural log of the score" : "score";
}

std::vector<std::string> ProxyKeys(const std::string& list) {
  std::vector<std::string> keys;
  if (list == "all") {
    for (const auto& proxy : ZeroCostProxies()) keys.emplace_back(proxy.key);
    keys.insert(keys.end(), {"params", "flops"});
    return keys;
  }
  std::stringstream stream(list);
  for (std::string key; std::getline(stream, key, ',');) {
    PredictorRegistry::Global().Find(key);  // did-you-mean on a typo
    keys.push_back(key);
  }
  return keys;
}

// The rows to score: those with `rows_with` measured, then the first `limit` or a seeded `sample`.
std::vector<std::size_t> SelectRows(const TabularBenchmark& benchmark, std::size_t n,
                                    const ZcCommandOptions& o, const std::string& features_of) {
  const Table* only =
      o.rows_with.empty() ? nullptr : &benchmark.Get("features/" + features_of + "/" + o.rows_with);
  std::vector<std::size_t> rows;
  for (std::size_t row = 0; row < n; ++row) {
    if (!only || !std::isnan(only->At(row))) rows.push_back(row);
  }
  if (o.sample > 0 && rows.size() > static_cast<std::size_t>(o.sample)) {
    Rng rng = Rng(static_cast<std::uint64_t>(o.zero_cost.seed)).Derive("zc rows");
    for (std::size_t i = 0; i < static_cast<std::size_t>(o.sample); ++i)
      std::swap(rows[i], rows[i + rng.UniformInt(rows.size() - i)]);
    rows.resize(static_cast<std::size_t>(o.sample));
    std::sort(rows.begin(), rows.end());
  }
  if (o.limit > 0 && rows.size() > static_cast<std::size_t>(o.limit)) rows.resize(o.limit);
  return rows;
}

// Spearman of `scores` (over `rows`) with a column the file already holds, if it holds it.
void PrintRankAgreement(const TabularBenchmark& benchmark, const std::string& name,
                        const std::vector<float>& scores, const std::vector<std::size_t>& rows,
                        const std::string& path) {
  const Table* table = benchmark.FindTable(path);
  if (!table) return;
  const int epochs = table->epochs.empty() ? 0 : table->epochs.back();
  const std::size_t column = epochs ? table->ColumnOf(epochs, path) : 0;
  std::vector<double> ours, theirs;
  for (std::size_t row : rows) {
    if (std::isnan(table->At(row, column)) || !std::isfinite(scores[row])) continue;
    ours.push_back(scores[row]);
    theirs.push_back(table->At(row, column));
  }
  if (ours.size() < 3) return;
  std::cout << fmt::format("{:<10} Spearman {:6.3f} with {}{} over {} cells\n", name,
                           Spearman(ours, theirs), path,
                           epochs ? fmt::format(" at {} epochs", epochs) : "", ours.size());
}

int ZeroCost(const std::vector<std::string>& args) {
  Flags flags = ParseFlags(args);
  if (flags.values.contains("help")) {
    return PrintHelp<ZcCommandOptions>(
        "zc --benchmark FILE.h5 [--proxies synflow,snip,...] [--dataset fashion-mnist]");
  }
  const auto o = ParseOptions<ZcCommandOptions>("zc", flags.values);
  if (o.benchmark.empty()) throw ConfigError("zc: missing required option --benchmark");
  const std::string features_of = o.features_of.empty() ? o.zero_cost.dataset : o.features_of;
  if (features_of == "none")
    throw ConfigError("zc: dataset is none, so --features-of must name the benchmark's dataset");
  ValidateName("zc: --features-of", features_of);  // it becomes a group of the benchmark file
  const std::vector<std::string> keys = ProxyKeys(o.proxies);
  // Each row is scored on one thread, rows in parallel: a score does not depend on --threads (a
  // multi-threaded reduction would sum in another order).
  ConfigureTorchThreads(1);
  const std::size_t workers = o.threads > 0
                                  ? static_cast<std::size_t>(o.threads)
                                  : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (const std::string& key : keys) {
    if (key != "params" && key != "flops") CheckZeroCostOptions(key, o.zero_cost);
  }
  TabularBenchmark benchmark = TabularBenchmark::Open(o.benchmark);
  const SearchSpace& space = benchmark.space();
  const PredictorContext context{space};
  const TorchNetworkEntry& network = [&]() -> const TorchNetworkEntry& {
    try {
      return FindTorchNetwork(space.Name());
    } catch (const ConfigError& e) {
      throw ConfigError("zc: " + o.benchmark + ": " + e.what());
    }
  }();
  const NetworkShape shape = LoadZeroCostInput(o.zero_cost).network;

  // Every predictor is built (and its options checked) before the first score is computed.
  std::vector<std::unique_ptr<Predictor>> predictors;
  std::vector<OptionValues> settings;
  for (const std::string& key : keys) {
    const bool counts_network = key == "params" || key == "flops";
    if (counts_network) {
      // The counted network is the one the proxies build: the space's, with the minibatch's shape.
      OptionValues counted = {{"network", space.Name()}};
      for (const auto& [k, v] : network.counter_options(shape)) counted["network." + k] = v;
      settings.push_back(std::move(counted));
    } else {
      settings.push_back(RecordOptions(o.zero_cost));
    }
    predictors.push_back(PredictorRegistry::Global().Create(key, settings.back(), context));
  }
  BenchmarkData data = benchmark.data();
  const std::vector<std::size_t> rows = SelectRows(benchmark, data.archs.size(), o, features_of);
  for (std::size_t p = 0; p < keys.size(); ++p) {
    const std::string& key = keys[p];
    const std::string path = "features/" + features_of + "/naskit_" + key;
    const std::string settings_json = nlohmann::json(settings[p]).dump();
    // The file is rewritten after each proxy; a rerun of an interrupted command skips the proxies
    // it already holds for these rows and settings.
    if (const Table* done = benchmark.FindTable(path);
        done && done->attrs.contains("settings") && done->attrs.at("settings") == settings_json &&
        std::none_of(rows.begin(), rows.end(),
                     [&](std::size_t row) { return std::isnan(done->At(row)); })) {
      std::cerr << "naskit zc: " << key << " already scored in " << o.benchmark << "\n";
      continue;
    }
    const auto& predictor = dynamic_cast<const ZeroCostPredictor&>(*predictors[p]);
    Table scores;
    scores.values.assign(data.archs.size(), NAN);
    scores.attrs = {{"source", "naskit zc: " + key + " at initialisation"},
                    {"settings", settings_json},
                    {"unit", ProxyUnit(key)}};
    Progress progress("naskit zc " + key, rows.size());
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < std::min(workers, rows.size()); ++w) {
      threads.emplace_back([&] {
        try {
          for (std::size_t i; (i = next++) < rows.size();) {
            scores.values[rows[i]] = static_cast<float>(predictor.Score(data.archs[rows[i]]));
            progress.Advance();
          }
        } catch (...) {
          const std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          next = rows.size();
        }
      });
    }
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
    progress.Finish();
    static const std::map<std::string, std::string> kFileNames = {{"jacob_cov", "jacov"}};
    const auto file_name = kFileNames.contains(key) ? kFileNames.at(key) : key;
    PrintRankAgreement(benchmark, key, scores.values, rows,
                       "features/" + features_of + "/" + file_name);
    PrintRankAgreement(benchmark, key, scores.values, rows,
                       "metrics/" + features_of + "/test_accuracy");
    data.tables[path] = std::move(scores);
    WriteBenchmark(data, o.benchmark);
  }
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
    try {
      if (command == "train") return naskit::torch_cli::Train(args);
      if (command == "bench") return naskit::torch_cli::Bench(args);
      if (command == "verify") return naskit::torch_cli::Verify(args);
      if (command == "zc") return naskit::torch_cli::ZeroCost(args);
    } catch (const c10::Error& e) {
      // LibTorch's own message, without the stack trace it carries.
      throw std::runtime_error(std::string("LibTorch: ") + e.what_without_backtrace());
    }
    throw naskit::ConfigError(
        naskit::UnknownNameMessage("command", command, {"bench", "train", "verify", "zc"}));
  });
}
