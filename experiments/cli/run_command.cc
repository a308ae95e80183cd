// `naskit run SUITE.yaml`, `naskit eval-predictors SUITE.yaml` and `naskit report DIR`.
#include <optional>
#include <tuple>

#include <filesystem>

#include <fmt/format.h>

#include "analysis/report.h"
#include "core/errors.h"
#include "experiments/cli/cli_util.h"
#include "experiments/predictor_suite.h"
#include "experiments/suite_runner.h"
#include "experiments/yaml_reader.h"
#include "records/run_result.h"
#include "records/suite_manifest.h"

namespace naskit::cli {
namespace {

// The options of `run` and `eval-predictors`, declared once.
struct SuiteCommandOptions {
  std::string suite;
  int jobs = 1;
  std::string out;
  std::string shard;
  bool quiet = false;

  template <class V>
  void Visit(V& v) {
    v("suite", suite, "suite file (.yaml)", Required());
    v("jobs", jobs, "runs in parallel (results do not depend on it)", InRange(1, 1024));
    v("out", out, "results folder (default: results/<suite name>)");
    v("shard", shard,
      "run only the i-th of n shares: i/n (default: the task's share in a Slurm job array, else "
      "all)");
    v("quiet", quiet, "no progress output");
  }
};

// `run` and `eval-predictors`: the same options, the same resumable runner; `run` takes either
// kind of suite.
int RunSuiteCommand(const Args& args, const std::string& command) {
  po::options_description overrides_option;
  overrides_option.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                                 "override a suite key: dotted.key=value (repeatable)");
  po::variables_map extra;
  const auto o = ParseCommand<SuiteCommandOptions>(
      args, command,
      command + " SUITE.yaml [--set key=value ...] [--jobs N] [--out DIR] [--shard i/n]", {"suite"},
      {{"jobs", 'j'}, {"out", 'o'}, {"quiet", 'q'}}, overrides_option, &extra);
  if (!o) return 0;
  const std::vector<std::string> overrides =
      extra.count("set") ? extra["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const std::string& path = o->suite;
  RunnerOptions runner;
  runner.out_dir = o->out;
  runner.jobs = o->jobs;
  runner.progress = !o->quiet;
  runner.stop = &StopRequested();
  std::tie(runner.shard_index, runner.shard_count) = ResolveShard(o->shard);
  if (o->shard.empty() && runner.shard_count > 1) {
    fmt::print(stderr, "naskit: Slurm array task: share {} of {}\n", runner.shard_index,
               runner.shard_count);
  }
  const bool predictors = IsPredictorSuite(path);
  if (command == "eval-predictors" && !predictors) {
    // A file that is not readable YAML is reported as such (with its line), not as a search suite.
    LoadSuiteYaml(path, overrides);
    throw ConfigError(path +
                      ": not a predictor suite (it has no \"predictors\" key); run a search "
                      "suite with `naskit run`");
  }
  std::optional<PredictorSuite> predictor_suite;
  std::optional<Suite> search_suite;
  if (predictors) {
    predictor_suite = LoadPredictorSuite(path, overrides);
  } else {
    search_suite = LoadSuite(path, overrides);
  }
  InstallStopHandlers();
  const RunnerSummary summary =
      predictors ? RunPredictorSuite(*predictor_suite, runner) : RunSuite(*search_suite, runner);
  if (summary.interrupted) {
    fmt::print(stderr,
               "naskit: interrupted: {} of {} runs finished and saved in {}; run the same command "
               "again to resume\n",
               summary.already_done + summary.completed, summary.planned, summary.out_dir);
    return 130;
  }
  fmt::print(stderr, "naskit: {} runs done ({} new, {} already there) in {}\n", summary.planned,
             summary.completed, summary.already_done, summary.out_dir);
  // A real-training search leaves its trainings as benchmark files (experiments/
  // training_benchmark.h).
  const std::filesystem::path trainings = std::filesystem::path(summary.out_dir) / kTrainingsFolder;
  if (!predictors && std::filesystem::is_directory(trainings)) {
    for (const auto& entry : std::filesystem::directory_iterator(trainings)) {
      if (entry.path().extension() == ".h5") {
        fmt::print(stderr, "naskit: the trainings are a benchmark: {}\n", entry.path().string());
      }
    }
  }
  return 0;
}

}  // namespace

int RunCommand(const Args& args) { return RunSuiteCommand(args, "run"); }
int EvalPredictorsCommand(const Args& args) { return RunSuiteCommand(args, "eval-predictors"); }

struct ReportCommandOptions {
  std::string results;
  std::string out;

  template <class V>
  void Visit(V& v) {
    v("results", results, "results folder of `naskit run`", Required());
    v("out", out, "where to write the report (default: RESULTS/report)");
  }
};

int ReportCommand(const Args& args) {
  const auto o = ParseCommand<ReportCommandOptions>(args, "report", "report DIR [--out DIR]",
                                                    {"results"}, {{"out", 'o'}});
  if (!o) return 0;
  const std::string out = o->out.empty() ? o->results + "/report" : o->out;
  const ReportFiles files = WriteReport(o->results, out);
  fmt::print("{}{}", files.brief_markdown, files.brief_markdown.ends_with('\n') ? "" : "\n");
  fmt::print(stderr,
             "naskit: report written to {} ({} files; the tables and figures in {}/summary.md)\n",
             out, files.paths.size(), out);
  return 0;
}

}  // namespace naskit::cli
