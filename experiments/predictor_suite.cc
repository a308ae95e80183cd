// Predictor suites: loading, planning and the evaluation protocol; see predictor_suite.h.
#include "experiments/predictor_suite.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "core/rng.h"
#include "experiments/search_run.h"
#include "experiments/suite.h"
#include "experiments/yaml_reader.h"
#include "predictors/features.h"
#include "predictors/predictor.h"
#include "records/statistics.h"

namespace naskit {
namespace {

class PredictorSuiteReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  PredictorSuite Read(const YAML::Node& root) const {
    RejectDuplicateKeys(root, "");
    LoadPlugins(root["plugins"]);
    RejectUnknownKeys(root, "",
                      {"name", "description", "trials", "predictors", "experiments", "plugins"});
    for (const char* required : {"name", "trials", "predictors", "experiments"}) {
      if (!root[required]) Fail(root, "", "missing required key " + Quote(required));
    }
    PredictorSuite suite;
    suite.path = path();
    suite.name = Name(root["name"], "name");
    if (root["description"]) suite.description = Scalar(root["description"], "description");
    suite.trials = Seeds(root["trials"], "trials");

    suite.predictors = PluginList<PredictorRegistry>(root["predictors"], "predictors", "predictor");

    const YAML::Node experiments = root["experiments"];
    if (!experiments.IsSequence() || experiments.size() == 0) {
      Fail(experiments, "experiments", "expected a non-empty list of experiments");
    }
    std::set<std::string> names;
    double runs = 0;
    for (const auto& node : experiments) {
      suite.experiments.push_back(ReadExperiment(node, suite, names));
      const auto& e = suite.experiments.back();
      runs += static_cast<double>(e.datasets.size() * e.predictors.size() * e.train_sizes.size() *
                                  suite.trials.size());
    }
    if (runs > kMaxRunsPerSuite) {
      Fail(root, "",
           fmt::format("the suite plans {} runs (at most {}); use fewer trials or train sizes",
                       runs, kMaxRunsPerSuite));
    }
    return suite;
  }

