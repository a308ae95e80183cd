// naskit's own benchmark, built by training; see bench_build.h.
#include "training/bench_build.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/progress.h"
#include "spaces/nb201/nb201_space.h"
#include "training/nb201_torch_network.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kMetrics[] = {"train_accuracy", "train_loss",    "valid_accuracy",
                                    "valid_loss",     "test_accuracy", "test_loss"};

struct Task {
  std::uint64_t seed;
  ArchId representative;
  std::string File(const std::string& work) const {
    return fmt::format("{}/done/s{}-{}.json", work, seed, representative);
  }
};

std::vector<std::uint64_t> ParseSeeds(const std::string& text) {
  std::vector<std::uint64_t> seeds;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
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

std::vector<ArchId> Representatives(std::int64_t max_classes) {
  const Nb201Space space;
  std::vector<ArchId> reps;
  for (ArchId a = 0; a < space.Size(); ++a) {
    if (space.Canonical(a) == a) reps.push_back(a);
  }
  if (max_classes > 0 && static_cast<std::size_t>(max_classes) < reps.size())
    reps.resize(max_classes);
  return reps;
}

std::vector<Task> Plan(const BenchBuildOptions& o) {
  std::vector<Task> tasks;
  for (std::uint64_t seed : ParseSeeds(o.seeds)) {
    for (ArchId rep : Representatives(o.max_classes)) tasks.push_back({seed, rep});
  }
  return tasks;
}

// The options that determine the results (not where data and results live, nor how many workers).
OptionValues ResultSettings(const BenchBuildOptions& o) {
  OptionValues settings = RecordOptions(o);
  settings.erase("out");
  settings.erase("data_dir");
  settings.erase("workers");
  return settings;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Median time of a single-image forward pass, in milliseconds, on this process's threads.
double MeasureLatencyMs(ArchId arch, const Nb201MacroOptions& network, const at::Tensor& image) {
  torch::NoGradGuard no_grad;
  Nb201Network model(arch, network);
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

void Assemble(const BenchBuildOptions& o, const std::string& work, const std::vector<Task>& tasks) {
  const Nb201Space space;
  const auto seeds = ParseSeeds(o.seeds);
  std::set<ArchId> reps;
  for (const auto& t : tasks) reps.insert(t.representative);
  BenchmarkData data;
  for (ArchId a = 0; a < space.Size(); ++a) {
    if (reps.contains(space.Canonical(a))) {
      data.archs.push_back(a);
      data.index.push_back(static_cast<std::uint32_t>(a));
    }
  }
  const std::size_t rows = data.archs.size(), epochs = static_cast<std::size_t>(o.train.epochs),
                    s_count = seeds.size();
  std::vector<int> epoch_list;
  for (int e = 1; e <= o.train.epochs; ++e) epoch_list.push_back(e);
  const std::string d = o.setup.dataset;
  std::map<std::string, Table> tables;
  for (const char* metric : kMetrics) {
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
  // The unit text the shipped files carry (the counts are spaces/nb201/nb201_network.h's, once
  // named nb201_macro.h): kept so that rebuilt files keep their bytes.
  flops.attrs = {{"unit", "operations (naskit's convention, spaces/nb201/nb201_macro.h)"}};

  std::map<ArchId, std::vector<std::size_t>> rows_of_class;
  for (std::size_t r = 0; r < rows; ++r) rows_of_class[space.Canonical(data.archs[r])].push_back(r);
  std::map<ArchId, std::vector<double>> latencies;
  std::map<std::string, int> machines;  // timings are comparable only within one machine
  for (const auto& task : tasks) {
    const Json j = Json::parse(ReadText(task.File(work)));
    ++machines[j.value("machine", std::string("unrecorded"))];
    const std::size_t s =
        static_cast<std::size_t>(std::find(seeds.begin(), seeds.end(), task.seed) - seeds.begin());
    latencies[task.representative].push_back(j.at("latency_ms"));
    for (std::size_t row : rows_of_class.at(task.representative)) {
      for (std::size_t e = 0; e < epochs; ++e) {
        const Json& log = j.at("epochs").at(e);
        for (const char* metric : kMetrics) {
          tables["metrics/" + d + "/" + metric].per_seed[(row * epochs + e) * s_count + s] =
              log.at(metric);
        }
        seconds.per_seed[(row * epochs + e) * s_count + s] = log.at("cumulative_seconds");
      }
    }
  }
  // Counted per row: isomorphic cells share results but not parameters (a convolution whose output
  // only feeds `none` still has weights, as in NB201's own tables).
  const Nb201MacroOptions network = Nb201Macro(o.setup.Shape(o.setup.LoadData()));
  for (std::size_t row = 0; row < rows; ++row) {
    const NetworkCost cost = Nb201NetworkCost(data.archs[row], network);
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
  data.attrs = {
      {"name", "nb201-" + d},
      {"space", "nb201"},
      {"source", fmt::format("trained by `naskit bench build` ({} of 6,466 NB201 isomorphism "
                             "classes, one representative "
                             "each, seeds {}); rows of a class share its representative's results",
                             reps.size(), o.seeds)},
      {"build_settings", settings.dump()},
      {"network", fmt::format("NB201 skeleton with C={}, N={}, input {}x{}", o.setup.channels,
                              o.setup.cells, o.setup.image_size, o.setup.image_size)},
      {"training",
       fmt::format(
           "SGD Nesterov 0.9, lr {} cosine, wd {}, batch {}, {} epochs, {} training images, {} "
           "validation images held out of the training split, {} test images",
           o.train.learning_rate, o.train.weight_decay, o.train.batch_size, o.train.epochs,
           o.setup.train_subset, o.setup.valid_size, o.setup.test_subset)},
      {"licence", d == "fashion-mnist" ? "Fashion-MNIST: MIT (Zalando Research); results: as naskit"
                                       : "as naskit"},
      {"citation",
       "Dong & Yang, NAS-Bench-201, ICLR 2020; Xiao et al., Fashion-MNIST, arXiv:1708.07747, 2017"},
      {"row_order", "NB201 architecture id (base-5 ops); /archs/index equals /archs/id"},
  };
  WriteBenchmark(data, o.out);
}

}  // namespace

void RunBenchWorker(const std::string& work, const std::string& data_dir, int index, int count) {
  auto values = Json::parse(ReadText(work + "/settings.json")).get<OptionValues>();
  values["data_dir"] = data_dir;
  BenchBuildOptions o = ParseOptions<BenchBuildOptions>("bench build", values);
  const auto tasks = Plan(o);
  const DatasetSplits data = o.setup.LoadData();
  const NetworkShape shape = o.setup.Shape(data);
  const Nb201MacroOptions network = Nb201Macro(shape);
  const at::Tensor one_image = data.test.images.slice(0, 0, 1);
  for (std::size_t k = static_cast<std::size_t>(index); k < tasks.size();
       k += static_cast<std::size_t>(count)) {
    const Task& task = tasks[k];
    if (fs::exists(task.File(work))) continue;
    const TrainResult result =
        TrainNetwork("nb201", task.representative, shape, data, o.train, task.seed);
    Json j;
    j["representative"] = task.representative;
    j["arch"] = Nb201Space().Format(task.representative);
    j["seed"] = task.seed;
    j["params"] = result.params;
    j["flops"] = Nb201NetworkCost(task.representative, network).flops;
    j["latency_ms"] = MeasureLatencyMs(task.representative, network, one_image);
    j["machine"] = CpuName();
    double cumulative = 0;
    for (const auto& e : result.epochs) {
      cumulative += e.train_seconds;
      Json log = EpochLogJson(e);
      log["cumulative_seconds"] = cumulative;
      j["epochs"].push_back(log);
    }
    WriteFileAtomically(task.File(work), j.dump() + "\n");
  }
}

BenchBuildSummary BuildBenchmark(const BenchBuildOptions& o, const std::string& self,
                                 const std::atomic<bool>* stop) {
  if (o.out.empty()) throw ConfigError("bench build: missing required option --out");
  const auto tasks = Plan(o);
  BenchBuildSummary summary;
  summary.trainings = tasks.size();
  if (fs::exists(o.out)) {
    summary.already_done = tasks.size();
    return summary;
  }
  const std::string work = o.out + ".work";
  fs::create_directories(work + "/done");
  const std::string settings = Json(ResultSettings(o)).dump(1) + "\n";
  if (fs::exists(work + "/settings.json")) {
    if (ReadText(work + "/settings.json") != settings) {
      throw ConfigError(
          work + " holds a build with other settings; remove it or keep the settings it has:\n" +
          ReadText(work + "/settings.json"));
    }
  } else {
    WriteFileAtomically(work + "/settings.json", settings);
  }
  RemoveStaleTemporaries(work);
  auto count_done = [&] {
    std::size_t n = 0;
    for (const auto& t : tasks) n += fs::exists(t.File(work));
    return n;
  };
  summary.already_done = count_done();
  if (summary.already_done < tasks.size()) {
    std::vector<pid_t> children;
    const int workers =
        std::min<int>(o.workers, static_cast<int>(tasks.size() - summary.already_done));
    for (int i = 0; i < workers; ++i) {
      const pid_t pid = ::fork();
      if (pid < 0) throw IoError("bench build: cannot start a worker process");
      if (pid == 0) {
        // A worker must not outlive its build (e.g. one killed with SIGKILL): a resumed build would
        // run beside orphans.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        std::vector<std::string> args = {self,
                                         "bench",
                                         "worker",
                                         "--work",
                                         work,
                                         "--index",
                                         std::to_string(i),
                                         "--count",
                                         std::to_string(workers)};
        // An empty data folder means the dataset's default place; an empty flag would be refused.
        if (!o.setup.data_dir.empty()) args.insert(args.end(), {"--data-dir", o.setup.data_dir});
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(self.c_str(), argv.data());
        ::_exit(127);
      }
      children.push_back(pid);
    }
    Progress progress("naskit bench build", tasks.size() - summary.already_done);
    std::size_t reported = summary.already_done;
    int failed_status = 0;
    while (!children.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      for (auto it = children.begin(); it != children.end();) {
        int status = 0;
        if (::waitpid(*it, &status, WNOHANG) == *it) {
          if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) failed_status = status;
          it = children.erase(it);
        } else {
          ++it;
        }
      }
      const std::size_t done = count_done();
      progress.Advance(done - reported);
      reported = done;
      if ((stop && stop->load()) || failed_status) {
        for (pid_t pid : children) ::kill(pid, SIGTERM);
        for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
        children.clear();
      }
    }
    progress.Finish();
    summary.completed = count_done() - summary.already_done;
    if (failed_status && !(stop && stop->load())) {
      throw IoError(fmt::format(
          "bench build: a worker failed ({}); its error is above. Finished trainings are kept; "
          "run the same command again to resume",
          WIFEXITED(failed_status) ? "exit status " + std::to_string(WEXITSTATUS(failed_status))
                                   : "signal " + std::to_string(WTERMSIG(failed_status))));
    }
    if (summary.already_done + summary.completed < tasks.size()) {
      summary.interrupted = true;
      return summary;
    }
  }
  Assemble(o, work, tasks);
  return summary;
}

}  // namespace naskit
