// `evaluator: {name: training, ...}`: every query trains the proposed architecture for real.
//
// Each training is a worker process, `naskit-torch train-job` (training/training_job.h), so that
// this process (the search, its strategy, the table-driven core) never links LibTorch, each
// training has its own threads, and a training that crashes or is killed is a failed evaluation,
// not a crashed search. As many trainings run at once as the experiment has `workers`; they are
// told to the strategy in the order they finish.
//
// Every finished training is a record in the suite's trainings folder,
// `<results>/trainings/<recipe>/<arch>-f<fraction>-s<seed>-e<epochs>.json`: a query whose record
// exists is answered from it (a resumed search, or another run of the suite that asked for the same
// training), and the folder becomes a benchmark file once the suite ends (experiments/
// training_benchmark.h). With `continuation`, the learning-rate schedule spans the largest
// fidelity, so that a shorter training is the beginning of a longer one, and a promotion resumes
// from the checkpoint of the longest training done so far.
//
// The clock: each evaluation costs what its worker recorded (seconds from the process's start to
// its record: LibTorch's start, the data, the training, the evaluations), or under an epochs
// budget the epochs it trained (a promotion only those after its checkpoint); an evaluation
// started at clock t finishes at t + that, as on the simulated clock of the tabular evaluator. A
// reused record costs what it cost when it was made, so that a resumed search sees the clock an
// uninterrupted one saw. The strategy's own time is the run's wall_seconds, as for every evaluator.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/child_process.h"
#include "core/errors.h"
#include "core/fnv.h"
#include "core/job_runner.h"
#include "core/plugins.h"
#include "core/text.h"
#include "experiments/evaluator.h"
#include "experiments/torch_worker.h"
#include "records/run_result.h"
#include "training/recipe.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct TrainingEvaluatorOptions {
  TrainingSetup setup{.dataset = "fashion-mnist",
                      .data_dir = "",
                      .channels = 8,
                      .cells = 1,
                      .image_size = 16,
                      .train_subset = 5000,
                      .valid_size = 2000,
                      .test_subset = 2000};
  TrainOptions train{.threads = 1};
  std::int64_t training_seed = 0;
  std::string data_fractions;
  bool continuation = true;
  bool resume = true;
  std::string cuda_devices;
  std::string worker_plugins;
  std::string launcher = "local";
  std::string srun_options;

  template <class V>
  void Visit(V& v) {
    // The dataset is the experiment's and the epochs are the fidelity's: not options here.
    auto recipe = [&v](const char* key, auto& value, auto&&... rest) {
      if (std::string_view(key) != "dataset" && std::string_view(key) != "epochs") {
        v(key, value, std::forward<decltype(rest)>(rest)...);
      }
    };
    setup.Visit(recipe);
    train.Visit(recipe);
    v("training_seed", training_seed,
      "seed of every training's weights and batch order: an architecture trained once is the "
      "same training for every run of the suite",
      AtLeast(0));
    v("data_fractions", data_fractions,
      "per fidelity, comma-separated, the fraction of the training images trained on, e.g. "
      "\"0.25,1\" (default: all at every fidelity)");
    v("continuation", continuation,
      "the learning-rate schedule spans the largest fidelity and a promotion resumes from the "
      "longest training done (false: each fidelity trains from scratch on its own schedule)");
    v("resume", resume,
      "with continuation: a promotion resumes from the checkpoint (false: it trains again from "
      "scratch on the same schedule, to the same values; what continuation saves is measured so)");
    v("cuda_devices", cuda_devices,
      "with device cuda: the GPUs the workers are spread over, comma-separated, e.g. \"0,1\": "
      "each worker sees one as CUDA_VISIBLE_DEVICES");
    v("worker_plugins", worker_plugins,
      "plugins the training workers load beside naskit's own, comma-separated: a space's LibTorch "
      "network (examples/mobilenet_space)");
    v("launcher", launcher,
      "where trainings run: local processes, or srun: each a Slurm job (a job step inside an "
      "allocation) with one task, `threads` CPUs and, with device cuda, one GPU; the records "
      "come back through the results folder, which the nodes must share",
      OneOf({"local", "srun"}));
    v("srun_options", srun_options,
      "with launcher srun: further srun options, e.g. \"--partition=gpu --time=30\"");
  }
};

