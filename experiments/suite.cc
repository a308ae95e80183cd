// Suite loading, overrides and run planning; see suite.h.
#include "experiments/suite.h"

#include <algorithm>
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
    suite.seeds = Seeds(root["seeds"], "seeds");

    suite.strategies = PluginList<StrategyRegistry>(root["strategies"], "strategies", "strategy");

    const YAML::Node experiments = root["experiments"];
    if (!experiments.IsSequence() || experiments.size() == 0) {
      Fail(experiments, "experiments", "expected a non-empty list of experiments");
    }
    std::set<std::string> names;
    for (const auto& node : experiments) {
      suite.experiments.push_back(ReadExperiment(node, names));
      for (const std::string& label : suite.experiments.back().strategies) {
        if (std::none_of(suite.strategies.begin(), suite.strategies.end(),
                         [&](const SuiteStrategy& s) { return s.label == label; })) {
          std::string known;
          for (const auto& s : suite.strategies) known += (known.empty() ? "" : ", ") + s.label;
          Fail(node["strategies"], "strategies",
               Quote(label) + " is not the label of one of the suite's strategies (" + known + ")");
        }
      }
    }
    // Planning allocates one entry per run: bound the suite before it does.
    double runs = 0;
    for (const auto& e : suite.experiments) {
      const auto strategies =
          std::count_if(suite.strategies.begin(), suite.strategies.end(),
                        [&](const SuiteStrategy& s) { return e.Runs(s.label); });
      runs += static_cast<double>(e.datasets.size() * e.budgets.size() *
                                  static_cast<std::size_t>(strategies) * suite.seeds.size());
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
    if (!node.IsMap()) Fail(node, "experiments[]", "expected a mapping of keys to values");
    RejectUnknownKeys(node, "experiments[]", DeclaredKeys<SuiteExperiment>());
    SuiteExperiment e;
    YamlVisitor visitor(*this, node, "experiments[]");
    e.Visit(visitor);
    if (!names.insert(e.name).second) {
      Fail(node, "name", "two experiments are named " + Quote(e.name));
    }
    SearchSettings& s = e.settings;
    // Query budgets are whole numbers; 20.5 queries is an error, not 20.
    for (std::size_t i = 0; i < e.budgets.size() && s.budget_unit == "queries"; ++i) {
      const YAML::Node b = node["budgets"].IsSequence() ? node["budgets"][i] : node["budgets"];
      if (e.budgets[i] != std::floor(e.budgets[i])) {
        Fail(b, "budgets", "not a whole number (got " + Quote(Scalar(b, "budgets")) + ")");
      }
      if (e.budgets[i] > static_cast<double>(kMaxQueriesPerRun)) {
        Fail(b, "budgets",
             fmt::format("value out of range (got {}; expected 1 to {} queries)",
                         Scalar(b, "budgets"), kMaxQueriesPerRun));
      }
    }
    if (!std::is_sorted(s.fidelities.begin(), s.fidelities.end())) {
      Fail(node["fidelities"], "fidelities", "expected epoch counts in ascending order");
    }
    s.signal_random_seed = e.signal_seed == "random";
    s.minimize = e.direction == "minimize";
    for (const auto& text : e.constraints) {
      try {
        s.constraints.push_back(ParseConstraint(text));
      } catch (const ConfigError& error) {
        Fail(node["constraints"], "constraints", error.what());
      }
    }
    for (const auto& text : e.objectives) {
      try {
        s.objectives.push_back(ParseObjective(text));
      } catch (const ConfigError& error) {
        Fail(node["objectives"], "objectives", error.what());
      }
    }
    if (s.warm_start.top > s.warm_start.pool) {
      Fail(node["warm_start"]["top"], "warm_start.top",
           fmt::format("is {}, more than the pool of {} it is chosen from", s.warm_start.top,
                       s.warm_start.pool));
    }
    if (s.zc_seconds_per_score >= 0 && s.budget_unit != "seconds") {
      Fail(node["zc_seconds_per_score"], "zc_seconds_per_score",
           "charges simulated seconds: it needs budget_unit: seconds");
    }
    if (s.surrogate && s.evaluator.key == "tabular") {
      Fail(node["evaluator"], "evaluator",
           "is \"tabular\", but the experiment fits a surrogate (`surrogate:`), which only the "
           "\"surrogate\" evaluator answers from");
    }
    return e;
  }
};

std::string FormatBudget(double budget, const std::string& unit) {
  return fmt::format("{}{}", budget, unit == "seconds" ? "s" : unit == "epochs" ? "e" : "q");
}

}  // namespace

Suite LoadSuite(const std::string& path, const std::vector<std::string>& overrides) {
  const YAML::Node root = LoadSuiteYaml(path, overrides);
  Suite suite = WithYamlErrors(path, [&] { return SuiteReader(path).Read(root); });
  suite.canonical_yaml = CanonicalYaml(root);
  return suite;
}

Suite ParseSuite(const std::string& yaml, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML (" +
                      e.msg + ")");
  }
  Suite suite = WithYamlErrors(source, [&] { return SuiteReader(source).Read(root); });
  suite.canonical_yaml = CanonicalYaml(root);
  return suite;
}

std::vector<OptionInfo> DescribeExperimentKeys() { return DescribeOptions<SuiteExperiment>(); }

std::vector<PlannedRun> PlanRuns(const Suite& suite) {
  std::vector<PlannedRun> runs;
  for (std::size_t e = 0; e < suite.experiments.size(); ++e) {
    const auto& experiment = suite.experiments[e];
    for (const auto& dataset : experiment.datasets) {
      for (std::size_t s = 0; s < suite.strategies.size(); ++s) {
        if (!experiment.Runs(suite.strategies[s].label)) continue;
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
