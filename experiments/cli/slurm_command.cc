// `naskit slurm --tasks N [--sbatch ARGS] [--wait] -- COMMAND ARGS...`: a naskit command as a Slurm
// job array and a final step that depends on it. Slurm schedules; naskit only splits and merges:
// each array task runs `naskit COMMAND ARGS...`, which takes its share of the jobs from
// SLURM_ARRAY_TASK_ID (core/job_runner.h's ResolveShard) and writes into the one results folder or
// build folder on the shared filesystem; the final step runs the same command once more, which
// computes whatever a failed task left (nothing, normally), assembles and seals a benchmark, and
// for a suite writes the report.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/plugins.h"
#include "experiments/cli/cli_util.h"
#include "experiments/predictor_suite.h"
#include "experiments/suite.h"
#include "records/suite_manifest.h"

namespace naskit::cli {
namespace {

namespace fs = std::filesystem;

struct SlurmCommandOptions {
  int tasks = 2;
  std::string sbatch;
  std::string scripts = "slurm";
  bool wait = false;
  bool dry_run = false;
  template <class V>
  void Visit(V& v) {
    v("tasks", tasks, "array tasks: each runs one share of the command's jobs", InRange(1, 100000));
    v("sbatch", sbatch,
      "further sbatch options for both jobs, e.g. \"--partition=gpu --time=2:00:00\"");
    v("scripts", scripts, "folder for the job scripts and their logs");
    v("wait", wait, "wait for the final step and exit with its status");
    v("dry_run", dry_run, "write the scripts and print the sbatch commands, submit nothing");
  }
};

// The commands whose jobs are shared out, and where their output goes.
const std::vector<std::string> kShardable = {"run", "eval-predictors", "bench", "zc", "latency"};

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string CommandLine(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& w : words) line += (line.empty() ? "" : " ") + ShellQuote(w);
  return line;
}

// The value of `--name VALUE`, `-s VALUE` or `--name=VALUE` in `args`, or empty.
std::string OptionValue(const Args& args, const std::string& name, const std::string& short_name) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == name || (!short_name.empty() && args[i] == short_name)) && i + 1 < args.size())
      return args[i + 1];
    if (args[i].starts_with(name + "=")) return args[i].substr(name.size() + 1);
  }
  return "";
}

