// `naskit-torch train-job`: one training of the training evaluator; see training_job.h.
#include "training/training_job.h"

#include <time.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "spaces/network_cost.h"
#include "training/latency.h"
#include "training/network.h"
#include "training/trainer.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Seconds since this process started, from /proc: a training's cost includes starting LibTorch
// and loading the data, which happen before main.
double SecondsSinceProcessStart() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 0; i < 20; ++i) fields >> field;  // fields 3..22: the last is starttime
  timespec now{};
  ::clock_gettime(CLOCK_BOOTTIME, &now);
  const double started = std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec) - started;
}

std::string RecordPath(const std::string& stem, int epochs, const char* extension) {
  return fmt::format("{}-e{}.{}", stem, epochs, extension);
}

}  // namespace

std::pair<std::string, int> SplitRecordPath(const std::string& path) {
  const std::size_t dot = path.rfind('.'), mark = path.rfind("-e");
  if (dot != std::string::npos && mark != std::string::npos && mark < dot) {
    const std::string digits = path.substr(mark + 2, dot - mark - 2);
    if (!digits.empty() && digits.size() < 7 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      return {path.substr(0, mark), std::stoi(digits)};
    }
  }
  throw ConfigError("train-job: option \"out\" must be <stem>-e<epochs>.json (got " + Quote(path) +
                    ")");
}

void RunTrainingJob(const TrainingJob& job) {
  const auto [stem, epochs] = SplitRecordPath(job.out);
  if (epochs != job.train.epochs) {
    throw ConfigError(fmt::format("train-job: {} names {} epochs, option \"epochs\" is {}",
                                  Quote(job.out), epochs, job.train.epochs));
  }
  const TorchNetworkEntry& network = FindTorchNetwork(job.space);
  const ArchId arch = GetSpace(job.space).Parse(job.arch);
  DatasetSplits data = job.setup.LoadData(static_cast<std::uint64_t>(job.seed));
  const std::int64_t images = std::max<std::int64_t>(
      1, std::llround(job.data_fraction * static_cast<double>(data.train.size())));
  data.train.images = data.train.images.slice(0, 0, images);
  data.train.labels = data.train.labels.slice(0, 0, images);
  const NetworkShape shape = job.setup.Shape(data);

  // The longest finished training of this stem to resume from: its checkpoint and its record.
  TrainingContinuation continuation{.schedule_epochs = job.schedule_epochs};
  Json record;
  if (job.continuation) {
    continuation.save_to = RecordPath(stem, epochs, "pt");
    for (int e = epochs - 1; e >= 1; --e) {
      const std::string checkpoint = RecordPath(stem, e, "pt"), done = RecordPath(stem, e, "json");
      if (fs::exists(checkpoint) && fs::exists(done)) {
        continuation.resume_from = checkpoint;
        continuation.resumed_epochs = e;
        record["epochs"] = Json::parse(ReadFileContents(done)).at("epochs");
        break;
      }
    }
  }
  const TrainResult result = TrainNetwork(job.space, arch, shape, data, job.train,
                                          static_cast<std::uint64_t>(job.seed), {}, continuation);
  double cumulative = record.contains("epochs") && !record["epochs"].empty()
                          ? record["epochs"].back().at("cumulative_seconds").get<double>()
                          : 0.0;
  for (const EpochLog& e : result.epochs) {
    cumulative += e.train_seconds;
    Json log = EpochLogJson(e);
    log["cumulative_seconds"] = cumulative;
    record["epochs"].push_back(log);
  }
  const NetworkCost cost =
      NetworkRegistry::Global().Create(job.space, network.counter_options(shape))->Count(arch);
  Json out;
  out["space"] = job.space;
  out["arch"] = job.arch;
  out["seed"] = job.seed;
  out["data_fraction"] = job.data_fraction;
  out["train_images"] = images;
  out["schedule_epochs"] = job.schedule_epochs > 0 ? job.schedule_epochs : epochs;
  out["resumed_epochs"] = continuation.resumed_epochs;
  out["diverged"] = result.diverged;
  out["params"] = result.params;
  out["flops"] = cost.flops;
  out["epochs"] = record["epochs"];
  out["machine"] = DeviceDescription({.device = job.train.device, .threads = job.train.threads});
  // What this training cost: this process from its start (LibTorch, data, network) to now.
  out["seconds"] = SecondsSinceProcessStart();
  WriteFileAtomically(job.out, out.dump() + "\n");
}

}  // namespace naskit
