// Retraining a suite's incumbents; see verify.h.
#include "training/verify.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/markdown.h"
#include "benchmarks_data/csv_table.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/plugins.h"
#include "core/text.h"
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

// A real-training search's incumbents (evaluator `training`): each one's record in the results
// folder's trainings is the promise, and its recipe (recipe.json) and schedule the retraining's.
struct TrainedIncumbent {
  std::string arch;
  int chosen = 0;
  nlohmann::json record, recipe;
};

std::string VerifyTrainedIncumbents(const VerifyOptions& o,
                                    const std::map<std::string, int>& chosen,
                                    const RunResult& first) {
  // The plugins the search's workers loaded (a space's LibTorch network) are loaded here too.
  const auto& evaluator_options =
      first.settings.value("evaluator_options", nlohmann::json::object());
  if (evaluator_options.contains("worker_plugins")) {
    for (const std::string& plugin :
         SplitList(evaluator_options["worker_plugins"].get<std::string>())) {
      LoadPlugin(plugin);
    }
  }
  const std::string space_name = first.benchmark.value("space", "");
  const SearchSpace& space = GetSpace(space_name);
  const int epochs = first.signal.value("epochs", 0);
  // The records of the incumbents, trained on the whole training split at the signal's epochs.
  std::vector<TrainedIncumbent> incumbents;
  for (const auto& [arch, count] : chosen) {
    const std::string stem = fmt::format("{}-f1-", space.Parse(arch));
    for (const auto& e : fs::recursive_directory_iterator(o.results + "/" + kTrainingsFolder)) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with(stem) || !name.ends_with(fmt::format("-e{}.json", epochs))) continue;
      const auto recipe =
          nlohmann::json::parse(ReadFileContents(e.path().parent_path().string() + "/recipe.json"));
      if (recipe.at("setup").at("dataset") != first.dataset) continue;
      incumbents.push_back(
          {arch, count, nlohmann::json::parse(ReadFileContents(e.path())), recipe});
      break;
    }
    if (incumbents.empty() || incumbents.back().arch != arch) {
      throw DataError(fmt::format("{}/trainings: holds no record of the incumbent {} at {} epochs",
                                  o.results, Quote(arch), epochs));
    }
  }
  std::sort(incumbents.begin(), incumbents.end(),
            [](const auto& a, const auto& b) { return a.chosen > b.chosen; });
  if (incumbents.size() > static_cast<std::size_t>(o.top_k)) incumbents.resize(o.top_k);
  Measured(EpochLog{}, first.report_metric);

  std::string md = fmt::format(
      "# naskit verify: {}\n\nThe {} incumbents chosen most often, retrained with the search's "
      "recipe and seed {}. Promised: the {} its own training measured after {} epochs.\n\n"
      "| architecture | chosen by runs | training seed | promised | measured | difference "
      "|\n|---|---|---|---|---|---|\n",
      o.results, incumbents.size(), o.seed, first.report_metric, epochs);
  std::string csv = "architecture,chosen,promised,measured\n";
  std::vector<double> promised, measured;
  for (const TrainedIncumbent& inc : incumbents) {
    auto setup_values = inc.recipe.at("setup").get<OptionValues>();
    setup_values["data_dir"] = o.data_dir;
    auto train_values = inc.recipe.at("train").get<OptionValues>();
    train_values["epochs"] = std::to_string(epochs);
    train_values["device"] = o.device;
    train_values["threads"] = std::to_string(o.threads);
    const TrainingSetup setup = ParseOptions<TrainingSetup>("verify: recipe", setup_values);
    const TrainOptions train = ParseOptions<TrainOptions>("verify: recipe", train_values);
    const DatasetSplits data = setup.LoadData();
    const TrainResult result =
        TrainNetwork(space_name, space.Parse(inc.arch), setup.Shape(data), data, train,
                     static_cast<std::uint64_t>(o.seed), {},
                     {.schedule_epochs = inc.record.at("schedule_epochs").get<int>()});
    const double promise = inc.record.at("epochs").back().at(first.report_metric).get<double>();
    const double measure = Measured(result.epochs.back(), first.report_metric);
    promised.push_back(promise);
    measured.push_back(measure);
    md += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} | {:+.2f} |\n", MarkdownCode(inc.arch),
                      inc.chosen, inc.record.at("seed").get<std::int64_t>(), promise, measure,
                      measure - promise);
    csv += fmt::format("{},{},{:.4f},{:.4f}\n", CsvCell(inc.arch), inc.chosen, promise, measure);
  }
  if (incumbents.size() >= 2) {
    md += fmt::format("\nRank agreement across the {}: Spearman {:.3f}, Kendall tau {:.3f}.\n",
                      incumbents.size(), Spearman(promised, measured),
                      KendallTau(promised, measured));
  }
  fs::create_directories(o.out);
  WriteFileAtomically(o.out + "/verify.md", md);
  WriteFileAtomically(o.out + "/verify.csv", csv);
  return md;
}

}  // namespace

std::string VerifyIncumbents(VerifyOptions o) {
  if (o.results.empty()) throw ConfigError("verify: missing the results folder");
  if (!fs::is_directory(o.results)) throw ConfigError(o.results + ": results folder not found");
  if (o.out.empty()) o.out = o.results + "/verify";
  // Incumbents by how many runs chose them. Every result must promise the same thing (benchmark,
  // dataset, metric, epochs): a folder of several experiments is refused, not averaged over.
  std::map<std::uint32_t, int> chosen;
  std::map<std::string, int> trained;  // a real-training search's incumbents, by architecture
  std::optional<RunResult> trained_first;
  std::string benchmark_path, dataset, metric, first_file;
  int epochs = 0;
  for (const auto& entry : fs::recursive_directory_iterator(o.results)) {
    if (entry.path().extension() != ".json" ||
        entry.path().string().find("/verify/") != std::string::npos)
      continue;
    if (IsEvaluatorFolder(fs::relative(entry.path(), o.results).begin()->string())) continue;
    const RunResult result = ReadRunResult(entry.path().string());
    if (result.benchmark_path.empty() && result.benchmark.value("evaluator", "") == "training") {
      if (!result.incumbent) continue;
      if (!trained_first) trained_first = result;
      ++trained[*result.incumbent];
      continue;
    }
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
  if (!trained.empty() && !chosen.empty()) {
    throw ConfigError(o.results +
                      ": mixes real-training runs and runs on a benchmark: give verify "
                      "one experiment's folder");
  }
  if (!trained.empty()) return VerifyTrainedIncumbents(o, trained, *trained_first);
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
    md += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} | {:+.2f} |\n", index,
                      MarkdownCode(space.Format(arch)), -negative_count, promise, measure,
                      measure - promise);
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
