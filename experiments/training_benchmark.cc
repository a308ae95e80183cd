// The benchmark of a trainings folder; see training_benchmark.h.
#include "experiments/training_benchmark.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "spaces/search_space.h"
#include "training/recipe.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// A record's number; null (JSON's NaN or infinity: a loss that overflowed) is NaN.
float NumberOrNaN(const Json& j) { return j.is_null() ? NAN : j.get<float>(); }

struct Record {
  ArchId arch;
  std::string dataset;  // with its fraction
  std::int64_t seed;
  int epochs;
  Json json;
};

}  // namespace

TrainingsBenchmark WriteTrainingsBenchmark(const std::string& folder, const std::string& out,
                                           const std::string& suite) {
  const Json recipe = Json::parse(ReadFileContents(folder + "/recipe.json"));
  const std::string space_name = recipe.at("space").get<std::string>();
  const std::string dataset = recipe.at("setup").at("dataset").get<std::string>();
  const SearchSpace& space = GetSpace(space_name);
  // With continuation every training of an architecture follows one schedule, so its curve's epoch
  // e is the same whichever training reached it: every epoch gets a column. Otherwise only the
  // fidelities' own final epochs mean one thing each.
  const bool continued = recipe.at("schedule").get<std::string>().ends_with("continued");
  std::vector<Record> records;
  std::set<ArchId> archs;
  std::set<std::string> datasets;
  std::set<std::int64_t> seeds;
  std::map<std::string, std::set<int>> epochs_of;  // per dataset
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".json") || name == "recipe.json") continue;
    Record r;
    try {
      r.json = Json::parse(ReadFileContents(entry.path().string()));
      r.arch = space.Parse(r.json.at("arch").get<std::string>());
      r.seed = r.json.at("seed").get<std::int64_t>();
      r.epochs = static_cast<int>(r.json.at("epochs").size());
      if (r.json.at("diverged").get<bool>()) {
        // Its curve stops where the loss broke; the fidelity it was asked for is the file name's.
        r.epochs = std::stoi(name.substr(name.rfind("-e") + 2));
      }
      const double fraction = r.json.at("data_fraction").get<double>();
      r.dataset = fraction == 1 ? dataset : fmt::format("{}-f{:g}", dataset, fraction);
    } catch (const std::exception& e) {
      throw DataError(entry.path().string() + ": not a training record (" + e.what() + ")");
    }
    archs.insert(r.arch);
    datasets.insert(r.dataset);
    seeds.insert(r.seed);
    epochs_of[r.dataset].insert(r.epochs);
    if (continued) {
      for (int e = 1; e < r.epochs; ++e) epochs_of[r.dataset].insert(e);
    }
    records.push_back(std::move(r));
  }
  if (records.empty()) throw DataError(folder + ": holds no training record");

  BenchmarkData data;
  data.archs.assign(archs.begin(), archs.end());
  std::map<ArchId, std::size_t> row_of;
  for (std::size_t row = 0; row < data.archs.size(); ++row) {
    row_of[data.archs[row]] = row;
    data.index.push_back(static_cast<std::uint32_t>(row));
  }
  const std::vector<std::int64_t> seed_list(seeds.begin(), seeds.end());
  const std::size_t rows = data.archs.size(), seed_count = seed_list.size();
  auto make_table = [&](const std::string& d, std::map<std::string, std::string> attrs) {
    Table t;
    t.epochs.assign(epochs_of[d].begin(), epochs_of[d].end());
    t.columns = t.epochs.size();
    t.seeds = seed_count;
    t.per_seed.assign(rows * t.columns * seed_count, NAN);
    attrs["aggregation"] = fmt::format(
        "values: mean over {} training seeds; per seed in the third dimension", seed_count);
    t.attrs = std::move(attrs);
    return t;
  };
  for (const std::string& d : datasets) {
    for (const char* metric : kTrainedMetrics) {
      const std::string m = metric;
      data.tables["metrics/" + d + "/" + m] =
          make_table(d, {{"split", m.substr(0, m.find('_'))},
                         {"unit", m.ends_with("accuracy") ? "percent" : "cross-entropy"}});
    }
    data.tables["cost/" + d + "/train_seconds"] =
        make_table(d, {{"unit", "seconds"},
                       {"note",
                        "cumulative training time to the epoch (the worker's start, data loading "
                        "and evaluations not counted), one training each"}});
  }
  Table params, flops;
  params.values.assign(rows, NAN);
  flops.values.assign(rows, NAN);
  params.attrs = {{"unit", "count"}};
  flops.attrs = {{"unit", "operations (naskit's convention, spaces/" + space_name + ")"}};
  for (const Record& r : records) {
    const std::size_t row = row_of.at(r.arch);
    const std::size_t s = static_cast<std::size_t>(
        std::find(seed_list.begin(), seed_list.end(), r.seed) - seed_list.begin());
    const Json& curve = r.json.at("epochs");
    const Table& any = data.tables.at("metrics/" + r.dataset + "/valid_accuracy");
    // A diverged training's values stay NaN: it has none.
    const std::size_t from = r.json.at("diverged").get<bool>() ? curve.size()
                             : continued                       ? 0
                                                               : curve.size() - 1;
    for (std::size_t i = from; i < curve.size(); ++i) {
      const Json& log = curve[i];
      const std::size_t column = any.ColumnOf(log.at("epoch").get<int>(), "epochs");
      const std::size_t at = (row * any.columns + column) * seed_count + s;
      for (const char* metric : kTrainedMetrics) {
        data.tables.at("metrics/" + r.dataset + "/" + metric).per_seed[at] =
            NumberOrNaN(log.at(metric));
      }
      data.tables.at("cost/" + r.dataset + "/train_seconds").per_seed[at] =
          NumberOrNaN(log.at("cumulative_seconds"));
    }
    params.values[row] = r.json.at("params").get<float>();
    flops.values[row] = r.json.at("flops").get<float>();
  }
  for (auto& [path, table] : data.tables) table.AverageSeeds();
  data.tables["features/" + dataset + "/params"] = params;
  data.tables["features/" + dataset + "/flops"] = flops;
  std::string seed_text;
  for (std::int64_t s : seed_list) seed_text += (seed_text.empty() ? "" : ",") + std::to_string(s);
  data.attrs = {
      {"name", space_name + "-" + dataset + "-search"},
      {"space", space_name},
      {"source", fmt::format("trained by naskit's training evaluator during suite {} ({} "
                             "trainings of {} architectures, training seeds {})",
                             suite, records.size(), rows, seed_text)},
      {"recipe", recipe.dump()},
      {"row_order", space_name + " architecture id, increasing; /archs/index is the row"},
      {"licence", dataset == "fashion-mnist"
                      ? "Fashion-MNIST: MIT (Zalando Research); results: as naskit"
                      : "as naskit"},
  };
  WriteBenchmark(data, out);
  return {records.size(), rows};
}

}  // namespace naskit
