// `naskit info`, `naskit query`, `naskit import` and `naskit bench seal`: reading and building
// benchmark files.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "benchmarks_data/importer.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/options.h"
#include "experiments/cli/cli_util.h"
#include "experiments/surrogate.h"

namespace naskit::cli {

namespace {

// The commands' options, each declared once (cli_util.h's ParseCommand makes them flags).
struct InfoOptions {
  std::string benchmark;
  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark, "benchmark file (.h5)", Required());
  }
};

struct QueryOptions {
  std::string benchmark, arch, index, dataset, metric;
  int epochs = 0;
  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark, "benchmark file (.h5)", Required());
    v("arch", arch, "architecture in the space's string form");
    v("index", index, "architecture by the benchmark's index");
    v("dataset", dataset, "dataset, e.g. cifar10", Required());
    v("metric", metric, "metric, e.g. test_accuracy", Required());
    v("epochs", epochs, "training epochs (0: the last recorded)");
  }
};

struct ImportOptions {
  std::string source, from, out;
  template <class V>
  void Visit(V& v) {
    v("source", source, "what to import (naskit list importers)", Required());
    v("from", from, "the shared data folder, or the folder holding the source files", Required());
    v("out", out, "benchmark file to write (.h5)", Required());
  }
};

struct SealOptions {
  std::string file;
  template <class V>
  void Visit(V& v) {
    v("file", file, "benchmark file written or edited outside naskit (e.g. with h5py)", Required());
  }
};

// The surrogate's model (predictor, holdout, seed) is declared by SurrogateSettings, as a suite's
// `surrogate:` key reads it; the target and the architectures drawn are the command's.
struct SurrogateCommandOptions {
  std::string benchmark;
  SurrogateSettings settings{.extra = 100000};
  std::string out;
  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark,
      "the benchmark whose recorded architectures the predictor is fitted on", Required());
    v("dataset", settings.dataset, "dataset of the target", Names());
    v("metric", settings.metric, "target metric", Names());
    v("epochs", settings.epochs,
      "the metric's epochs (0: its only recorded count; needed where several are)",
      InRange(0, 1e6));
    settings.Visit(v);
    v("extra", settings.extra, "architectures drawn from the space beyond the recorded ones",
      InRange(0, kMaxSurrogateExtra));
    v("out", out, "surrogate benchmark file to write (.h5)", Required());
  }
};

}  // namespace

int InfoCommand(const Args& args) {
  const auto o = ParseCommand<InfoOptions>(args, "info", "info FILE.h5", {"benchmark"});
  if (!o) return 0;
  const auto benchmark = TabularBenchmark::Open(o->benchmark);
  fmt::print("file: {}\n", benchmark.path());
  for (const auto& [key, value] : benchmark.data().attrs) fmt::print("{}: {}\n", key, value);
  fmt::print("architectures: {} of {} in space {}\n", benchmark.NumRows(), benchmark.space().Size(),
             benchmark.space().Name());
  fmt::print("tables (path [rows x columns] epochs; measured values):\n");
  for (const auto& [path, table] : benchmark.data().tables) {
    std::size_t measured = 0;
    for (float v : table.values) measured += std::isnan(v) ? 0 : 1;
    std::string epochs;
    for (std::size_t i = 0; i < table.epochs.size(); ++i)
      epochs += (i ? "," : "") + std::to_string(table.epochs[i]);
    std::string attrs;
    for (const auto& key : {"split", "unit"}) {
      if (auto it = table.attrs.find(key); it != table.attrs.end()) attrs += " " + it->second;
    }
    const std::string shape =
        fmt::format("[{} x {}{}]", benchmark.NumRows(), table.columns,
                    table.seeds > 1 ? fmt::format(" x {} seeds", table.seeds) : "");
    fmt::print("  {:<44} {:<24} {:<8}{:<18} {} measured\n", path, shape,
               epochs.empty() ? "-" : epochs, attrs, measured);
  }
  return 0;
}