 private:
  PredictorExperiment ReadExperiment(const YAML::Node& node, const PredictorSuite& suite,
                                     std::set<std::string>& names) const {
    RejectUnknownKeys(node, "experiments[]", DeclaredKeys<PredictorExperiment>());
    PredictorExperiment e;
    YamlVisitor visitor(*this, node, "experiments[]");
    e.Visit(visitor);
    if (!names.insert(e.name).second)
      Fail(node, "name", "two experiments are named " + Quote(e.name));
    if (e.test == "rest") {
      e.test_rest = true;
    } else if (node["test_size"]) {
      e.test_size = static_cast<std::size_t>(Integer(node["test_size"], "test_size", 2, 10000000));
    }
    std::vector<std::string> labels;
    for (const auto& p : suite.predictors) labels.push_back(p.label);
    for (const auto& label : e.predictor_labels) {
      const auto it = std::find(labels.begin(), labels.end(), label);
      if (it == labels.end()) {
        Fail(node["predictors"], "predictors",
             UnknownNameMessage("predictor label", label, labels));
      }
      e.predictors.push_back(static_cast<std::size_t>(it - labels.begin()));
    }
    if (e.predictor_labels.empty()) {
      for (std::size_t p = 0; p < suite.predictors.size(); ++p) e.predictors.push_back(p);
    }
    return e;
  }
};

// The architectures a (experiment, dataset) draws from, and their targets.
struct Pool {
  const TabularBenchmark* benchmark = nullptr;
  std::vector<ArchId> archs;
  std::vector<double> targets;
  int epochs = 0;  // the targets' training length (0: the metric has no epochs)
};

std::string PoolKey(std::size_t experiment, const std::string& dataset) {
  return fmt::format("{}/{}", experiment, dataset);
}

Pool MakePool(const PredictorSuite& suite, const PredictorExperiment& e, const std::string& dataset,
              const TabularBenchmark& benchmark) {
  const std::string where =
      suite.path + ": experiment " + Quote(e.name) + ", dataset " + Quote(dataset);
  Pool pool;
  pool.benchmark = &benchmark;
  const Table* target;
  std::size_t column;
  try {
    target = &benchmark.Metric(dataset, e.metric);
    pool.epochs = ResolveEpochs(*target, e.epochs ? e.epochs : kUnsetEpochs, "key \"epochs\"",
                                dataset + "/" + e.metric);
    column = target->ColumnOf(pool.epochs, e.metric);
  } catch (const ConfigError& error) {
    throw ConfigError(where + ": " + error.what());
  }
  // Every predictor is built once here, so that a predictor that refuses the space or a feature
  // the benchmark lacks is an error before the first run.
  std::vector<std::unique_ptr<FeatureEncoder>> encoders;
  const PredictorContext context{benchmark.space(), &benchmark, dataset};
  for (std::size_t p : e.predictors) {
    const SuitePredictor& predictor = suite.predictors[p];
    try {
      PredictorRegistry::Global().Create(predictor.key, predictor.options, context);
      if (predictor.resolved.contains("features")) {
        encoders.push_back(std::make_unique<FeatureEncoder>(
            predictor.resolved.at("features"), context, "predictor " + Quote(predictor.label)));
      }
    } catch (const ConfigError& error) {
      throw ConfigError(where + ": " + error.what());
    }
  }
  for (std::size_t row = 0; row < benchmark.NumRows(); ++row) {
    const float value = target->At(row, column);
    const ArchId arch = benchmark.data().archs[row];
    if (std::isnan(value)) continue;
    if (std::ranges::any_of(encoders, [&](const auto& enc) { return !enc->Covers(arch); }))
      continue;
    pool.archs.push_back(arch);
    pool.targets.push_back(value);
  }
  const std::size_t largest = *std::max_element(e.train_sizes.begin(), e.train_sizes.end());
  const std::size_t needed = largest + (e.test_rest ? 1 : e.test_size);
  if (pool.archs.size() < needed) {
    throw ConfigError(fmt::format(
        "{}: {} architectures have {} and every feature the predictors read; train size {} and "
        "{} need {} (use smaller train_sizes or test_size)",
        where, pool.archs.size(), e.metric, largest,
        e.test_rest ? "at least one test architecture" : fmt::format("test_size {}", e.test_size),
        needed));
  }
  return pool;
}

std::string RunPredictor(const PredictorSuite& suite, const PredictorRun& run, const Pool& pool) {
  const PredictorExperiment& e = suite.experiments[run.experiment];
  const SuitePredictor& p = suite.predictors[run.predictor];
  const PoolSplit split = SplitPool(pool.archs.size(), run.trial, run.dataset, run.train_size,
                                    e.test_size, e.test_rest);
  std::vector<ArchId> train, test;
  std::vector<double> train_targets, test_targets;
  for (std::size_t i : split.train) {
    train.push_back(pool.archs[i]);
    train_targets.push_back(pool.targets[i]);
  }
  for (std::size_t i : split.test) {
    test.push_back(pool.archs[i]);
    test_targets.push_back(pool.targets[i]);
  }

  using Clock = std::chrono::steady_clock;
  const PredictorContext context{pool.benchmark->space(), pool.benchmark, run.dataset};
  auto predictor = PredictorRegistry::Global().Create(p.key, p.options, context);
  const auto fit_start = Clock::now();
  if (predictor->NeedsFit()) {
    const std::uint64_t seed =
        Rng(run.trial).Derive("predictor fit").Derive(run.train_size).NextU64();
    predictor->Fit(train, train_targets, seed);
  }
  const auto predict_start = Clock::now();
  const Prediction prediction = predictor->Predict(test);
  const auto predict_end = Clock::now();

  std::vector<double> predicted, truth;
  for (std::size_t i = 0; i < test.size(); ++i) {
    if (!std::isfinite(prediction.mean[i])) continue;  // counted as undefined
    predicted.push_back(prediction.mean[i]);
    truth.push_back(test_targets[i]);
  }
  const std::chrono::duration<double> fit_seconds = predict_start - fit_start;
  const std::chrono::duration<double> predict_seconds = predict_end - predict_start;

  PredictorRecord r;
  r.naskit_version = NASKIT_VERSION;
  r.suite = suite.name;
  r.run = run.key;
  r.experiment = e.name;
  r.dataset = run.dataset;
  r.predictor = p.key;
  r.label = p.label;
  r.options = p.resolved;
  r.trial = run.trial;
  r.benchmark = {{"path", pool.benchmark->path()},
                 {"name", pool.benchmark->Attr("name")},
                 {"space", pool.benchmark->space().Name()},
                 {"checksum", fmt::format("fnv1a64:{:016x}", pool.benchmark->checksum())}};
  r.target_metric = e.metric;
  r.target_epochs = pool.epochs;
  r.pool = pool.archs.size();
  r.train_size = train.size();
  r.test_size = test.size();
  r.test = e.test_rest ? "rest" : "fixed";
  r.undefined_predictions = test.size() - predicted.size();
  r.kendall_tau = KendallTau(predicted, truth);
  r.spearman = Spearman(predicted, truth);
  r.pearson = Pearson(predicted, truth);
  r.precision_at_10 = PrecisionAtTop(predicted, truth, 0.1);
  r.rmse = Rmse(predicted, truth);
  r.rmse_top_10 = RmseAtTop(predicted, truth, 0.1);
  r.fit_seconds = fit_seconds.count();
  r.predict_seconds_per_arch =
      test.empty() ? 0.0 : predict_seconds.count() / static_cast<double>(test.size());
  return PredictorResultJson(r);
}

}  // namespace