// "0.25,1" as numbers in [min, max]; throws ConfigError naming the option.
std::vector<double> ParseList(const std::string& key, const std::string& text, double min,
                              double max) {
  std::vector<double> values;
  for (const std::string& item : SplitList(text)) {
    double value = NAN;
    try {
      std::size_t used = 0;
      value = std::stod(item, &used);
      if (used != item.size()) value = NAN;
    } catch (const std::logic_error&) {
    }
    if (!(value >= min && value <= max)) {
      throw ConfigError(fmt::format(
          "evaluator \"training\": option {}: {} is not a number in [{}, {}] (expected a "
          "comma-separated list, e.g. \"0.25,1\")",
          Quote(key), Quote(item), min, max));
    }
    values.push_back(value);
  }
  return values;
}

// A record's number; null (JSON's NaN or infinity: a loss that overflowed) is NaN.
double NumberOrNaN(const Json& j) { return j.is_null() ? NAN : j.get<double>(); }

class TrainingEvaluator final : public Evaluator {
 public:
  TrainingEvaluator(TrainingEvaluatorOptions options, const EvaluatorContext& context)
      : options_(std::move(options)),
        problem_(context.problem),
        clock_(context.start_seconds),
        epochs_budget_(context.budget_unit == "epochs"),
        fractions_(ParseList("data_fractions", options_.data_fractions, 1e-6, 1)) {
    for (double gpu : ParseList("cuda_devices", options_.cuda_devices, 0, 1023)) {
      cuda_devices_.push_back(static_cast<int>(gpu));
    }
    for (const std::string& plugin : SplitList(options_.worker_plugins)) {
      if (!fs::exists(plugin)) {
        throw ConfigError("evaluator \"training\": option \"worker_plugins\": " + plugin +
                          ": file not found");
      }
      worker_plugins_.push_back(fs::absolute(plugin).string());
    }
    CheckProblem();
    CheckData();
    program_ = TorchProgram("training");
    if (options_.launcher == "srun") {
      srun_ = FindProgram("srun");
      if (srun_.empty()) {
        throw ConfigError(
            "evaluator \"training\": option \"launcher\": srun is not in PATH (Slurm's client "
            "commands; scripts/slurm_local.sh starts a one-node Slurm for trying it)");
      }
    }
    if (context.work_dir.empty()) {
      throw ConfigError(
          "evaluator \"training\" keeps its trainings in the results folder: run it from a suite");
    }
    const Json recipe = Recipe();
    folder_ =
        fmt::format("{}/{}/{:016x}", context.work_dir, kTrainingsFolder, Fnv1a(recipe.dump()));
    recipe_file_ = recipe.dump(1) + "\n";
  }

  void Submit(const Proposal& p) override {
    Prepare();
    const std::string record = RecordPath(p);
    if (fs::exists(record)) {
      if (auto done = Read(p, record, clock_)) {
        ++reused_;
        ready_.push_back(*done);
        return;
      }
    }
    Running running{p, record, clock_, std::chrono::steady_clock::now()};
    running.log = record.substr(0, record.size() - 5) + ".log";
    std::vector<std::string> argv = {program_, "train-job"};
    const std::vector<std::string> plugins = PluginArguments();
    argv.insert(argv.end(), plugins.begin(), plugins.end());
    for (const std::string& plugin : worker_plugins_) argv.insert(argv.end(), {"--plugin", plugin});
    for (const auto& [key, value] : JobOptions(p, record)) {
      argv.push_back("--" + key);
      argv.push_back(value);
    }
    ChildOptions child{.log_path = running.log};
    if (!srun_.empty()) {
      // One Slurm job (or job step) per training: Slurm picks the node and the GPU. A cancelled,
      // preempted or lost training ends srun without a record: a failed evaluation.
      std::vector<std::string> srun = {
          srun_,
          "--ntasks=1",
          "--nodes=1",
          fmt::format("--cpus-per-task={}", std::max(1, options_.train.threads)),
          "--quiet",
          "--job-name=naskit-train",
          "--kill-on-bad-exit=1"};
      if (options_.train.device == "cuda") srun.push_back("--gres=gpu:1");
      std::istringstream extra(options_.srun_options);
      for (std::string word; extra >> word;) srun.push_back(word);
      argv.insert(argv.begin(), srun.begin(), srun.end());
    } else if (options_.train.device == "cuda" && !cuda_devices_.empty()) {
      const int slot = FreeSlot();
      running.slot = slot;
      child.environment.emplace_back(
          "CUDA_VISIBLE_DEVICES",
          std::to_string(cuda_devices_[static_cast<std::size_t>(slot) % cuda_devices_.size()]));
    }
    running.pid = StartChild(argv, child);
    running_.push_back(std::move(running));
  }

