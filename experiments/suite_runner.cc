// The suite runner; see suite_runner.h.
#include "experiments/suite_runner.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/progress.h"
#include "experiments/run_result.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// float32 table values as the shortest decimal that reads back to the same float, so result files
// show 94.3733 rather than 94.37329864501953.
double Decimal(float v) { return std::isnan(v) ? NAN : std::stod(fmt::format("{}", v)); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string RunResultJson(const Suite& suite, const PlannedRun& run, const PreparedSearch& search,
                          const RunTrace& trace) {
  const TabularBenchmark& benchmark = search.benchmark();
  const SearchSettings& s = search.settings();
  const SuiteStrategy& strategy = suite.strategies[run.strategy];
  Json j;
  j["format"] = kRunResultFormat;
  j["format_version"] = kRunResultFormatVersion;
  j["naskit_version"] = NASKIT_VERSION;
  j["suite"] = suite.name;
  j["run"] = run.key;
  j["experiment"] = suite.experiments[run.experiment].name;
  j["dataset"] = run.dataset;
  j["strategy"] = strategy.key;
  j["label"] = strategy.label;
  j["options"] = strategy.resolved;
  j["seed"] = run.seed;
  j["benchmark"] = {{"path", benchmark.path()},
                    {"name", benchmark.Attr("name")},
                    {"checksum", fmt::format("fnv1a64:{:016x}", benchmark.checksum())}};
  j["signal"] = {{"metric", s.signal_metric}, {"epochs", s.signal_epochs}, {"dataset", s.dataset}};
  // Written only where they differ from the defaults, so that results of plain experiments keep
  // their bytes.
  if (!s.signal_device.empty()) j["signal"]["device"] = s.signal_device;
  if (s.signal_random_seed) j["signal"]["seed"] = "random";
  if (s.minimize) j["direction"] = "minimize";
  if (s.workers > 1) j["workers"] = s.workers;
  if (!s.constraints.empty()) {
    std::vector<std::string> texts;
    for (const auto& c : s.constraints) texts.push_back(c.text);
    j["constraints"] = texts;
  }
  Json best;
  for (std::size_t d = 0; d < search.report_datasets().size(); ++d)
    best[search.report_datasets()[d]] = Decimal(search.BestReport(d));
  j["report"] = {{"metric", s.report_metric},
                 {"epochs", s.report_epochs},
                 {"datasets", search.report_datasets()},
                 {"best_in_benchmark", best}};
  j["budget"] = {{"unit", s.budget_unit}, {"amount", s.budget}};
  if (search.cost()) {
    j["cost"] = {{"scale", s.cost_scale},
                 {"source", search.cost()->Description()},
                 {"modelled_queries", trace.modelled_cost_queries},
                 {"charge_repeats", s.charge_repeats}};
  }
  j["free_repeats"] = trace.free_repeats;
  j["stalled"] = trace.stalled;

  const std::size_t n = trace.row.size();
  Json final_result;
  final_result["queries"] = n;
  final_result["seconds"] = n ? trace.seconds.back() : 0.0;
  if (n && !trace.incumbent.back()) {
    // No query reached the signal's fidelity (or satisfied the constraints): nothing was chosen.
    final_result["incumbent_index"] = nullptr;
    final_result["incumbent"] = nullptr;
  } else if (n) {
    const std::size_t inc = *trace.incumbent.back();
    final_result["incumbent_index"] = benchmark.data().index[inc];
    final_result["incumbent"] = benchmark.space().Format(benchmark.data().archs[inc]);
    final_result["signal"] = Decimal(search.signal().At(inc, search.signal_column()));
    Json report;
    for (std::size_t d = 0; d < trace.report.size(); ++d)
      report[search.report_datasets()[d]] = Decimal(trace.report[d].back());
    final_result["report"] = report;
  }
  j["final"] = final_result;

  Json t;
  std::vector<std::uint32_t> index;
  Json incumbent = Json::array();
  std::vector<double> signal;
  for (std::size_t i = 0; i < n; ++i) {
    index.push_back(benchmark.data().index[trace.row[i]]);
    if (trace.incumbent[i]) {
      incumbent.push_back(benchmark.data().index[*trace.incumbent[i]]);
    } else {
      incumbent.push_back(nullptr);
    }
    signal.push_back(Decimal(trace.signal[i]));
  }
  t["index"] = index;
  t["signal"] = signal;
  if (search.cost()) {
    std::vector<double> seconds;
    for (double x : trace.seconds) seconds.push_back(std::round(x * 1000) / 1000);
    t["seconds"] = seconds;
  }
  t["incumbent_index"] = incumbent;
  Json report;
  for (std::size_t d = 0; d < trace.report.size(); ++d) {
    std::vector<double> values;
    for (float v : trace.report[d]) values.push_back(Decimal(v));
    report[search.report_datasets()[d]] = values;
  }
  t["incumbent_report"] = report;
  j["trajectory"] = t;
  return j.dump() + "\n";
}

RunnerSummary RunSuite(const Suite& suite, const RunnerOptions& options) {
  // More threads than this only cost memory: runs are CPU-bound and write one small file each.
  constexpr int kMaxJobs = 1024;
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    throw ConfigError(fmt::format("--jobs must be in [1, {}] (got {})", kMaxJobs, options.jobs));
  }
  if (options.shard_count < 1 || options.shard_index < 1 ||
      options.shard_index > options.shard_count) {
    throw ConfigError(fmt::format("--shard must be i/n with 1 <= i <= n (got {}/{})",
                                  options.shard_index, options.shard_count));
  }
  RunnerSummary summary;
  summary.out_dir = options.out_dir.empty() ? "results/" + suite.name : options.out_dir;

  // Everything is checked before the first run starts: benchmark, names, options.
  const TabularBenchmark benchmark = TabularBenchmark::Open(suite.benchmark);
  const auto all_runs = PlanRuns(suite);
  std::map<std::string, std::unique_ptr<PreparedSearch>> searches;
  auto search_key = [](const PlannedRun& r) {
    return fmt::format("{}/{}/{}", r.experiment, r.dataset, r.budget);
  };
  for (const auto& run : all_runs) {
    auto& slot = searches[search_key(run)];
    if (!slot) {
      try {
        slot = std::make_unique<PreparedSearch>(benchmark, SettingsOf(suite, run));
      } catch (const ConfigError& e) {
        throw ConfigError(suite.path + ": experiment " +
                          Quote(suite.experiments[run.experiment].name) + ": " + e.what());
      }
    }
  }

  // One results folder holds one suite: refuse to mix results of different suites or overrides.
  std::error_code ec;
  fs::create_directories(summary.out_dir, ec);
  if (ec) throw IoError(summary.out_dir + ": cannot create results folder (" + ec.message() + ")");
  // The first run in a folder creates suite.yaml exclusively, so that of two different suites
  // started at once exactly one is refused (no exists-then-write window).
  const std::string suite_copy = summary.out_dir + "/suite.yaml";
  if (!CreateFileAtomically(suite_copy, suite.canonical_yaml)) {
    if (ReadFile(suite_copy) != suite.canonical_yaml) {
      throw ConfigError(summary.out_dir +
                        " holds results of a different suite (or of other --set overrides); "
                        "choose another --out or remove the folder");
    }
  }
  // ... or results computed on another version of the benchmark file.
  const std::string checksum_file = summary.out_dir + "/benchmark.checksum";
  const std::string checksum = fmt::format("fnv1a64:{:016x}\n", benchmark.checksum());
  if (!CreateFileAtomically(checksum_file, checksum)) {
    if (const std::string recorded = ReadFile(checksum_file); recorded != checksum) {
      throw ConfigError(summary.out_dir + " holds results computed on another version of " +
                        suite.benchmark + " (checksum " + recorded.substr(0, recorded.size() - 1) +
                        ", now " + checksum.substr(0, checksum.size() - 1) +
                        "); choose another --out or remove the folder");
    }
  }

  RemoveStaleTemporaries(summary.out_dir);
  std::vector<const PlannedRun*> todo;
  for (std::size_t i = 0; i < all_runs.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(options.shard_count)) !=
        options.shard_index - 1)
      continue;
    ++summary.planned;
    if (fs::exists(summary.out_dir + "/" + all_runs[i].key + ".json")) {
      ++summary.already_done;
    } else {
      todo.push_back(&all_runs[i]);
    }
  }

  std::optional<Progress> progress;
  if (options.progress && !todo.empty()) progress.emplace("naskit run " + suite.name, todo.size());
  std::atomic<std::size_t> next{0}, completed{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      if (options.stop && options.stop->load()) return;
      {
        std::lock_guard lock(error_mutex);
        if (error) return;
      }
      const std::size_t i = next++;
      if (i >= todo.size()) return;
      const PlannedRun& run = *todo[i];
      try {
        const PreparedSearch& search = *searches.at(search_key(run));
        const SuiteStrategy& strategy = suite.strategies[run.strategy];
        const RunTrace trace = ExecuteRun(search, strategy.key, strategy.options, run.seed);
        const std::string path = summary.out_dir + "/" + run.key + ".json";
        std::error_code dir_error;
        fs::create_directories(fs::path(path).parent_path(), dir_error);
        WriteFileAtomically(path, RunResultJson(suite, run, search, trace));
        ++completed;
        if (progress) progress->Advance();
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        return;
      }
    }
  };
  std::vector<std::jthread> threads;
  for (int t = 1; t < options.jobs; ++t) threads.emplace_back(worker);
  worker();
  threads.clear();  // joins
  if (progress) progress->Finish();
  if (error) std::rethrow_exception(error);
  summary.completed = completed;
  summary.interrupted = summary.already_done + summary.completed < summary.planned;
  return summary;
}

}  // namespace naskit