// Runs `argv` and returns its standard output; throws IoError with its status otherwise.
std::string Capture(const std::vector<std::string>& argv) {
  std::string line = CommandLine(argv);
  FILE* pipe = ::popen(line.c_str(), "r");
  if (pipe == nullptr) throw IoError("cannot run " + line);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0) {
    throw IoError(fmt::format("{} failed (exit status {}){}", line,
                              WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                              line.starts_with("'sbatch'") ? "; is Slurm reachable (sinfo)?" : ""));
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

int SlurmCommand(const Args& all_args) {
  // Everything after "--" is the naskit command to run.
  const auto separator = std::find(all_args.begin(), all_args.end(), "--");
  const Args own(all_args.begin(), separator);
  const Args command(separator == all_args.end() ? separator : separator + 1, all_args.end());
  const auto o = ParseCommand<SlurmCommandOptions>(
      own, "slurm",
      "slurm --tasks N [--sbatch \"ARGS\"] [--scripts DIR] [--wait] [--dry-run] -- COMMAND "
      "ARGS...\n"
      "  COMMAND: run SUITE.yaml --out DIR | eval-predictors SUITE.yaml --out DIR | bench build "
      "--out FILE.h5 ... | zc --benchmark FILE.h5 ... | latency --benchmark FILE.h5 ...",
      {}, {});
  if (!o) return 0;
  if (command.empty() ||
      std::find(kShardable.begin(), kShardable.end(), command.front()) == kShardable.end()) {
    throw ConfigError(
        "slurm: expected `-- COMMAND ARGS...` with COMMAND one of run, "
        "eval-predictors, bench build, zc, latency (got " +
        (command.empty() ? std::string("nothing") : Quote(command.front())) + ")");
  }
  if (OptionValue(command, "--shard", "") != "") {
    throw ConfigError("slurm: the command takes its share from the array; leave out --shard");
  }
  // Where every task writes: a results folder or a build, or the benchmark that zc and latency
  // extend (each share into a file beside it).
  const bool extends = command.front() == "zc" || command.front() == "latency";
  const std::string out =
      extends ? OptionValue(command, "--benchmark", "") : OptionValue(command, "--out", "-o");
  if (out.empty()) {
    throw ConfigError(std::string("slurm: the command needs ") +
                      (extends ? "--benchmark" : "--out") +
                      ": every task writes there, on a filesystem all nodes share");
  }
  const bool suite = command.front() == "run" || command.front() == "eval-predictors";
  if (suite && command.size() > 1) {
    // A suite that cannot run is an error now, not in every task's log.
    std::vector<std::string> overrides;
    for (std::size_t i = 1; i + 1 < command.size(); ++i) {
      if (command[i] == "--set") overrides.push_back(command[i + 1]);
    }
    if (IsPredictorSuite(command[1])) {
      LoadPredictorSuite(command[1], overrides);
    } else {
      LoadSuite(command[1], overrides);
    }
  }
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  std::vector<std::string> naskit_words = {self};
  for (const auto& plugin : PluginArguments()) naskit_words.push_back(plugin);
  std::vector<std::string> words = naskit_words;
  words.insert(words.end(), command.begin(), command.end());
  if (suite) words.push_back("--quiet");  // the logs get the summary lines, not the progress bar
  const std::string name = "naskit-" + command.front();
  const fs::path scripts = fs::absolute(o->scripts);
  fs::create_directories(scripts / "logs");
  const std::string cwd = fs::current_path().string();

  // The tasks share the work; the final step completes it and merges.
  const std::string array_script = (scripts / (name + "-array.sh")).string();
  WriteFileAtomically(array_script,
                      fmt::format("#!/bin/bash\n"
                                  "# Written by `naskit slurm`: one share of the jobs per array "
                                  "task (from SLURM_ARRAY_TASK_ID).\n"
                                  "#SBATCH --job-name={0}\n#SBATCH --array=1-{1}\n"
                                  "#SBATCH --chdir={2}\n#SBATCH --output={3}/logs/%x-%A_%a.out\n"
                                  "set -euo pipefail\nexec {4}\n",
                                  name, o->tasks, cwd, scripts.string(), CommandLine(words)));
  std::string final_steps = "exec " + CommandLine(words) + "\n";
  if (suite) {
    std::vector<std::string> report = naskit_words;
    report.insert(report.end(), {"report", out});
    final_steps = CommandLine(words) + "\nexec " + CommandLine(report) + " >/dev/null\n";
  }
  const std::string final_script = (scripts / (name + "-final.sh")).string();
  WriteFileAtomically(final_script,
                      fmt::format("#!/bin/bash\n"
                                  "# Written by `naskit slurm`: after the array, whatever a task "
                                  "left is computed and the results merged.\n"
                                  "#SBATCH --job-name={0}-final\n#SBATCH --chdir={1}\n"
                                  "#SBATCH --output={2}/logs/%x-%j.out\nset -euo pipefail\n{3}",
                                  name, cwd, scripts.string(), final_steps));

  std::vector<std::string> extra;
  std::istringstream sbatch_words(o->sbatch);
  for (std::string w; sbatch_words >> w;) extra.push_back(w);
  std::vector<std::string> submit_array = {"sbatch", "--parsable"};
  submit_array.insert(submit_array.end(), extra.begin(), extra.end());
  submit_array.push_back(array_script);
  if (o->dry_run) {
    fmt::print("{}\n{} --dependency=afterany:ARRAY_JOB_ID {}\n", CommandLine(submit_array),
               CommandLine({"sbatch", "--parsable"}), final_script);
    return 0;
  }
  const std::string array_id = Capture(submit_array);
  std::vector<std::string> submit_final = {"sbatch", "--parsable",
                                           "--dependency=afterany:" + array_id};
  submit_final.insert(submit_final.end(), extra.begin(), extra.end());
  submit_final.push_back(final_script);
  fmt::print(stderr, "naskit: submitted job array {} ({} tasks); logs in {}/logs\n", array_id,
             o->tasks, scripts.string());
  const std::string final_id = Capture(submit_final);
  fmt::print(stderr, "naskit: the final step, job {}, runs after it (squeue -j {},{})\n", final_id,
             array_id, final_id);
  if (!o->wait) return 0;
  // sbatch --wait polls at growing intervals (seconds to tens of seconds); scontrol every quarter
  // second says when the final step ended, and how.
  for (;;) {
    const std::string state = Capture({"scontrol", "show", "job", "--oneliner", final_id});
    const auto field = [&](const std::string& key) {
      const std::size_t at = state.find(key + "=");
      if (at == std::string::npos) return std::string();
      const std::size_t from = at + key.size() + 1;
      return state.substr(from, state.find(' ', from) - from);
    };
    const std::string job_state = field("JobState");
    if (job_state == "COMPLETED") return 0;
    if (job_state != "PENDING" && job_state != "RUNNING" && job_state != "CONFIGURING" &&
        job_state != "COMPLETING" && job_state != "REQUEUED" && job_state != "SUSPENDED") {
      throw IoError(
          fmt::format("slurm: the final step, job {}, ended {} (exit code {}); its log: "
                      "{}/logs/{}-final-{}.out",
                      final_id, job_state, field("ExitCode"), scripts.string(), name, final_id));
    }
    ::usleep(250000);
  }
}

}  // namespace naskit::cli