int QueryCommand(const Args& args) {
  const auto o = ParseCommand<QueryOptions>(
      args, "query",
      "query --benchmark FILE.h5 (--arch STR | --index I) --dataset D --metric M [--epochs E]");
  if (!o) return 0;
  if (o->arch.empty() == o->index.empty()) {
    throw ConfigError("query: give exactly one of --arch and --index");
  }
  const auto benchmark = TabularBenchmark::Open(o->benchmark);
  std::size_t row;
  if (!o->arch.empty()) {
    const std::string& text = o->arch;
    const ArchId arch = benchmark.space().Parse(text);
    auto found = benchmark.RowOf(arch);
    if (!found)
      throw ConfigError(benchmark.path() + ": architecture " + Quote(text) +
                        " is not in the benchmark");
    row = *found;
  } else {
    std::int64_t index = 0;
    const std::string& text = o->index;
    internal::ParseInto("--index", text, index);
    if (index < 0) throw ConfigError("--index must be >= 0 (got " + text + ")");
    row = benchmark.RowOfIndex(static_cast<std::uint64_t>(index));
  }
  const std::string& dataset = o->dataset;
  const std::string& metric = o->metric;
  const int epochs = o->epochs;
  const auto value = benchmark.Query(row, dataset, metric, epochs);
  if (!value) {
    throw DataError(benchmark.path() + ": " + dataset + "/" + metric +
                    " was not measured for index " + std::to_string(benchmark.data().index[row]) +
                    (epochs ? " at " + std::to_string(epochs) + " epochs" : "") +
                    " (the file holds NaN)");
  }
  // Values are stored as float32; print the shortest text that reads back to the same float.
  fmt::print("{}\n", static_cast<float>(*value));
  return 0;
}

int ImportCommand(const Args& args) {
  const auto o = ParseCommand<ImportOptions>(args, "import",
                                             "import SOURCE --from DIR --out FILE.h5", {"source"});
  if (!o) return 0;
  const std::string& out = o->out;
  const auto importer = ImporterRegistry::Global().Create(o->source, OptionValues{});
  const BenchmarkData data = importer->Import(o->from);
  try {
    WriteBenchmark(data, out);  // checks every table as `Open` will
  } catch (const DataError&) {
    RethrowWithContext("import " + o->source + " from " + o->from);
  }
  fmt::print(stderr, "naskit: wrote {} ({} architectures, {} tables)\n", out, data.archs.size(),
             data.tables.size());
  return 0;
}

int BenchSealCommand(const Args& args) {
  const auto o = ParseCommand<SealOptions>(args, "bench seal", "bench seal FILE.h5", {"file"});
  if (!o) return 0;
  // Seal a copy and open it with every check of the format before it replaces the file, so that a
  // file naskit would refuse is never sealed. A link is followed: its target is sealed.
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_regular_file(o->file, error)) {
    throw ConfigError(o->file + ": benchmark file not found");
  }
  const std::string path = fs::canonical(o->file).string();
  const fs::path target(path);
  RemoveStaleTemporaries(target.parent_path().string(), target.filename().string());
  const std::string copy = TemporaryPathFor(path);
  try {
    fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
    SealBenchmarkFile(copy);
    const TabularBenchmark benchmark = TabularBenchmark::Open(copy);
    fs::rename(copy, path);
    fmt::print(stderr, "naskit: sealed {} ({} architectures of space {}, {} tables)\n", path,
               benchmark.NumRows(), benchmark.space().Name(), benchmark.data().tables.size());
  } catch (...) {
    fs::remove(copy, error);
    // The messages name the file the user gave, not the temporary copy.
    try {
      throw;
    } catch (const std::exception& e) {
      std::string message = e.what();
      for (std::size_t at; (at = message.find(copy)) != std::string::npos;) {
        message.replace(at, copy.size(), path);
      }
      if (dynamic_cast<const IoError*>(&e)) throw IoError(message);
      throw DataError(message);
    }
  }
  return 0;
}

int SurrogateCommand(const Args& args) {
  const auto o = ParseCommand<SurrogateCommandOptions>(
      args, "surrogate",
      "surrogate BENCHMARK.h5 --out FILE.h5 [--dataset D --metric M --epochs E] "
      "[--predictor P --predictor-option key=value ...] [--extra N]",
      {"benchmark"});
  if (!o) return 0;
  const SurrogateSettings& settings = o->settings;
  if (std::filesystem::weakly_canonical(o->out) ==
      std::filesystem::weakly_canonical(o->benchmark)) {
    throw ConfigError("surrogate: --out " + Quote(o->out) +
                      " is the benchmark it is fitted on (choose another file: the surrogate's "
                      "predictions would replace the measured values)");
  }
  const TabularBenchmark benchmark = TabularBenchmark::Open(o->benchmark);
  const Surrogate surrogate = FitSurrogate(benchmark, settings);
  const std::string& out = o->out;
  WriteBenchmark(surrogate.data, out);
  fmt::print(stderr,
             "naskit: wrote {}: {} architectures ({} recorded, {} drawn of --extra {}); Kendall "
             "tau {:.3f} on {} held-out recorded architectures (fitted on {})\n",
             out, surrogate.data.archs.size(), surrogate.data.attrs.at("surrogate_recorded"),
             surrogate.extra, settings.extra, surrogate.model.holdout_kendall_tau,
             surrogate.model.holdout_measured.size(), surrogate.model.train);
  return 0;
}

}  // namespace naskit::cli
