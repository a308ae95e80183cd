// `evaluator: {name: supernet, method: ...}`: a trained weight-sharing supernet answers every
// query with the architecture's validation accuracy under inherited weights, so that any strategy
// searches it: random search is RSPS, regularized evolution SPOS (training/supernet_job.h lists
// the methods). A method that derives a cell itself (DARTS, GDAS, DARTS-PT) gives it as the run's
// first sample (Evaluator::StartingPoints): random search with a budget of one query reports it.
//
// The supernet is trained once per (recipe, method's training rule, seed) by a worker process,
// `naskit-torch supernet-job`, into the suite's results folder,
// `<results>/supernets/<recipe>-s<seed>/`: its checkpoint after every epoch (a killed training
// resumes from it), and per method a record of the epochs, architecture weights, derived cell,
// seconds and peak memory. Every run of the suite with the same recipe and seed reuses them: the
// RSPS and SPOS runs of a seed search one supernet. Queries go to one long-lived worker,
// `naskit-torch supernet-serve`, through a pipe, one at a time; each costs the seconds it took.
// Reports come from the suite's benchmark (the derived cell's recorded accuracy), or are NaN
// without one.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/child_process.h"
#include "core/errors.h"
#include "core/fnv.h"
#include "core/plugins.h"
#include "experiments/evaluator.h"
#include "experiments/search_run.h"
#include "experiments/torch_worker.h"
#include "records/run_result.h"
#include "training/supernet_job.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct SupernetEvaluatorOptions {
  OneShotSettings one_shot;
  TrainingSetup setup{.dataset = "fashion-mnist",
                      .data_dir = "",
                      .channels = 8,
                      .cells = 1,
                      .image_size = 16,
                      .train_subset = 5000,
                      .valid_size = 2000,
                      .test_subset = 100};
  std::int64_t supernet_seed = -1;
  int recalibration_batches = 0;
  std::int64_t eval_images = 0;
  std::string device = "cpu";
  int threads = 1;

  template <class V>
  void Visit(V& v) {
    one_shot.Visit(v);
    // The dataset is the experiment's.
    auto setup_key = [&v](const char* key, auto& value, auto&&... rest) {
      if (std::string_view(key) != "dataset") v(key, value, std::forward<decltype(rest)>(rest)...);
    };
    setup.Visit(setup_key);
    v("supernet_seed", supernet_seed,
      "seed of the supernet's training (-1: the run's seed, one supernet per seed)", AtLeast(-1));
    v("recalibration_batches", recalibration_batches,
      "before each query, recompute batch-norm statistics over this many training batches of 500 "
      "(0: each validation batch's own statistics)",
      InRange(0, 100000));
    v("eval_images", eval_images, "validation images per query (0: all of valid_size)", AtLeast(0));
    v("device", device, "cpu or cuda", OneOf({"cpu", "cuda"}));
    v("threads", threads, "LibTorch threads of the workers (0: all cores)", InRange(0, 1024));
  }
};

// An exclusive lock on `path` (created if needed) while it lives.
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      throw IoError(path + ": cannot lock (" + std::strerror(errno) + ")");
    }
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

class SupernetEvaluator final : public Evaluator {
 public:
  SupernetEvaluator(SupernetEvaluatorOptions options, const EvaluatorContext& context)
      : options_(std::move(options)),
        problem_(context.problem),
        search_(context.search),
        clock_(context.start_seconds) {
    CheckProblem();
    if (context.work_dir.empty()) {
      throw ConfigError(
          "evaluator \"supernet\" keeps its supernets in the results folder: run it from a suite");
    }
    program_ = TorchProgram("supernet");
    seed_ = options_.supernet_seed >= 0 ? options_.supernet_seed
                                        : static_cast<std::int64_t>(context.seed);
    Json recipe = Json(RecordOptions(options_.setup));
    recipe["dataset"] = problem_.objectives.front().on;
    recipe.erase("data_dir");
    Json training = Json(RecordOptions(options_.one_shot));
    training.erase("method");
    training.erase("pt_tune_epochs");  // the derivation's, not the training's
    recipe["one_shot"] = training;
    recipe["space"] = problem_.space->Name();
    recipe["device"] = options_.device;
    folder_ = fmt::format("{}/{}/{:016x}-s{}", context.work_dir, kSupernetsFolder,
                          Fnv1a(recipe.dump()), seed_);
    record_ = fmt::format("{}/{}.json", folder_, options_.one_shot.method);
  }

