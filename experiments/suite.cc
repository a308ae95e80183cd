// Suite loading, overrides and run planning; see suite.h.
#include "experiments/suite.h"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/names.h"
#include "experiments/evaluator.h"
#include "experiments/yaml_reader.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

class SuiteReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  Suite Read(const YAML::Node& root) const {
    RejectDuplicateKeys(root, "");
    LoadPlugins(root["plugins"]);
    Suite suite;
    suite.path = path();
    RejectUnknownKeys(root, "",
                      {"name", "description", "benchmark", "space", "seeds", "strategies",
                       "experiments", "plugins"});
    for (const char* required : {"name", "seeds", "strategies", "experiments"}) {
      if (!root[required]) Fail(root, "", "missing required key " + Quote(required));
    }
    suite.name = Name(root["name"], "name");
    if (root["description"]) suite.description = Scalar(root["description"], "description");
    // A benchmark file, or (for evaluators that need none) the space searched.
    if (root["benchmark"] && root["space"]) {
      Fail(root["space"], "space",
           "a suite names a benchmark or a space, not both (the "
           "benchmark's file says its space)");
    }
    if (root["benchmark"]) {
      suite.benchmark = Scalar(root["benchmark"], "benchmark");
    } else if (root["space"]) {
      suite.space = Scalar(root["space"], "space");
      try {
        SpaceRegistry::Global().Find(suite.space);
      } catch (const ConfigError& error) {
        Fail(root["space"], "space", error.what());
      }
    } else {
      Fail(root, "",
           "missing required key \"benchmark\" (or \"space\", for an evaluator that "
           "needs no benchmark file)");
    }
    suite.seeds = Seeds(root["seeds"]);

    suite.strategies = PluginList<StrategyRegistry>(root["strategies"], "strategies", "strategy");

