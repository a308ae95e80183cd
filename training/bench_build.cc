// naskit's own benchmark, built by training; see bench_build.h.
#include "training/bench_build.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/job_runner.h"
#include "core/rng.h"
#include "core/text.h"
#include "spaces/network_cost.h"
#include "training/network.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct Task {
  std::uint64_t seed;
  ArchId representative;
  // The job's key: its result is <work>/done/s<seed>-<representative>.json.
  std::string Key() const { return fmt::format("done/s{}-{}", seed, representative); }
};

std::vector<std::uint64_t> ParseSeeds(const std::string& text) {
  std::vector<std::uint64_t> seeds;
  for (const std::string& item : SplitList(text)) {
    try {
      std::size_t used = 0;
      seeds.push_back(std::stoull(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::logic_error&) {
      throw ConfigError("bench build: option \"seeds\" must be comma-separated integers (got " +
                        Quote(text) + ")");
    }
  }
  if (seeds.empty() || std::set<std::uint64_t>(seeds.begin(), seeds.end()).size() != seeds.size()) {
    throw ConfigError("bench build: option \"seeds\" must list distinct integers (got " +
                      Quote(text) + ")");
  }
  return seeds;
}

// Spaces up to this size are enumerated: their classes listed and every member given a row.
constexpr std::uint64_t kMaxEnumerated = std::uint64_t{1} << 24;

bool Enumerable(const SearchSpace& space) {
  return space.Dense() && space.Size() <= kMaxEnumerated;
}

// One representative (the smallest id) per trained class, in increasing id.
std::vector<ArchId> Representatives(const SearchSpace& space, const BenchBuildOptions& o) {
  std::vector<ArchId> reps;
  if (o.sample > 0) {
    // Drawn classes: uniform architectures, each replaced by its class's representative; a
    // space with fewer classes than asked for ends the draw after many repeats.
    std::set<ArchId> drawn;
    Rng rng = Rng(static_cast<std::uint64_t>(o.sample_seed)).Derive("bench build classes");
    const std::uint64_t wanted = static_cast<std::uint64_t>(o.sample);
    for (std::uint64_t tries = 0; drawn.size() < wanted && tries < 100 * wanted; ++tries)
      drawn.insert(space.Canonical(space.Sample(rng)));
    if (drawn.size() < wanted) {
      throw ConfigError(fmt::format(
          "bench build: option \"sample\": drew only {} distinct classes of space {} in {} "
          "tries (asked for {}); use max_classes to build every class",
          drawn.size(), Quote(space.Name()), 100 * wanted, wanted));
    }
    return {drawn.begin(), drawn.end()};
  }
  if (!Enumerable(space)) {
    throw ConfigError(
        fmt::format("bench build: space {} has {} architectures, too many to enumerate; set option "
                    "\"sample\" (e.g. --sample 1000) to draw the classes to build",
                    Quote(space.Name()), space.Size()));
  }
  for (ArchId a = 0; a < space.Size(); ++a) {
    if (space.Canonical(a) != a) continue;
    reps.push_back(a);
    if (o.max_classes > 0 && reps.size() == static_cast<std::size_t>(o.max_classes)) break;
  }
  return reps;
}

std::vector<Task> Plan(const BenchBuildOptions& o) {
  const SearchSpace& space = GetSpace(o.space);
  FindTorchNetwork(o.space);  // a clear error for a space without a LibTorch network
  std::vector<Task> tasks;
  const std::vector<ArchId> reps = Representatives(space, o);
  for (std::uint64_t seed : ParseSeeds(o.seeds)) {
    for (ArchId rep : reps) tasks.push_back({seed, rep});
  }
  return tasks;
}

// The options that determine the results (not where data and results live, nor how many workers).
OptionValues ResultSettings(const BenchBuildOptions& o) {
  OptionValues settings = RecordOptions(o);
  settings.erase("out");
  settings.erase("data_dir");
  settings.erase("workers");
  settings.erase("shard");
  return settings;
}

// Median time of a single-image forward pass, in milliseconds, on this process's threads.
double MeasureLatencyMs(const TorchNetworkEntry& network, ArchId arch, const NetworkShape& shape,
                        const at::Tensor& image) {
  torch::NoGradGuard no_grad;
  const std::shared_ptr<NetworkImpl> model = network.build(arch, shape);
  model->eval();
  std::vector<double> times;
  for (int i = 0; i < 13; ++i) {
    const auto start = std::chrono::steady_clock::now();
    model->forward(image);
    if (i >= 3)
      times.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::string CpuName() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

// The rows: every member of a trained class where the space is enumerable (indexed by id), else
// the representatives (indexed by row).
void AddRows(const SearchSpace& space, const std::set<ArchId>& reps, BenchmarkData& data) {
  if (!Enumerable(space)) {
    data.archs.assign(reps.begin(), reps.end());
    for (std::size_t row = 0; row < data.archs.size(); ++row)
      data.index.push_back(static_cast<std::uint32_t>(row));
    return;
  }
  for (ArchId a = 0; a < space.Size(); ++a) {
    if (reps.contains(space.Canonical(a))) {
      data.archs.push_back(a);
      data.index.push_back(static_cast<std::uint32_t>(a));
    }
  }
}

std::string Citation(const std::string& space, const std::string& dataset) {
  static const std::map<std::string, std::string> kSpaces = {
      {"nb201", "Dong & Yang, NAS-Bench-201, ICLR 2020"},
      {"nb101", "Ying et al., NAS-Bench-101, ICML 2019"},
      {"darts", "Liu et al., DARTS, ICLR 2019; Siems et al., NAS-Bench-301, 2020"}};
  std::string text = kSpaces.contains(space) ? kSpaces.at(space) : "naskit space " + space;
  if (dataset == "fashion-mnist") text += "; Xiao et al., Fashion-MNIST, arXiv:1708.07747, 2017";
  if (dataset == "cifar10") text += "; Krizhevsky, CIFAR-10, 2009";
  return text;
}

void Assemble(const BenchBuildOptions& o, const std::string& work, const std::vector<Task>& tasks) {
  const SearchSpace& space = GetSpace(o.space);
  const auto seeds = ParseSeeds(o.seeds);
  std::set<ArchId> reps;
  for (const auto& t : tasks) reps.insert(t.representative);
  BenchmarkData data;
  AddRows(space, reps, data);
  const std::size_t rows = data.archs.size(), epochs = static_cast<std::size_t>(o.train.epochs),
                    s_count = seeds.size();
  std::vector<int> epoch_list;
  for (int e = 1; e <= o.train.epochs; ++e) epoch_list.push_back(e);
  const std::string d = o.setup.dataset;
  std::map<std::string, Table> tables;
  for (const char* metric : kTrainedMetrics) {
    Table& t = tables["metrics/" + d + "/" + metric];
    t.epochs = epoch_list;
    t.columns = epochs;
    t.seeds = s_count;
    t.per_seed.assign(rows * epochs * s_count, NAN);
    const std::string name = metric;
    t.attrs = {
        {"split", name.substr(0, name.find('_'))},
        {"unit", name.ends_with("accuracy") ? "percent" : "cross-entropy"},
        {"aggregation",
         fmt::format("values: mean over {} seeds; per seed in the third dimension", s_count)}};
  }
  Table& seconds = tables["cost/" + d + "/train_seconds"];
  seconds.epochs = epoch_list;
  seconds.columns = epochs;
  seconds.seeds = s_count;
  seconds.per_seed.assign(rows * epochs * s_count, NAN);
  Table latency, params, flops;
  latency.values.assign(rows, NAN);
  params.values.assign(rows, NAN);
  params.attrs = {{"unit", "count"}};
  flops.values.assign(rows, NAN);
  // NB201's unit text is the one the shipped files carry (the counts are
  // spaces/nb201/nb201_network.h's, once named nb201_macro.h): kept so that rebuilt files keep
  // their bytes.
  flops.attrs = {{"unit", fmt::format("operations (naskit's convention, spaces/{0}/{0}_{1}.h)",
                                      o.space, o.space == "nb201" ? "macro" : "network")}};

  std::map<ArchId, std::vector<std::size_t>> rows_of_class;
  for (std::size_t r = 0; r < rows; ++r) rows_of_class[space.Canonical(data.archs[r])].push_back(r);
  std::map<ArchId, std::vector<double>> latencies;
  std::map<std::string, int> machines;  // timings are comparable only within one machine
  for (const auto& task : tasks) {
    const Json j = Json::parse(ReadFileContents(work + "/" + task.Key() + ".json"));
    ++machines[j.value("machine", std::string("unrecorded"))];
    const std::size_t s =
        static_cast<std::size_t>(std::find(seeds.begin(), seeds.end(), task.seed) - seeds.begin());
    latencies[task.representative].push_back(j.at("latency_ms"));
    for (std::size_t row : rows_of_class.at(task.representative)) {
      for (std::size_t e = 0; e < epochs; ++e) {
        const Json& log = j.at("epochs").at(e);
        for (const char* metric : kTrainedMetrics) {
          tables["metrics/" + d + "/" + metric].per_seed[(row * epochs + e) * s_count + s] =
              log.at(metric);
        }
        seconds.per_seed[(row * epochs + e) * s_count + s] = log.at("cumulative_seconds");
      }
    }
  }
  // Counted per row: isomorphic cells share results but not parameters (a convolution whose output
  // only feeds `none` still has weights, as in NB201's own tables).
  const NetworkShape shape = o.setup.Shape(o.setup.LoadData());
  const auto counter =
      NetworkRegistry::Global().Create(o.space, FindTorchNetwork(o.space).counter_options(shape));
  for (std::size_t row = 0; row < rows; ++row) {
    const NetworkCost cost = counter->Count(data.archs[row]);
    params.values[row] = static_cast<float>(cost.params);
    flops.values[row] = static_cast<float>(cost.flops);
  }
  for (const auto& [rep, values] : latencies) {
    double total = 0;
    for (double v : values) total += v;
    for (std::size_t row : rows_of_class.at(rep))
      latency.values[row] = static_cast<float>(total / values.size());
  }
  std::string where;
  for (const auto& [machine, count] : machines) {
    where += fmt::format("{}{} ({} trainings)", where.empty() ? "" : "; ", machine, count);
  }
  seconds.attrs = {
      {"unit", "seconds"},
      {"note", fmt::format("cumulative training time to each epoch, {} LibTorch thread(s) "
                           "per training, measured where each training ran: {}",
                           o.train.threads, where)}};
  latency.attrs = {{"unit", "milliseconds"},
                   {"note",
                    "median single-image forward pass, one LibTorch thread, measured where "
                    "each training ran: " +
                        where}};
  for (auto& [path, t] : tables) t.AverageSeeds();
  seconds.AverageSeeds();
  tables["hardware/build-cpu/latency_ms"] = latency;
  tables["features/" + d + "/params"] = params;
  tables["features/" + d + "/flops"] = flops;
  data.tables = std::move(tables);

  Json settings = ResultSettings(o);
  const bool whole = Enumerable(space) && o.sample == 0 && o.max_classes == 0;
  data.attrs = {
      {"name", o.space + "-" + d},
      {"space", o.space},
      {"source",
       fmt::format("trained by `naskit bench build` ({} {} isomorphism classes{}, one "
                   "representative each, seeds {}); {}",
                   whole ? "all" : std::to_string(reps.size()), o.space,
                   o.sample > 0 ? fmt::format(" drawn with seed {}", o.sample_seed) : "", o.seeds,
                   Enumerable(space) ? "rows of a class share its representative's results"
                                     : "one row per class")},
      {"build_settings", settings.dump()},
      {"network", fmt::format("{} network with channels={}, cells={} (0: the space's own), input "
                              "{}x{}",
                              o.space, o.setup.channels, o.setup.cells, o.setup.image_size,
                              o.setup.image_size)},
      {"training",
       fmt::format(
           "SGD Nesterov 0.9, lr {} cosine, wd {}, batch {}, {} epochs, {} training images, {} "
           "validation images held out of the training split, {} test images",
           o.train.learning_rate, o.train.weight_decay, o.train.batch_size, o.train.epochs,
           o.setup.train_subset, o.setup.valid_size, o.setup.test_subset)},
      {"licence", d == "fashion-mnist" ? "Fashion-MNIST: MIT (Zalando Research); results: as naskit"
                                       : "as naskit"},
      {"citation", Citation(o.space, d)},
      {"row_order", Enumerable(space)
                        ? o.space + " architecture id; /archs/index equals /archs/id"
                        : o.space + " architecture id, increasing; /archs/index is the row"},
  };
  WriteBenchmark(data, o.out);
}

// The executor's view of a build: its work folder, claimed with the settings, and one job per
// training.
JobFolder BuildFolder(const BenchBuildOptions& o) {
  return {.command = "bench build",
          .name = o.out,
          .definition_file = "settings.json",
          .definition = Json(ResultSettings(o)).dump(1) + "\n",
          .what_differs =
              "a build with other settings; remove it or keep the settings it has "
              "(they are in its settings.json)"};
}

std::vector<std::string> Keys(const std::vector<Task>& tasks) {
  std::vector<std::string> keys;
  for (const Task& task : tasks) keys.push_back(task.Key());
  return keys;
}

}  // namespace

void RunBenchWorker(const std::string& work, const std::string& data_dir, int index, int count,
                    const std::string& shard) {
  auto values = Json::parse(ReadFileContents(work + "/settings.json")).get<OptionValues>();
  values["data_dir"] = data_dir;
  BenchBuildOptions o = ParseOptions<BenchBuildOptions>("bench build", values);
  const auto tasks = ShareOf(Plan(o), ResolveShard(shard));
  const SearchSpace& space = GetSpace(o.space);
  const TorchNetworkEntry& network = FindTorchNetwork(o.space);
  const DatasetSplits data = o.setup.LoadData();
  const NetworkShape shape = o.setup.Shape(data);
  const auto counter = NetworkRegistry::Global().Create(o.space, network.counter_options(shape));
  const at::Tensor one_image = data.test.images.slice(0, 0, 1);
  RunJobs(BuildFolder(o), Keys(tasks),
          [&](std::size_t k) {
            const Task& task = tasks[k];
            const TrainResult result =
                TrainNetwork(o.space, task.representative, shape, data, o.train, task.seed);
            Json j;
            j["representative"] = task.representative;
            j["arch"] = space.Format(task.representative);
            j["seed"] = task.seed;
            j["params"] = result.params;
            j["flops"] = counter->Count(task.representative).flops;
            j["latency_ms"] = MeasureLatencyMs(network, task.representative, shape, one_image);
            j["machine"] = CpuName();
            double cumulative = 0;
            for (const auto& e : result.epochs) {
              cumulative += e.train_seconds;
              Json log = EpochLogJson(e);
              log["cumulative_seconds"] = cumulative;
              j["epochs"].push_back(log);
            }
            return j.dump() + "\n";
          },
          {.out_dir = work, .shard_index = index + 1, .shard_count = count, .progress = false});
}

BenchBuildSummary BuildBenchmark(const BenchBuildOptions& o, const std::string& self,
                                 const std::atomic<bool>* stop) {
  if (o.out.empty()) throw ConfigError("bench build: missing required option --out");
  const auto all_tasks = Plan(o);
  const std::pair<int, int> shard = ResolveShard(o.shard);
  const auto tasks = ShareOf(all_tasks, shard);
  BenchBuildSummary summary;
  summary.trainings = tasks.size();
  std::tie(summary.shard_index, summary.shard_count) = shard;
  const std::string shard_text = fmt::format("{}/{}", shard.first, shard.second);
  if (fs::exists(o.out)) {
    summary.already_done = tasks.size();
    return summary;
  }
  const std::string work = o.out + ".work";
  const RunnerSummary run =
      RunJobsInProcesses(BuildFolder(o), Keys(tasks),
                         [&](int index, int count) {
                           std::vector<std::string> args = {self,
                                                            "bench",
                                                            "worker",
                                                            "--work",
                                                            work,
                                                            "--index",
                                                            std::to_string(index),
                                                            "--count",
                                                            std::to_string(count),
                                                            "--shard",
                                                            shard_text};
                           // An empty data folder means the dataset's default place; an empty flag
                           // would be refused.
                           if (!o.setup.data_dir.empty())
                             args.insert(args.end(), {"--data-dir", o.setup.data_dir});
                           return args;
                         },
                         {.out_dir = work, .jobs = o.workers, .stop = stop});
  summary.already_done = run.already_done;
  summary.completed = run.completed;
  summary.interrupted = run.interrupted;
  if (!summary.interrupted && shard.second == 1) Assemble(o, work, all_tasks);
  return summary;
}

}  // namespace naskit