  void Replay(const Completion& recorded) override {
    Completion c = recorded;
    c.finished_at = clock_ + c.seconds;
    ready_.push_back(c);
  }

  void Collect(std::vector<Completion>& out) override {
    while (ready_.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      for (auto it = running_.begin(); it != running_.end();) {
        const auto status = TryReapChild(it->pid);
        if (!status) {
          ++it;
          continue;
        }
        const Running finished = std::move(*it);
        it = running_.erase(it);
        ready_.push_back(Finished(finished, *status));
      }
    }
    for (Completion& c : ready_) {
      clock_ = std::max(clock_, c.finished_at);
      out.push_back(c);
    }
    ready_.clear();
  }

  std::vector<float> Report(ArchId arch) const override {
    return reports_.at(arch);  // the incumbent was trained at the default fidelity
  }

  void AdvanceClock(double seconds) override { clock_ += seconds; }

  std::size_t ReusedEvaluations() const override { return reused_; }

  ~TrainingEvaluator() override {
    // A run that throws leaves no training behind.
    for (const Running& r : running_) {
      ::kill(r.pid, SIGKILL);
      while (!TryReapChild(r.pid)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  struct Running {
    Proposal proposal;
    std::string record;
    double started_at;  // on the run's clock
    std::chrono::steady_clock::time_point wall_start;
    std::string log{};
    pid_t pid = 0;
    int slot = -1;
  };

  void CheckProblem() const {
    const Objective& signal = problem_.objectives.front();
    auto refuse = [](const std::string& what) {
      throw ConfigError("evaluator \"training\": " + what);
    };
    if (problem_.objectives.size() != 1) {
      refuse("answers one objective, the signal (further objectives: use a benchmark)");
    }
    if (!problem_.constraints.empty()) refuse("checks no constraints (use a benchmark)");
    static const std::vector<std::string> kSignals = {"valid_accuracy", "valid_loss",
                                                      "train_accuracy", "train_loss"};
    if (std::find(kSignals.begin(), kSignals.end(), signal.metric) == kSignals.end()) {
      refuse("signal_metric " + Quote(signal.metric) +
             " is not measured by training (valid_accuracy, valid_loss, train_accuracy or "
             "train_loss)");
    }
    for (const std::string& report : problem_.reports) {
      if (report != "test_accuracy on " + signal.on && report != "test_loss on " + signal.on) {
        refuse("reports " + Quote(report) + "; training measures test_accuracy and test_loss on " +
               Quote(signal.on) + ", the searched dataset");
      }
    }
    for (int epochs : problem_.fidelities) {
      if (epochs < 1) {
        refuse(
            fmt::format("fidelity {} epochs: say the epochs trained (fidelities: [...], or "
                        "signal_epochs)",
                        epochs));
      }
    }
    if (!fractions_.empty() && fractions_.size() != problem_.fidelities.size()) {
      refuse(fmt::format("data_fractions has {} values for {} fidelities", fractions_.size(),
                         problem_.fidelities.size()));
    }
  }

  // A dataset of the user's needs its file; naskit's own need none (the workers check the rest).
  void CheckData() const {
    const std::string& dataset = problem_.objectives.front().on;
    const bool own = dataset != "fashion-mnist" && dataset != "cifar10" && dataset != "synthetic";
    if (own && options_.setup.data_file.empty()) {
      throw ConfigError(
          "evaluator \"training\": dataset " + Quote(dataset) +
          " is not one of naskit's (cifar10, fashion-mnist, synthetic): name its "
          "file with data_file (`naskit dataset` writes one from a folder of images)");
    }
    if (!own && !options_.setup.data_file.empty()) {
      throw ConfigError("evaluator \"training\": data_file is for a dataset of your own; " +
                        Quote(dataset) + " is one of naskit's");
    }
    if (own && !fs::exists(options_.setup.data_file)) {
      throw ConfigError("evaluator \"training\": data_file " + Quote(options_.setup.data_file) +
                        ": file not found");
    }
  }

  double Fraction(std::size_t fidelity) const {
    return fractions_.empty() ? 1.0 : fractions_[fidelity];
  }

  int ScheduleEpochs(std::size_t fidelity) const {
    return options_.continuation ? problem_.fidelities.back() : problem_.fidelities[fidelity];
  }

  // What determines a training's outcome, beside its architecture, fidelity and seed: its
  // recipe folder's name is this text's hash.
  Json Recipe() const {
    TrainingSetup setup = options_.setup;
    setup.dataset = problem_.objectives.front().on;
    setup.data_dir.clear();
    TrainOptions train = options_.train;
    train.epochs = 1;
    Json recipe;
    recipe["space"] = problem_.space->Name();
    recipe["setup"] = RecordOptions(setup);
    recipe["train"] = RecordOptions(train);
    recipe["train"].erase("epochs");
    recipe["schedule"] = options_.continuation ? fmt::format("cosine over {} epochs, continued",
                                                             problem_.fidelities.back())
                                               : std::string("cosine over each fidelity's epochs");
    return recipe;
  }

  std::string RecordPath(const Proposal& p) const {
    return fmt::format("{}/{}-f{:g}-s{}-e{}.json", folder_, p.arch, Fraction(p.fidelity),
                       options_.training_seed, problem_.fidelities[p.fidelity]);
  }

  OptionValues JobOptions(const Proposal& p, const std::string& record) const {
    OptionValues values = RecordOptions(options_.setup);
    for (const auto& [key, value] : RecordOptions(options_.train)) values[key] = value;
    values["dataset"] = problem_.objectives.front().on;
    // An empty option (data_dir, data_file unset) means its default: the worker refuses "".
    std::erase_if(values, [](const auto& entry) { return entry.second.empty(); });
    values["epochs"] = std::to_string(problem_.fidelities[p.fidelity]);
    values["space"] = problem_.space->Name();
    values["arch"] = problem_.space->Format(p.arch);
    values["seed"] = std::to_string(options_.training_seed);
    values["data_fraction"] = fmt::format("{}", Fraction(p.fidelity));
    values["schedule_epochs"] = std::to_string(ScheduleEpochs(p.fidelity));
    values["continuation"] = options_.continuation && options_.resume ? "true" : "false";
    values["out"] = record;
    return values;
  }

  // The trainings folder, claimed with its recipe on the first submission.
  void Prepare() {
    if (prepared_) return;
    std::error_code error;
    fs::create_directories(folder_, error);
    if (error) throw IoError(folder_ + ": cannot create (" + error.message() + ")");
    const std::string recipe = folder_ + "/recipe.json";
    if (!CreateFileAtomically(recipe, recipe_file_) && ReadFileContents(recipe) != recipe_file_) {
      throw DataError(recipe + ": holds another recipe than this run's");
    }
    prepared_ = true;
  }

  int FreeSlot() const {
    for (int slot = 0;; ++slot) {
      if (std::none_of(running_.begin(), running_.end(),
                       [&](const Running& r) { return r.slot == slot; })) {
        return slot;
      }
    }
  }

  Completion Failed(const Proposal& p, double started_at, double seconds,
                    const std::string& reason) const {
    Completion c;
    c.proposal = p;
    c.objectives.push_back(NAN);
    c.feasible = false;
    c.failed = true;
    c.failure = fmt::format("{} at {} epochs: {}", problem_.space->Format(p.arch),
                            problem_.fidelities[p.fidelity], reason);
    c.seconds = seconds;
    c.finished_at = started_at + seconds;
    return c;
  }

  // The completion a record answers, or nullopt for a record that cannot be read (not one a worker
  // wrote: they are written atomically, so a killed worker leaves none).
  std::optional<Completion> Read(const Proposal& p, const std::string& record, double started_at) {
    try {
      return ReadRecord(p, Json::parse(ReadFileContents(record)), started_at);
    } catch (const std::exception&) {
      return std::nullopt;  // trained again, and the record replaced
    }
  }

  Completion ReadRecord(const Proposal& p, const Json& j, double started_at) {
    const Objective& signal = problem_.objectives.front();
    // Its cost in the budget's unit: the seconds its worker ran, or the epochs it trained.
    const double seconds =
        epochs_budget_
            ? static_cast<double>(j.at("epochs").size() - j.at("resumed_epochs").get<std::size_t>())
            : j.at("seconds").get<double>();
    const Json& last = j.at("epochs").back();
    if (j.at("diverged").get<bool>()) {
      return Failed(p, started_at, seconds,
                    fmt::format("diverged (training loss {} at epoch {})",
                                last.at("train_loss").dump(), last.at("epoch").get<int>()));
    }
    const double value = NumberOrNaN(last.at(signal.metric));
    if (!std::isfinite(value)) {
      return Failed(p, started_at, seconds,
                    fmt::format("its {} is not finite (training loss {})", signal.metric,
                                last.at("train_loss").dump()));
    }
    Completion c;
    c.proposal = p;
    c.objectives.push_back(value);
    c.seconds = seconds;
    c.finished_at = started_at + seconds;
    if (p.fidelity == problem_.default_fidelity) {
      std::vector<float> report;
      for (const std::string& r : problem_.reports) {
        report.push_back(static_cast<float>(NumberOrNaN(last.at(r.substr(0, r.find(' '))))));
      }
      reports_[p.arch] = std::move(report);
    }
    return c;
  }

  Completion Finished(const Running& r, int status) {
    // A training that left no record costs the time it ran, or (epochs budget) its epochs.
    const double wall =
        epochs_budget_
            ? problem_.fidelities[r.proposal.fidelity]
            : std::chrono::duration<double>(std::chrono::steady_clock::now() - r.wall_start)
                  .count();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      if (auto done = Read(r.proposal, r.record, r.started_at)) {
        std::error_code ignored;
        fs::remove(r.log, ignored);  // kept only where it explains a failure
        return *done;
      }
      return Failed(r.proposal, r.started_at, wall, "the worker wrote no readable record");
    }
    const std::string tail = LogTail(r.log);
    if (!srun_.empty() && !StopRequested()) {
      // A scheduler that cancels the search's own job signals the search and its trainings at
      // once: give that signal a moment to arrive before calling the training failed.
      for (int i = 0; i < 20 && !StopRequested(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    if (StopRequested() ||
        (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM))) {
      // Ctrl-C (the terminal signals the workers too) or a scheduler's stop: not the training's
      // failure. The run ends unrecorded; a rerun reuses every finished training.
      throw IoError(fmt::format(
          "evaluator \"training\": interrupted ({}); the finished trainings are kept in {}: run "
          "the same command again to resume",
          DescribeStatus(status), folder_));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
      // Bad input (a recipe the worker refuses): every training would fail alike, so the search
      // stops with the worker's message instead of recording failure after failure.
      throw ConfigError("evaluator \"training\": a training refused its input: " + tail);
    }
    return Failed(r.proposal, r.started_at, wall,
                  "the worker ended with " + DescribeStatus(status) +
                      (tail.empty() ? "" : " (" + tail + ")"));
  }

  TrainingEvaluatorOptions options_;
  const SearchProblem& problem_;
  double clock_;
  bool epochs_budget_;
  std::vector<double> fractions_;  // per fidelity; empty: all data
  std::vector<int> cuda_devices_;
  std::vector<std::string> worker_plugins_;
  std::string srun_;  // launcher srun: its path
  std::string program_, folder_, recipe_file_;
  bool prepared_ = false;
  std::vector<Running> running_;
  std::vector<Completion> ready_;
  std::map<ArchId, std::vector<float>> reports_;
  std::size_t reused_ = 0;
};

}  // namespace

NASKIT_REGISTER_EVALUATOR(TrainingEvaluator, TrainingEvaluatorOptions, "training",
                          "trains every proposed architecture (naskit-torch worker processes; "
                          "finished trainings are kept and reused)");

}  // namespace naskit
