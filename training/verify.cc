// Retraining a suite's incumbents; see verify.h.
#include "training/verify.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks_data/csv_table.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "records/run_result.h"
#include "records/statistics.h"
#include "training/bench_build.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

// The value of `metric` that a training's epoch log holds; throws ConfigError for a metric that
// training does not measure (a latency, a proxy).
double Measured(const EpochLog& log, const std::string& metric) {
  const std::map<std::string, double> values = {
      {"train_accuracy", log.train_accuracy}, {"train_loss", log.train_loss},
      {"valid_accuracy", log.valid_accuracy}, {"valid_loss", log.valid_loss},
      {"test_accuracy", log.test_accuracy},   {"test_loss", log.test_loss}};
  const auto it = values.find(metric);
  if (it == values.end()) {
    std::vector<std::string> known;
    for (const auto& [name, value] : values) known.push_back(name);
    throw ConfigError("verify: the runs promise " + Quote(metric) +
                      ", which training does not measure; " +
                      UnknownNameMessage("trained metric", metric, known));
  }
  return it->second;
}

// The benchmark's training recipe, from its build_settings attribute.
BenchBuildOptions BuildSettings(const TabularBenchmark& benchmark, const std::string& data_dir) {
  const std::string settings = benchmark.Attr("build_settings");
  if (settings.empty()) {
    throw ConfigError(benchmark.path() +
                      " was not built by `naskit bench build`, so its training setup is not "
                      "known; verify needs a benchmark naskit trained (e.g. "
                      "benchmarks_data/nb201_fashion_mnist.h5)");
  }
  OptionValues values;
  try {
    values = nlohmann::json::parse(settings).get<OptionValues>();
  } catch (const nlohmann::json::exception&) {
    throw DataError(benchmark.path() +
                    ": attribute \"build_settings\" is not a JSON object of option values (got " +
                    Quote(settings.substr(0, 200)) + ")");
  }
  values["data_dir"] = data_dir;
  return ParseOptions<BenchBuildOptions>(benchmark.path() + " build_settings", values);
}

}  // namespace

std::string VerifyIncumbents(VerifyOptions o) {
  if (o.results.empty()) throw ConfigError("verify: missing the results folder");
  if (!fs::is_directory(o.results)) throw ConfigError(o.results + ": results folder not found");
  if (o.out.empty()) o.out = o.results + "/verify";
  // Incumbents by how many runs chose them. Every result must promise the same thing (benchmark,
  // dataset, metric, epochs): a folder of several experiments is refused, not averaged over.
  std::map<std::uint32_t, int> chosen;
  std::string benchmark_path, dataset, metric, first_file;
  int epochs = 0;
  for (const auto& entry : fs::recursive_directory_iterator(o.results)) {
    if (entry.path().extension() != ".json" ||
        entry.path().string().find("/verify/") != std::string::npos)
      continue;
    const RunResult result = ReadRunResult(entry.path().string());
    if (!result.incumbent_index) continue;  // a run that chose nothing
    const auto promise = [](const std::string& b, const std::string& d, const std::string& m,
                            int e) {
      return fmt::format("{} of {} after {} epochs in {}", m, d, e, b);
    };
    const std::string promised =
        promise(result.benchmark_path, result.dataset, result.report_metric, result.report_epochs);
    if (first_file.empty()) {
      first_file = result.path;
      benchmark_path = result.benchmark_path;
      dataset = result.dataset;
      metric = result.report_metric;
      epochs = result.report_epochs;
    } else if (promised != promise(benchmark_path, dataset, metric, epochs)) {
      throw ConfigError(fmt::format(
          "{}: verify retrains against one benchmark, dataset and metric, but the folder mixes "
          "{} ({}) and {} ({}): give it one experiment's folder",
          o.results, promise(benchmark_path, dataset, metric, epochs), first_file, promised,
          result.path));
    }
    ++chosen[*result.incumbent_index];
  }
  if (chosen.empty()) throw ConfigError(o.results + ": no run results found");
  const TabularBenchmark benchmark = TabularBenchmark::Open(benchmark_path);
  const BenchBuildOptions build = BuildSettings(benchmark, o.data_dir);
  TrainOptions train = build.train;
  train.device = o.device;
  train.threads = o.threads;
  // The retraining follows the recipe's whole schedule; the promise is read at its epoch.
  if (epochs < 1 || epochs > train.epochs) {
    throw ConfigError(fmt::format(
        "verify: the runs promise {} after {} epochs, but {} was trained for {} epochs (1 to {} "
        "can be checked)",
        metric, epochs, benchmark.path(), train.epochs, train.epochs));
  }
  Measured(EpochLog{}, metric);  // refuses an untrained metric before any training

  std::vector<std::pair<int, std::uint32_t>> ranked;
  for (const auto& [index, count] : chosen) ranked.emplace_back(-count, index);
  std::sort(ranked.begin(), ranked.end());
  if (ranked.size() > static_cast<std::size_t>(o.top_k)) ranked.resize(o.top_k);

  const DatasetSplits data = build.setup.LoadData();
  const NetworkShape shape = build.setup.Shape(data);
  std::vector<double> promised, measured;
  const bool own_seed =
      fmt::format(",{},", build.seeds).find(fmt::format(",{},", o.seed)) != std::string::npos;
  std::string md = fmt::format(
      "# naskit verify: {}\n\nThe {} incumbents chosen most often, retrained with the benchmark's "
      "own settings and "
      "seed {} ({}). Promised: the benchmark's {} after {} epochs (mean over its "
      "seeds {}).\n\n"
      "| index | architecture | chosen by runs | promised | measured | difference "
      "|\n|---|---|---|---|---|---|\n",
      o.results, ranked.size(), o.seed,
      own_seed ? "one of the benchmark's own seeds: a repeat of its training"
               : "not a benchmark seed",
      metric, epochs, build.seeds);
  std::string csv = "index,architecture,chosen,promised,measured\n";
  const SearchSpace& space = benchmark.space();
  for (const auto& [negative_count, index] : ranked) {
    const std::size_t row = benchmark.RowOfIndex(index);
    const ArchId arch = benchmark.data().archs[row];
    const double promise = benchmark.Query(row, dataset, metric, epochs).value_or(NAN);
    const TrainResult result =
        TrainNetwork(space.Name(), arch, shape, data, train, static_cast<std::uint64_t>(o.seed));
    const double measure = Measured(result.epochs.at(static_cast<std::size_t>(epochs - 1)), metric);
    promised.push_back(promise);
    measured.push_back(measure);
    md += fmt::format("| {} | `{}` | {} | {:.2f} | {:.2f} | {:+.2f} |\n", index, space.Format(arch),
                      -negative_count, promise, measure, measure - promise);
    csv += fmt::format("{},{},{},{:.4f},{:.4f}\n", index, CsvCell(space.Format(arch)),
                       -negative_count, promise, measure);
  }
  md += fmt::format("\nRank agreement across the {}: Spearman {:.3f}, Kendall tau {:.3f}.\n",
                    ranked.size(), Spearman(promised, measured), KendallTau(promised, measured));
  fs::create_directories(o.out);
  WriteFileAtomically(o.out + "/verify.md", md);
  WriteFileAtomically(o.out + "/verify.csv", csv);
  return md;
}

}  // namespace naskit