  ~SupernetEvaluator() override { StopServer(); }

  void Submit(const Proposal& p) override {
    if (p.fidelity != problem_.default_fidelity) {
      throw ConfigError(
          "evaluator \"supernet\" answers at the signal's fidelity only (a multi-fidelity "
          "strategy needs another evaluator)");
    }
    TrainOrReuse();
    if (pid_ < 0) StartServer();
    const std::string line = problem_.space->Format(p.arch) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), to_server_) != line.size() ||
        std::fflush(to_server_) != 0) {
      ServerFailed();
    }
    pending_.push_back(p);
  }

  void Replay(const Completion& recorded) override {
    Completion c = recorded;
    c.finished_at = clock_ + c.seconds;
    replayed_.push_back(c);
  }

  void Collect(std::vector<Completion>& out) override {
    for (Completion& c : replayed_) {
      clock_ = std::max(clock_, c.finished_at);
      out.push_back(c);
    }
    replayed_.clear();
    if (pending_.empty()) return;
    char* line = nullptr;
    std::size_t capacity = 0;
    const ssize_t read = ::getline(&line, &capacity, from_server_);
    std::string answer = read > 0 ? std::string(line, static_cast<std::size_t>(read)) : "";
    std::free(line);
    double accuracy = NAN, seconds = NAN;
    if (std::sscanf(answer.c_str(), "%lf %lf", &accuracy, &seconds) != 2) ServerFailed();
    query_seconds_ += seconds;
    Completion c;
    c.proposal = pending_.front();
    pending_.erase(pending_.begin());
    c.objectives.push_back(accuracy);
    c.seconds = seconds;
    c.finished_at = clock_ + seconds;
    clock_ = c.finished_at;
    out.push_back(c);
  }

  std::vector<float> Report(ArchId arch) const override {
    std::vector<float> values(problem_.reports.size(), NAN);
    if (!search_) return values;
    if (const auto row = search_->benchmark().RowOf(arch)) {
      for (std::size_t d = 0; d < values.size(); ++d) values[d] = search_->Report(d, *row);
    }
    return values;
  }

  void AdvanceClock(double seconds) override { clock_ += seconds; }

  std::vector<std::pair<std::string, double>> Timings() const override {
    return {{"supernet_training", search_seconds_}, {"query", query_seconds_}};
  }
  std::vector<ArchId> StartingPoints() override {
    TrainOrReuse();
    return starts_;
  }

 private:
  void CheckProblem() const {
    const Objective& signal = problem_.objectives.front();
    auto refuse = [](const std::string& what) {
      throw ConfigError("evaluator \"supernet\": " + what);
    };
    if (problem_.objectives.size() != 1) refuse("answers one objective, the signal");
    if (!problem_.constraints.empty()) refuse("checks no constraints");
    if (signal.metric != "valid_accuracy" || signal.minimize) {
      refuse("answers valid_accuracy, maximised (signal_metric " + Quote(signal.metric) + ")");
    }
  }

  // The job's options, as naskit-torch's flags.
  std::vector<std::string> JobArguments() const {
    OptionValues values = RecordOptions(options_.setup);
    for (const auto& [key, value] : RecordOptions(options_.one_shot)) values[key] = value;
    values["dataset"] = problem_.objectives.front().on;
    std::erase_if(values, [](const auto& entry) { return entry.second.empty(); });
    values["space"] = problem_.space->Name();
    values["seed"] = std::to_string(seed_);
    values["out"] = record_;
    values["device"] = options_.device;
    values["threads"] = std::to_string(options_.threads);
    std::vector<std::string> argv;
    const std::vector<std::string> plugins = PluginArguments();
    argv.insert(argv.end(), plugins.begin(), plugins.end());
    for (const auto& [key, value] : values) argv.insert(argv.end(), {"--" + key, value});
    return argv;
  }

  // Reads the method's record, training the supernet first where there is none (once).
  void TrainOrReuse() {
    if (trained_) return;
    std::optional<Json> record = ReadRecord();
    std::optional<FileLock> lock;
    if (!record) {
      std::error_code error;
      fs::create_directories(folder_, error);
      if (error) throw IoError(folder_ + ": cannot create (" + error.message() + ")");
      // One training per supernet: a run that finds another one training it waits, then reads.
      lock.emplace(folder_ + "/" + options_.one_shot.TrainingRule() + ".lock");
      record = ReadRecord();
    }
    if (!record) {
      const std::string log = folder_ + "/" + options_.one_shot.method + ".log";
      std::vector<std::string> argv = {program_, "supernet-job"};
      const auto rest = JobArguments();
      argv.insert(argv.end(), rest.begin(), rest.end());
      const pid_t pid = StartChild(argv, {.log_path = log});
      std::optional<int> status;
      while (!(status = TryReapChild(pid)))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
        const std::string tail = LogTail(log);
        if (WIFEXITED(*status) && WEXITSTATUS(*status) == 2) {
          throw ConfigError("evaluator \"supernet\": the supernet training refused its input: " +
                            tail);
        }
        throw IoError(fmt::format(
            "evaluator \"supernet\": the supernet training ended with {} ({}); its checkpoint in "
            "{} is kept: run the same command again to resume",
            DescribeStatus(*status), tail, folder_));
      }
      record = ReadRecord();
      if (!record) throw IoError(record_ + ": the supernet training wrote no readable record");
    }
    search_seconds_ = record->at("search_seconds").get<double>();
    if (const Json& derived = record->at("derived"); !derived.is_null()) {
      starts_.push_back(problem_.space->Parse(derived.get<std::string>()));
    }
    trained_ = true;
  }

  std::optional<Json> ReadRecord() const {
    if (!fs::exists(record_)) return std::nullopt;
    try {
      return Json::parse(ReadFileContents(record_));
    } catch (const std::exception&) {
      return std::nullopt;  // trained (or derived) again, and the record replaced
    }
  }

  void StartServer() {
    std::vector<std::string> argv = {program_, "supernet-serve"};
    const auto rest = JobArguments();
    argv.insert(argv.end(), rest.begin(), rest.end());
    argv.insert(argv.end(),
                {"--recalibration_batches", std::to_string(options_.recalibration_batches),
                 "--eval_images", std::to_string(options_.eval_images)});
    server_log_ = folder_ + "/serve-" + std::to_string(::getpid()) + ".log";
    ChildPipes pipes;
    pid_ = StartChildWithPipes(argv, {.log_path = server_log_}, pipes);
    // A worker that dies must be an error here, not a SIGPIPE that kills the search.
    ::signal(SIGPIPE, SIG_IGN);
    to_server_ = ::fdopen(pipes.to_child, "w");
    from_server_ = ::fdopen(pipes.from_child, "r");
  }

  [[noreturn]] void ServerFailed() {
    const std::string tail = LogTail(server_log_);
    std::optional<int> status;
    for (int i = 0; i < 100 && !(status = TryReapChild(pid_)); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const std::string how = status ? DescribeStatus(*status) : "no answer";
    StopServer();
    if (status && WIFEXITED(*status) && WEXITSTATUS(*status) == 2) {
      throw ConfigError("evaluator \"supernet\": the query worker refused its input: " + tail);
    }
    throw IoError("evaluator \"supernet\": the query worker ended (" + how + "): " + tail);
  }

  void StopServer() {
    if (to_server_) std::fclose(to_server_);
    if (from_server_) std::fclose(from_server_);
    to_server_ = from_server_ = nullptr;
    if (pid_ > 0) {
      // Its input closed, the worker ends by itself; a stuck one is killed.
      for (int i = 0; i < 200 && !TryReapChild(pid_); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (i == 199) {
          ::kill(pid_, SIGKILL);
          while (!TryReapChild(pid_)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
      std::error_code ignored;
      fs::remove(server_log_, ignored);
    }
    pid_ = -1;
  }

  SupernetEvaluatorOptions options_;
  const SearchProblem& problem_;
  const PreparedSearch* search_;
  double clock_;
  std::string program_, folder_, record_, server_log_;
  std::int64_t seed_ = 0;
  bool trained_ = false;
  double search_seconds_ = 0, query_seconds_ = 0;
  std::vector<ArchId> starts_;
  pid_t pid_ = -1;
  std::FILE* to_server_ = nullptr;
  std::FILE* from_server_ = nullptr;
  std::vector<Proposal> pending_;
  std::vector<Completion> replayed_;
};

}  // namespace

NASKIT_REGISTER_EVALUATOR(SupernetEvaluator, SupernetEvaluatorOptions, "supernet",
                          "a weight-sharing supernet, trained once by a one-shot method (RSPS, "
                          "SPOS, DARTS, GDAS, DARTS-PT), answers with inherited weights");

}  // namespace naskit
