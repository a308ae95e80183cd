// `naskit zc --benchmark FILE.h5 [--proxies a,b] [--dataset D]`: scores rows of a benchmark with
// zero-cost predictors and adds them to its features as `features/<features_of>/naskit_<proxy>`.
// Long runs (all 15,625 NB201 cells take hours) write the file every --checkpoint-seconds and on
// Ctrl-C; the same command resumes where the last write stopped.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "core/job_runner.h"
#include "core/names.h"
#include "core/rng.h"
#include "core/text.h"
#include "experiments/torch_cli/flags.h"
#include "experiments/torch_cli/resumable_columns.h"
#include "predictors/predictor.h"
#include "records/statistics.h"
#include "training/image_dataset.h"
#include "training/network.h"
#include "training/trainer.h"
#include "training/zero_cost.h"

namespace naskit::torch_cli {
namespace {

const ColumnCommand kZcCommand{"zc", "scores", "file the new scores under another --features-of"};

struct ZcCommandOptions {
  std::string benchmark;
  std::string proxies = "all";
  std::string features_of;
  std::string rows_with;
  std::int64_t limit = 0, sample = 0;
  int threads = 0;
  int checkpoint_seconds = 300;
  bool replace = false;
  std::string shard;  // resumable_columns.h's ColumnShare
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
    v("checkpoint_seconds", checkpoint_seconds,
      "write the scores so far to the file this often; a rerun resumes from there",
      InRange(1, 86400));
    v("replace", replace,
      "discard scores recorded with other settings (they are kept, and the command refused, "
      "without it)");
    v("shard", shard,
      "measure only the i-th of n shares of the rows, i/n, into FILE.share-i-of-n.h5 (default: "
      "the task's share in a Slurm job array); the command without a share merges them");
    zero_cost.Visit(v);
  }
};

std::string ProxyUnit(const std::string& key) {
  if (key == "params") return "count";
  // The unit text the shipped files carry (the counts are spaces/nb201/nb201_network.h's, once
  // named nb201_macro.h): kept so that rebuilt files keep their bytes.
  if (key == "flops") return "operations (naskit's convention, spaces/nb201/nb201_macro.h)";
  return key == "synflow" ? "natural log of the score" : "score";
}

bool IsNetworkCount(const std::string& key) { return key == "params" || key == "flops"; }

std::vector<std::string> ProxyKeys(const std::string& list) {
  std::vector<std::string> keys;
  if (list == "all") {
    for (const auto& proxy : ZeroCostProxies()) keys.emplace_back(proxy.key);
    keys.insert(keys.end(), {"params", "flops"});
    return keys;
  }
  std::vector<std::string> known = {"params", "flops"};
  for (const auto& proxy : ZeroCostProxies()) known.emplace_back(proxy.key);
  for (const std::string& key : SplitList(list)) {
    // Only what zc computes: a registered predictor that is no proxy (xgboost) is refused here,
    // before the file is touched, not at the first row.
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw ConfigError("zc: --proxies: " + UnknownNameMessage("zero-cost proxy", key, known));
    if (std::find(keys.begin(), keys.end(), key) != keys.end())
      throw ConfigError("zc: --proxies names " + Quote(key) + " twice");
    keys.push_back(key);
  }
  return keys;
}

// The rows to score: those with `rows_with` measured, then the first `limit` or a seeded `sample`.
std::vector<std::size_t> RowsToScore(const TabularBenchmark& benchmark, std::size_t n,
                                     const ZcCommandOptions& o, const std::string& features_of) {
  const Table* only =
      o.rows_with.empty() ? nullptr : &benchmark.Get("features/" + features_of + "/" + o.rows_with);
  std::vector<std::size_t> rows;
  for (std::size_t row = 0; row < n; ++row) {
    if (!only || !std::isnan(only->At(row))) rows.push_back(row);
  }
  return SelectRows(std::move(rows), o.limit, o.sample,
                    Rng(static_cast<std::uint64_t>(o.zero_cost.seed)).Derive("zc rows"));
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

// The settings as compared with recorded ones: the dataset folder normalised (a trailing '/',
// "./", or the default folder spelt out name the same data; a dataset without files has none).
OptionValues ComparableSettings(OptionValues settings) {
  namespace fs = std::filesystem;
  if (!settings.contains("data_dir")) return settings;
  const std::string dataset = settings["dataset"];
  std::string& folder = settings["data_dir"];
  if (dataset != "fashion-mnist" && dataset != "cifar10") {
    folder.clear();
    return settings;
  }
  auto normal = [](const std::string& path) {
    return path.empty() ? path : fs::weakly_canonical(fs::absolute(path)).string();
  };
  if (folder.empty() || normal(folder) == normal(DefaultDatasetFolder(dataset))) {
    folder.clear();
  } else {
    folder = normal(folder);
  }
  return settings;
}

// The column of proxy `key` at `path`, resumed when it was scored with the same settings.
ResumableColumn OpenScoreColumn(const TabularBenchmark& benchmark, const std::string& file,
                                const std::string& key, const std::string& path,
                                const OptionValues& settings, bool replace, std::size_t rows) {
  return OpenColumn(
      benchmark, file, kZcCommand, key, path, ComparableSettings(settings), replace, rows,
      {{"source", "naskit zc: " + key + " at initialisation"}, {"unit", ProxyUnit(key)}},
      ComparableSettings);
}

}  // namespace

// The columns a zc run fills: the proxies' (scored together by ZeroCostScores, in its order), then
// the counts' (params, flops: one counter each).
struct ZcColumns {
  std::vector<ResumableColumn> columns;
  std::vector<std::string> proxy_keys;
  std::vector<std::unique_ptr<Predictor>> counters;
};

ZcColumns OpenColumns(const TabularBenchmark& benchmark, const ZcCommandOptions& o,
                      const std::vector<std::string>& keys, const std::string& features_of,
                      const TorchNetworkEntry& network, const ZeroCostInput& input, std::size_t n) {
  const SearchSpace& space = benchmark.space();
  ZcColumns z;
  for (const std::string& key : keys) {
    OptionValues settings = RecordOptions(o.zero_cost);
    if (IsNetworkCount(key)) {
      // The counted network is the one the proxies build: the space's, with the minibatch's shape.
      settings = {{"network", space.Name()}};
      for (const auto& [k, v] : network.counter_options(input.network))
        settings["network." + k] = v;
      z.counters.push_back(PredictorRegistry::Global().Create(key, settings, {space}));
    } else {
      z.proxy_keys.push_back(key);
    }
    z.columns.push_back(OpenScoreColumn(benchmark, o.benchmark, key,
                                        "features/" + features_of + "/naskit_" + key, settings,
                                        o.replace, n));
  }
  std::stable_partition(z.columns.begin(), z.columns.end(),
                        [](const ResumableColumn& c) { return !IsNetworkCount(c.key); });
  return z;
}

// Scores `todo` in parallel, each row on one thread (FillColumns writes the file as it goes).
void ScoreRows(ZcColumns& z, const std::vector<std::size_t>& todo, BenchmarkData& data,
               const SearchSpace& space, const ZeroCostInput& input, const ZcCommandOptions& o,
               std::size_t workers, const std::string& file, bool merged) {
  auto score_row = [&](std::size_t row) {
    const ArchId arch = data.archs[row];
    std::vector<double> scores = z.proxy_keys.empty()
                                     ? std::vector<double>{}
                                     : ZeroCostScores(z.proxy_keys, space.Name(), arch, input,
                                                      static_cast<std::uint64_t>(o.zero_cost.seed));
    for (const auto& counter : z.counters) scores.push_back(counter->Predict({&arch, 1}).mean[0]);
    return scores;
  };
  FillColumns(z.columns, todo, data, file, score_row, workers, o.checkpoint_seconds,
              fmt::format("naskit zc ({} rows x {} predictors)", todo.size(), z.columns.size()),
              merged);
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
  // Each row is scored on one thread, rows in parallel: a score does not depend on --threads or
  // the machine's cores (a multi-threaded reduction would sum in another order).
  ConfigureTorchThreads(1);
  const std::size_t workers = o.threads > 0
                                  ? static_cast<std::size_t>(o.threads)
                                  : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (const std::string& key : keys) {
    if (!IsNetworkCount(key)) CheckZeroCostOptions(key, o.zero_cost);
  }
  // A share resumes from its own file; the whole command first takes in what shares measured.
  const ColumnShare share = ResolveColumnShare(o.benchmark, o.shard);
  TabularBenchmark benchmark = TabularBenchmark::Open(
      share.active() && std::filesystem::exists(share.file) ? share.file : o.benchmark);
  const SearchSpace& space = benchmark.space();
  const TorchNetworkEntry& network = [&]() -> const TorchNetworkEntry& {
    try {
      return FindTorchNetwork(space.Name());
    } catch (const ConfigError& e) {
      throw ConfigError("zc: " + o.benchmark + ": " + e.what());
    }
  }();
  const ZeroCostInput input = LoadZeroCostInput(o.zero_cost);

  // Every column is opened (and every predictor's options checked) before the first score.
  BenchmarkData data = benchmark.data();
  const std::size_t n = data.archs.size();
  ZcColumns z = OpenColumns(benchmark, o, keys, features_of, network, input, n);
  std::vector<ResumableColumn>& columns = z.columns;
  const std::vector<std::string> merged =
      share.active() ? std::vector<std::string>{} : MergeShares(columns, o.benchmark);

  const std::vector<std::size_t> all_rows = RowsToScore(benchmark, n, o, features_of);
  const std::vector<std::size_t> rows = ShareOf(all_rows, share.shard);
  std::vector<std::size_t> todo;
  for (std::size_t row : rows) {
    if (std::any_of(columns.begin(), columns.end(),
                    [&](const ResumableColumn& c) { return !c.measured[row]; }))
      todo.push_back(row);
  }
  if (todo.size() < rows.size()) {
    std::cerr << fmt::format("naskit zc: {} of {} rows already scored in {}\n",
                             rows.size() - todo.size(), rows.size(), o.benchmark);
  }
  ScoreRows(z, todo, data, space, input, o, workers, share.file, !merged.empty());
  if (Interrupted()) {
    std::cerr << fmt::format(
        "naskit zc: interrupted; the scores so far are in {}: run the same command again to "
        "resume\n",
        share.file);
    return 130;
  }
  if (FinishShares(share, merged, kZcCommand, o.benchmark)) return 0;
  for (const ResumableColumn& c : columns) {
    static const std::map<std::string, std::string> kFileNames = {{"jacob_cov", "jacov"}};
    const auto file_name = kFileNames.contains(c.key) ? kFileNames.at(c.key) : c.key;
    PrintRankAgreement(benchmark, c.key, c.table.values, rows,
                       "features/" + features_of + "/" + file_name);
    PrintRankAgreement(benchmark, c.key, c.table.values, rows,
                       "metrics/" + features_of + "/test_accuracy");
  }
  return 0;
}

}  // namespace naskit::torch_cli
