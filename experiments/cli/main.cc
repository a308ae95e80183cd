// `naskit`: one entry point that dispatches to a file per subcommand. Errors are caught once, here
// (experiments/cli_errors.h): exit 2 for bad input or usage, 1 for anything else.
#include <boost/program_options.hpp>

#include <functional>
#include <iostream>
#include <map>

#include "core/errors.h"
#include "core/plugins.h"
#include "experiments/cli/commands.h"
#include "experiments/cli_errors.h"

namespace {

struct Command {
  std::function<int(const naskit::cli::Args&)> run;
  const char* usage;
};

const std::map<std::string, Command>& Commands() {
  using namespace naskit::cli;
  static const std::map<std::string, Command> commands = {
      {"list", {ListCommand, "list [KIND]                  registered spaces, strategies"}},
      {"describe", {DescribeCommand, "describe KIND KEY            one plugin and its options"}},
      {"info", {InfoCommand, "info FILE.h5                 what a benchmark file holds"}},
      {"query",
       {QueryCommand,
        "query --benchmark FILE.h5 (--arch STR | --index I) --dataset D --metric M [--epochs E]"}},
      {"dataset",
       {DatasetCommand,
        "dataset --from FOLDER --out FILE.h5 [--size 32]  your images (a folder per class) as a "
        "dataset to train on"}},
      {"import",
       {ImportCommand, "import SOURCE --from DIR --out FILE.h5  (naskit list importers)"}},
      {"run",
       {RunCommand, "run SUITE.yaml [--set key=value ...] [--jobs N] [--out DIR] [--shard i/n]"}},
      {"eval-predictors",
       {EvalPredictorsCommand,
        "eval-predictors SUITE.yaml [--jobs N] [--out DIR]  the predictor-evaluation protocol"}},
      {"report",
       {ReportCommand, "report DIR [--out DIR]       tables and plots of a finished suite"}},
      {"train",
       {TrainCommand,
        "train --arch STR [--dataset fashion-mnist] [--epochs E] [--seed S] [--device cuda]"}},
      {"bench",
       {BenchCommand,
        "bench build --out FILE.h5 [options] | bench seal FILE.h5  train a benchmark; seal one "
        "written outside naskit"}},
      {"pareto",
       {ParetoCommand,
        "pareto --benchmark FILE.h5 --objectives 'max A on D at E, min B on DEVICE'  the exact "
        "front"}},
      {"devices",
       {DevicesCommand,
        "devices --benchmark FILE.h5 --devices A,B,..  latency rank correlations; one device's "
        "front on another"}},
      {"surrogate",
       {SurrogateCommand,
        "surrogate BENCHMARK.h5 --out FILE.h5 [--predictor P]  a benchmark a fitted predictor "
        "answers"}},
      {"zc",
       {ZeroCostCommand,
        "zc --benchmark FILE.h5 [--proxies P,..]  zero-cost proxies as features (resumable)"}},
      {"latency",
       {LatencyCommand,
        "latency --benchmark FILE.h5 [--device-name NAME]  this machine's inference latency as a "
        "device (resumable)"}},
      {"slurm",
       {SlurmCommand,
        "slurm --tasks N [--wait] -- COMMAND ARGS...  a suite, benchmark build, zc or latency as a "
        "Slurm job array and a final merging step"}},
      {"verify",
       {VerifyCommand, "verify RESULTS_DIR [--top-k K]  retrain a suite's incumbents and compare"}},
  };
  return commands;
}

void PrintUsage(std::ostream& out) {
  out << "naskit " << NASKIT_VERSION << ": benchmark-driven neural architecture search\n\nusage:\n";
  for (const auto& [name, command] : Commands()) out << "  naskit " << command.usage << "\n";
  out << "\n`naskit COMMAND --help` describes a command's options. Every command takes\n"
         "--plugin FILE.so (repeatable) to load a plugin's spaces, strategies and predictors.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintUsage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "naskit " << NASKIT_VERSION << "\n";
    return 0;
  }
  return naskit::RunReportingErrors([&] {
    naskit::CheckBuiltInRegistrations();
    args = naskit::LoadPluginArguments(args);
    if (args.empty()) throw naskit::ConfigError("missing command (`naskit --help` lists them)");
    const auto& commands = Commands();
    auto it = commands.find(args[0]);
    if (it == commands.end()) {
      std::vector<std::string> names;
      for (const auto& [name, command] : commands) names.push_back(name);
      throw naskit::ConfigError(naskit::UnknownNameMessage("command", args[0], names));
    }
    try {
      return it->second.run({args.begin() + 1, args.end()});
    } catch (const boost::program_options::error& e) {
      throw naskit::ConfigError(std::string(e.what()) + " (see `naskit " + args[0] + " --help`)");
    }
  });
}