    const YAML::Node experiments = root["experiments"];
    if (!experiments.IsSequence() || experiments.size() == 0) {
      Fail(experiments, "experiments", "expected a non-empty list of experiments");
    }
    std::set<std::string> names;
    for (const auto& node : experiments) suite.experiments.push_back(ReadExperiment(node, names));
    // Planning allocates one entry per run: bound the suite before it does.
    double runs = 0;
    for (const auto& e : suite.experiments) {
      runs += static_cast<double>(e.datasets.size() * e.budgets.size() * suite.strategies.size() *
                                  suite.seeds.size());
    }
    if (runs > kMaxRunsPerSuite) {
      Fail(root, "",
           fmt::format("the suite plans {} runs (at most {}); use fewer seeds or "
                       "budgets, or split it into several suites",
                       runs, kMaxRunsPerSuite));
    }
    return suite;
  }

  SuiteExperiment ReadExperiment(const YAML::Node& node, std::set<std::string>& names) const {
    RejectUnknownKeys(
        node, "experiments[]",
        {"name",          "datasets",        "signal_metric", "signal_epochs", "report_metric",
         "report_epochs", "report_datasets", "budget_unit",   "budgets",       "cost_scale",
         "cost_dataset",  "charge_repeats",  "signal_seed",   "workers",       "signal_device",
         "report_device", "direction",       "constraints",   "warm_start",    "surrogate",
         "evaluator",     "fidelities"});
    for (const char* required : {"name", "datasets", "budgets"}) {
      if (!node[required]) Fail(node, "experiments[]", "missing required key " + Quote(required));
    }
    SuiteExperiment e;
    e.name = Name(node["name"], "name");
    if (!names.insert(e.name).second)
      Fail(node, "name", "two experiments are named " + Quote(e.name));
    e.datasets = NameList(node["datasets"], "datasets");
    SearchSettings& s = e.settings;
    if (node["signal_metric"]) s.signal_metric = Scalar(node["signal_metric"], "signal_metric");
    if (node["signal_epochs"])
      s.signal_epochs = Integer(node["signal_epochs"], "signal_epochs", 0, 1000000);
    if (node["report_metric"]) s.report_metric = Scalar(node["report_metric"], "report_metric");
    if (node["report_epochs"])
      s.report_epochs = Integer(node["report_epochs"], "report_epochs", 0, 1000000);
    if (node["report_datasets"])
      s.report_datasets = NameList(node["report_datasets"], "report_datasets");
    if (node["budget_unit"]) {
      s.budget_unit = Scalar(node["budget_unit"], "budget_unit");
      if (s.budget_unit != "queries" && s.budget_unit != "seconds") {
        Fail(node["budget_unit"], "budget_unit",
             UnknownNameMessage("budget unit", s.budget_unit, {"queries", "seconds"}));
      }
    }
    const YAML::Node budgets = node["budgets"];
    const double max_budget = s.budget_unit == "queries" ? double(kMaxQueriesPerRun) : 1e12;
    // Query budgets are whole numbers; 20.5 queries is an error, not 20.
    auto budget = [&](const YAML::Node& b) {
      return s.budget_unit == "queries"
                 ? static_cast<double>(Integer(b, "budgets", 1, static_cast<int>(max_budget)))
                 : Number(b, "budgets", 1, max_budget);
    };
    if (budgets.IsScalar()) {
      e.budgets.push_back(budget(budgets));
    } else if (budgets.IsSequence() && budgets.size() > 0) {
      for (const auto& b : budgets) {
        e.budgets.push_back(budget(b));
        if (std::count(e.budgets.begin(), e.budgets.end(), e.budgets.back()) > 1) {
          Fail(b, "budgets", "lists " + Scalar(b, "budgets") + " twice");
        }
      }
    } else {
      Fail(budgets, "budgets", "expected a positive number or a non-empty list of them");
    }
    if (node["cost_scale"]) s.cost_scale = Number(node["cost_scale"], "cost_scale", 1e-6, 1e6);
    if (node["cost_dataset"]) s.cost_dataset = Name(node["cost_dataset"], "cost_dataset");
    if (node["charge_repeats"]) {
      const std::string text = Scalar(node["charge_repeats"], "charge_repeats");
      if (text != "true" && text != "false")
        Fail(node["charge_repeats"], "charge_repeats",
             "expected true or false (got " + Quote(text) + ")");
      s.charge_repeats = text == "true";
    }
    if (node["signal_seed"]) {
      const std::string text = Scalar(node["signal_seed"], "signal_seed");
      if (text != "mean" && text != "random") {
        Fail(node["signal_seed"], "signal_seed",
             UnknownNameMessage("signal seed", text, {"mean", "random"}));
      }
      s.signal_random_seed = text == "random";
    }
    if (node["workers"]) {
      s.workers = static_cast<std::size_t>(Integer(node["workers"], "workers", 1, 1024));
    }
    if (node["signal_device"]) s.signal_device = Name(node["signal_device"], "signal_device");
    if (node["report_device"]) s.report_device = Name(node["report_device"], "report_device");
    if (node["direction"]) {
      const std::string text = Scalar(node["direction"], "direction");
      if (text != "maximize" && text != "minimize") {
        Fail(node["direction"], "direction",
             UnknownNameMessage("direction", text, {"maximize", "minimize"}));
      }
      s.minimize = text == "minimize";
    }
    if (const YAML::Node f = node["fidelities"]) {
      // Without a benchmark nothing else says at which training lengths a strategy may ask.
      for (const auto& item : f.IsSequence() ? f : YAML::Node()) {
        s.fidelities.push_back(Integer(item, "fidelities", 0, 1000000));
        if (s.fidelities.size() > 1 &&
            s.fidelities.back() <= s.fidelities[s.fidelities.size() - 2]) {
          Fail(item, "fidelities", "expected epoch counts in ascending order");
        }
      }
      if (s.fidelities.empty()) Fail(f, "fidelities", "expected a non-empty list of epoch counts");
    }
    if (const YAML::Node w = node["warm_start"]) {
      if (!w.IsMap()) Fail(w, "warm_start", "expected a map {proxy: zc:NAME, pool: N, top: K}");
      RejectUnknownKeys(w, "warm_start", {"proxy", "pool", "top", "seconds_per_score"});
      if (!w["proxy"]) Fail(w, "warm_start", "missing required key \"proxy\"");
      s.warm_start.proxy = Scalar(w["proxy"], "warm_start.proxy");
      if (w["pool"]) s.warm_start.pool = Integer(w["pool"], "warm_start.pool", 1, 100000000);
      if (w["top"]) s.warm_start.top = Integer(w["top"], "warm_start.top", 1, 1000000);
      if (w["seconds_per_score"]) {
        s.warm_start.seconds_per_score =
            Number(w["seconds_per_score"], "warm_start.seconds_per_score", 0, 1e9);
      }
      if (s.warm_start.top > s.warm_start.pool) {
        Fail(w["top"], "warm_start.top",
             fmt::format("is {}, more than the pool of {} it is chosen from", s.warm_start.top,
                         s.warm_start.pool));
      }
    }
    if (const YAML::Node m = node["surrogate"]) {
      // `surrogate: gp`, or `surrogate: {predictor: {name: xgboost, max_depth: 4}, holdout: 0.2}`.
      OptionValues values;
      if (m.IsScalar()) {
        values["predictor"] = Scalar(m, "surrogate");
      } else if (m.IsMap()) {
        FlattenOptions(m, "", values);
      } else {
        Fail(m, "surrogate", "expected a predictor or a map {predictor: P, holdout: H, seed: S}");
      }
      try {
        s.surrogate = ParseOptions<SurrogateSettings>("surrogate", values);
      } catch (const ConfigError& error) {
        Fail(m, "surrogate", error.what());
      }
    }
    // `evaluator: tabular` or `evaluator: {name: tabular, ...options}`; by default the benchmark's
    // (SearchSettings::evaluator).
    if (const YAML::Node m = node["evaluator"]) {
      s.evaluator.options.clear();
      if (m.IsScalar()) {
        s.evaluator.key = Scalar(m, "evaluator");
      } else if (m.IsMap() && m["name"]) {
        FlattenOptions(m, "", s.evaluator.options);
        s.evaluator.key = s.evaluator.options.at("name");
        s.evaluator.options.erase("name");
      } else {
        Fail(m, "evaluator", "expected an evaluator's key or a map {name: KEY, ...its options}");
      }
      try {
        EvaluatorRegistry::Global().Find(s.evaluator.key).resolve(s.evaluator.options);
      } catch (const ConfigError& error) {
        Fail(m, "evaluator", error.what());
      }
      if (s.surrogate && s.evaluator.key == "tabular") {
        Fail(m, "evaluator",
             "is \"tabular\", but the experiment fits a surrogate (`surrogate:`), which only the "
             "\"surrogate\" evaluator answers from");
      }
    }
    if (node["constraints"]) {
      for (const auto& text : StringList(node["constraints"], "constraints")) {
        try {
          s.constraints.push_back(ParseConstraint(text));
        } catch (const ConfigError& error) {
          Fail(node["constraints"], "constraints", error.what());
        }
      }
    }
    return e;
  }
};

