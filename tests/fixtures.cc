// Synthetic fixtures; see fixtures.h.
#include "tests/fixtures.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "core/rng.h"
#include "spaces/nb201/nb201_space.h"
#include "strategies/search_strategy.h"
#include "tests/test_util.h"

namespace naskit::testing {

BenchmarkData SyntheticNb201(std::uint64_t salt) {
  BenchmarkData data;
  data.attrs = {{"name", "synthetic"}, {"space", "nb201"}, {"source", "naskit test fixture"}};
  const std::size_t n = Nb201Space::kNumArchs;
  Table valid, test, cost;
  valid.epochs = {12};
  test.epochs = {200};
  cost.epochs = {12};
  valid.attrs = {{"split", "valid"}, {"unit", "percent"}};
  test.attrs = {{"split", "test"}, {"unit", "percent"}};
  for (ArchId a = 0; a < n; ++a) {
    data.archs.push_back(a);
    data.index.push_back(
        static_cast<std::uint32_t>((a * 7919 + 13) % n));  // a permutation of 0..n-1
    double quality = 0;
    for (int e = 0; e < 6; ++e) {
      const int op = Nb201Space::OpOf(a, e);
      quality += op == Nb201Space::kConv3x3   ? 3
                 : op == Nb201Space::kConv1x1 ? 2
                 : op == Nb201Space::kSkip    ? 1
                                              : 0;
    }
    Rng noise = Rng(salt).Derive(a);
    valid.values.push_back(static_cast<float>(50 + 2 * quality + 3 * noise.UniformReal()));
    test.values.push_back(static_cast<float>(52 + 2 * quality + 3 * noise.UniformReal()));
    cost.values.push_back(a % 2 ? NAN : static_cast<float>(100 + 10 * quality));
  }
  data.tables["metrics/toy/valid_accuracy"] = valid;
  data.tables["metrics/toy/test_accuracy"] = test;
  data.tables["cost/toy/train_seconds"] = cost;
  return data;
}

BenchmarkData SyntheticSparse(const std::string& space_key, std::size_t rows, std::uint64_t salt) {
  const SearchSpace& space = GetSpace(space_key);
  BenchmarkData data;
  data.attrs = {
      {"name", "synthetic_" + space_key}, {"space", space_key}, {"source", "naskit test fixture"}};
  Table valid, test, cost;
  valid.epochs = {12};
  test.epochs = {200};
  cost.epochs = {12};
  std::vector<double> weights(space.EncodingSize(Encoding::kOneHot));
  Rng rng = Rng(salt).Derive("synthetic " + space_key);
  for (double& w : weights) w = rng.UniformReal();
  std::set<ArchId> seen;
  while (data.archs.size() < rows) {
    const ArchId a = space.Sample(rng);
    if (!seen.insert(a).second) continue;
    const auto x = space.Encode(a, Encoding::kOneHot);
    double quality = 0;
    for (std::size_t i = 0; i < x.size(); ++i) quality += weights[i] * x[i];
    data.index.push_back(static_cast<std::uint32_t>(data.archs.size()));
    data.archs.push_back(a);
    valid.values.push_back(static_cast<float>(50 + quality + rng.UniformReal()));
    test.values.push_back(static_cast<float>(52 + quality + rng.UniformReal()));
    cost.values.push_back(data.archs.size() % 2 ? NAN : static_cast<float>(100 + 10 * quality));
  }
  data.tables["metrics/toy/valid_accuracy"] = valid;
  data.tables["metrics/toy/test_accuracy"] = test;
  data.tables["cost/toy/train_seconds"] = cost;
  return data;
}

std::string SyntheticNb201File(std::uint64_t salt) {
  static std::mutex mutex;
  static std::map<std::uint64_t, std::string> files;
  std::lock_guard lock(mutex);
  auto& path = files[salt];
  if (path.empty()) {
    path = TempDir("synthetic") + "/synthetic.h5";
    WriteBenchmark(SyntheticNb201(salt), path);
  }
  return path;
}

std::vector<std::string> CliStrategies() {
  const CliResult list = RunCli({"list", "strategies"});
  std::vector<std::string> keys;
  std::istringstream lines(list.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("  ")) keys.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return keys;
}

std::vector<std::string> UnguidedCliStrategies() {
  std::vector<std::string> keys;
  for (const std::string& key : CliStrategies()) {
    const auto& options = StrategyRegistry::Global().Find(key).options;
    if (std::none_of(options.begin(), options.end(),
                     [](const OptionInfo& o) { return o.key == "predictor"; })) {
      keys.push_back(key);
    }
  }
  return keys;
}

std::vector<std::size_t> RowsOf(const TabularBenchmark& benchmark, std::span<const ArchId> archs) {
  std::vector<std::size_t> rows;
  for (ArchId arch : archs) rows.push_back(benchmark.RowOf(arch).value());
  return rows;
}

OptionValues TestOptions(const std::string& strategy) {
  OptionValues options;
  for (const OptionInfo& option : StrategyRegistry::Global().Find(strategy).options) {
    if (option.key == "predictor" && option.type == "plugin") {
      options["predictor"] = "xgboost";
      options["predictor.rounds"] = "10";
    }
    // Fewer fits per run.
    if (option.key == "batch" || option.key == "refit_every") options[option.key] = "20";
  }
  return options;
}

std::string WriteSyntheticSuite(const std::string& benchmark, const std::string& seeds,
                                const std::string& budgets,
                                const std::vector<std::string>& strategies) {
  std::string path = TempDir("suite") + "/suite.yaml";
  std::ofstream out(path);
  out << "name: synthetic\nbenchmark: " << benchmark << "\nseeds: " << seeds << "\nstrategies:\n";
  for (const auto& key : strategies.empty() ? StrategyRegistry::Global().Keys() : strategies) {
    out << "  - strategy: " << key << "\n";
    if (const OptionValues options = TestOptions(key); !options.empty()) {
      out << "    options:\n";
      for (const auto& [name, value] : options) out << "      " << name << ": " << value << "\n";
    }
  }
  out << "experiments:\n"
         "  - name: queries\n    datasets: [toy]\n    budget_unit: queries\n    budgets: "
      << budgets
      << "\n"
         "  - name: seconds\n    datasets: [toy]\n    budget_unit: seconds\n    budgets: [3000]\n";
  return path;
}

// A target that is a known function of the architecture: a weighted sum of eight entries of its
// one-hot encoding, with weights 1..8 (a few choices decide, as in real spaces). Learned
// predictors must rank it almost perfectly.
std::vector<double> SyntheticTargets(const SearchSpace& space, std::span<const ArchId> archs) {
  const std::size_t width = space.EncodingSize(Encoding::kOneHot);
  std::vector<double> weights(width);
  Rng rng(99);
  for (int w = 1; w <= 8; ++w) weights[rng.UniformInt(width)] = w;
  std::vector<double> targets;
  for (const ArchId arch : archs) {
    const auto x = space.Encode(arch, Encoding::kOneHot);
    double t = 0;
    for (std::size_t i = 0; i < width; ++i) t += weights[i] * x[i];
    targets.push_back(t);
  }
  return targets;
}

std::vector<ArchId> SampleDistinct(const SearchSpace& space, std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::set<ArchId> seen;
  std::vector<ArchId> archs;
  while (archs.size() < n) {
    const ArchId arch = space.Sample(rng);
    if (seen.insert(arch).second) archs.push_back(arch);
  }
  return archs;
}

}  // namespace naskit::testing
