// `naskit run SUITE.yaml`, `naskit eval-predictors SUITE.yaml` and `naskit report DIR`.
#include <charconv>
#include <csignal>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "analysis/report.h"
#include "core/errors.h"
#include "experiments/cli/cli_util.h"
#include "experiments/predictor_suite.h"
#include "experiments/suite_runner.h"

namespace naskit::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnInterrupt(int) { g_stop = true; }

// "i/n" with 1 <= i <= n <= 100000, digits only: "1x/2" or "1/2/3" is an error, not shard 1/2.
void ParseShard(const std::string& text, RunnerOptions& options) {
  const auto slash = text.find('/');
  auto number = [](std::string_view digits, int& out) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc() && end == digits.data() + digits.size() && !digits.empty();
  };
  const std::string_view view(text);
  if (slash == std::string::npos || !number(view.substr(0, slash), options.shard_index) ||
      !number(view.substr(slash + 1), options.shard_count) || options.shard_index < 1 ||
      options.shard_count > 100000 || options.shard_index > options.shard_count) {
    throw ConfigError("--shard: expected i/n with 1 <= i <= n <= 100000, e.g. 2/8 (got " +
                      Quote(text) + ")");
  }
}

// `run` and `eval-predictors`: the same options, the same resumable runner; `run` takes either
// kind of suite.
int RunSuiteCommand(const Args& args, const std::string& command) {
  po::options_description options(command + " options");
  options.add_options()("suite", po::value<std::string>()->required(), "suite file (.yaml)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a suite key: dotted.key=value")("jobs,j", po::value<int>()->default_value(1),
                                                "runs in parallel (results do not depend on it)")(
      "out,o", po::value<std::string>()->default_value(""),
      "results folder (default: results/<suite name>)")(
      "shard", po::value<std::string>()->default_value("1/1"),
      "run only the i-th of n shares: i/n")("quiet,q", "no progress output");
  po::positional_options_description positional;
  positional.add("suite", 1);
  auto vm = Parse(
      args, command + " SUITE.yaml [--set key=value ...] [--jobs N] [--out DIR] [--shard i/n]",
      options, positional);
  if (!vm) return 0;
  const std::vector<std::string> overrides =
      vm->count("set") ? (*vm)["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const std::string path = (*vm)["suite"].as<std::string>();
  RunnerOptions runner;
  runner.out_dir = (*vm)["out"].as<std::string>();
  runner.jobs = (*vm)["jobs"].as<int>();
  runner.progress = !vm->count("quiet");
  runner.stop = &g_stop;
  ParseShard((*vm)["shard"].as<std::string>(), runner);
  const bool predictors = IsPredictorSuite(path);
  if (command == "eval-predictors" && !predictors) {
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
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
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
  return 0;
}

}  // namespace

int RunCommand(const Args& args) { return RunSuiteCommand(args, "run"); }
int EvalPredictorsCommand(const Args& args) { return RunSuiteCommand(args, "eval-predictors"); }

int ReportCommand(const Args& args) {
  po::options_description options("report options");
  options.add_options()("results", po::value<std::string>()->required(),
                        "results folder of `naskit run`")(
      "out,o", po::value<std::string>()->default_value(""),
      "where to write the report (default: RESULTS/report)");
  po::positional_options_description positional;
  positional.add("results", 1);
  auto vm = Parse(args, "report DIR [--out DIR]", options, positional);
  if (!vm) return 0;
  const std::string results = (*vm)["results"].as<std::string>();
  std::string out = (*vm)["out"].as<std::string>();
  if (out.empty()) out = results + "/report";
  const ReportFiles files = WriteReport(results, out);
  fmt::print("{}", files.summary_markdown);
  fmt::print(stderr, "naskit: report written to {} ({} files)\n", out, files.paths.size());
  return 0;
}

}  // namespace naskit::cli