PoolSplit SplitPool(std::size_t pool_size, std::uint64_t trial, const std::string& dataset,
                    std::size_t train_size, std::size_t test_size, bool test_rest) {
  std::vector<std::size_t> order(pool_size);
  for (std::size_t i = 0; i < pool_size; ++i) order[i] = i;
  Rng rng = Rng(trial).Derive("predictor split " + dataset);
  for (std::size_t i = pool_size; i > 1; --i) std::swap(order[i - 1], order[rng.UniformInt(i)]);
  const std::size_t train_begin = test_rest ? 0 : test_size;
  if (train_begin + train_size > pool_size || (test_rest && train_size >= pool_size)) {
    throw std::invalid_argument("SplitPool: the pool is too small for the split");
  }
  PoolSplit split;
  split.train.assign(order.begin() + static_cast<std::ptrdiff_t>(train_begin),
                     order.begin() + static_cast<std::ptrdiff_t>(train_begin + train_size));
  if (test_rest) {
    split.test.assign(order.begin() + static_cast<std::ptrdiff_t>(train_size), order.end());
  } else {
    split.test.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(test_size));
  }
  return split;
}

std::vector<OptionInfo> DescribePredictorExperimentKeys() {
  return DescribeOptions<PredictorExperiment>();
}

PredictorSuite LoadPredictorSuite(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  const YAML::Node root = LoadSuiteYaml(path, overrides);
  PredictorSuite suite =
      WithYamlErrors(path, [&] { return PredictorSuiteReader(path).Read(root); });
  suite.canonical_yaml = CanonicalYaml(root);
  return suite;
}

std::vector<PredictorRun> PlanPredictorRuns(const PredictorSuite& suite) {
  std::vector<PredictorRun> runs;
  for (std::size_t e = 0; e < suite.experiments.size(); ++e) {
    const auto& experiment = suite.experiments[e];
    for (const auto& dataset : experiment.datasets) {
      for (std::size_t p : experiment.predictors) {
        for (std::size_t n : experiment.train_sizes) {
          for (std::uint64_t trial : suite.trials) {
            runs.push_back({e, dataset, p, n, trial,
                            fmt::format("{}/{}/{}/n-{}/trial-{}", experiment.name, dataset,
                                        suite.predictors[p].label, n, trial)});
          }
        }
      }
    }
  }
  return runs;
}

RunnerSummary RunPredictorSuite(const PredictorSuite& suite, const RunnerOptions& options) {
  CheckRunnerOptions(options);
  std::map<std::string, std::unique_ptr<TabularBenchmark>> benchmarks;
  std::string checksums, paths;
  std::map<std::string, Pool> pools;
  for (std::size_t e = 0; e < suite.experiments.size(); ++e) {
    const auto& experiment = suite.experiments[e];
    auto& benchmark = benchmarks[experiment.benchmark];
    if (!benchmark) {
      benchmark = std::make_unique<TabularBenchmark>(TabularBenchmark::Open(experiment.benchmark));
      checksums += fmt::format("{} fnv1a64:{:016x}\n", experiment.benchmark, benchmark->checksum());
      paths += (paths.empty() ? "" : ", ") + experiment.benchmark;
    }
    for (const auto& dataset : experiment.datasets) {
      pools[PoolKey(e, dataset)] = MakePool(suite, experiment, dataset, *benchmark);
    }
  }
  const auto runs = PlanPredictorRuns(suite);
  std::vector<std::string> keys;
  for (const auto& run : runs) keys.push_back(run.key);
  return RunJobs(
      {.command = "eval-predictors",
       .name = suite.name,
       .definition = suite.canonical_yaml,
       .checksums = checksums,
       .inputs = paths},
      keys,
      [&](std::size_t i) {
        return RunPredictor(suite, runs[i], pools.at(PoolKey(runs[i].experiment, runs[i].dataset)));
      },
      options);
}

}  // namespace naskit