std::string FormatBudget(double budget, const std::string& unit) {
  return fmt::format("{}{}", budget, unit == "seconds" ? "s" : "q");
}

}  // namespace

Suite LoadSuite(const std::string& path, const std::vector<std::string>& overrides) {
  const YAML::Node root = LoadSuiteYaml(path, overrides);
  Suite suite = WithYamlErrors(path, [&] { return SuiteReader(path).Read(root); });
  suite.canonical_yaml = CanonicalYaml(root);
  return suite;
}

std::vector<PlannedRun> PlanRuns(const Suite& suite) {
  std::vector<PlannedRun> runs;
  for (std::size_t e = 0; e < suite.experiments.size(); ++e) {
    const auto& experiment = suite.experiments[e];
    for (const auto& dataset : experiment.datasets) {
      for (std::size_t s = 0; s < suite.strategies.size(); ++s) {
        for (double budget : experiment.budgets) {
          for (std::uint64_t seed : suite.seeds) {
            runs.push_back(
                {e, dataset, s, budget, seed,
                 fmt::format("{}/{}/{}/{}/seed-{}", experiment.name, dataset,
                             suite.strategies[s].label,
                             FormatBudget(budget, experiment.settings.budget_unit), seed)});
          }
        }
      }
    }
  }
  return runs;
}

SearchSettings SettingsOf(const Suite& suite, const PlannedRun& run) {
  SearchSettings settings = suite.experiments[run.experiment].settings;
  settings.dataset = run.dataset;
  settings.budget = run.budget;
  return settings;
}

}  // namespace naskit
