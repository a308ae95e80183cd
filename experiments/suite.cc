// Suite loading, overrides and run planning; see suite.h.
#include "experiments/suite.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/names.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

class SuiteReader {
 public:
  explicit SuiteReader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& key,
                         const std::string& what) const {
    std::string where = path_;
    if (node && node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
    throw ConfigError(where + ": " + (key.empty() ? "" : "key " + Quote(key) + ": ") + what);
  }

  void RejectUnknownKeys(const YAML::Node& map, const std::string& prefix,
                         const std::vector<std::string>& known) const {
    if (!map.IsMap()) Fail(map, prefix, "expected a mapping of keys to values");
    for (const auto& item : map) {
      const std::string key = item.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string message =
          "unknown key " + Quote(prefix.empty() ? key : prefix + "." + key) + "; known: ";
      for (std::size_t i = 0; i < known.size(); ++i) message += (i ? ", " : "") + known[i];
      if (auto guess = DidYouMean(key, known); !guess.empty()) {
        message += " (did you mean " + Quote(prefix.empty() ? guess : prefix + "." + guess) + "?)";
      }
      Fail(item.first, "", message);
    }
  }

  std::string Scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) Fail(node, key, "expected a single value");
    return node.as<std::string>();
  }

  double Number(const YAML::Node& node, const std::string& key, double lo, double hi) const {
    const std::string text = Scalar(node, key);
    double value;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
      Fail(node, key, "not a number (got " + Quote(text) + ")");
    }
    if (value < lo || value > hi) {
      Fail(node, key, fmt::format("value out of range (got {}; expected {} to {})", text, lo, hi));
    }
    return value;
  }

  // A whole number in [lo, hi]: 3.9 epochs is an error, not 3.
  int Integer(const YAML::Node& node, const std::string& key, int lo, int hi) const {
    const double value = Number(node, key, lo, hi);
    if (value != std::floor(value)) {
      Fail(node, key, "not a whole number (got " + Quote(Scalar(node, key)) + ")");
    }
    return static_cast<int>(value);
  }

  // Option maps as dotted keys: `predictor: {name: xgboost, max_depth: 6}` gives "predictor" =
  // "xgboost" and "predictor.max_depth" = "6" (see PluginOptions).
  void FlattenOptions(const YAML::Node& map, const std::string& prefix, OptionValues& out) const {
    for (const auto& item : map) {
      const std::string name = item.first.as<std::string>();
      const std::string key = prefix + name;
      if (!item.second.IsMap()) {
        if (!prefix.empty() && name == "name") {
          out[prefix.substr(0, prefix.size() - 1)] = Scalar(item.second, key);
        } else {
          out[key] = Scalar(item.second, key);
        }
        continue;
      }
      if (!item.second["name"]) {
        Fail(item.second, key, "a nested option map needs a \"name\": the plugin it configures");
      }
      FlattenOptions(item.second, key + ".", out);
    }
  }

  // A scalar that becomes part of a path (core/names.h).
  std::string Name(const YAML::Node& node, const std::string& key) const {
    std::string text = Scalar(node, key);
    try {
      ValidateName("name", text);
    } catch (const ConfigError& e) {
      Fail(node, key, e.what());
    }
    return text;
  }

  // A list of such names, each once.
  std::vector<std::string> NameList(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> names;
    if (node.IsScalar()) return {Name(node, key)};
    if (!node.IsSequence() || node.size() == 0) Fail(node, key, "expected a non-empty list");
    std::set<std::string> seen;
    for (const auto& item : node) {
      names.push_back(Name(item, key));
      if (!seen.insert(names.back()).second) {
        Fail(item, key, "lists " + Quote(names.back()) + " twice");
      }
    }
    return names;
  }

  std::vector<std::string> StringList(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> values;
    if (node.IsScalar()) return {node.as<std::string>()};
    if (!node.IsSequence() || node.size() == 0) Fail(node, key, "expected a non-empty list");
    for (const auto& item : node) values.push_back(Scalar(item, key));
    return values;
  }

  std::vector<std::uint64_t> Seeds(const YAML::Node& node) const {
    std::vector<std::uint64_t> seeds;
    auto parse = [&](const std::string& text) -> std::uint64_t {
      std::uint64_t v;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        Fail(node, "seeds", "not a non-negative integer (got " + Quote(text) + ")");
      }
      return v;
    };
    if (node.IsScalar()) {
      const std::string text = node.as<std::string>();
      const auto dots = text.find("..");
      if (dots == std::string::npos) return {parse(text)};
      const std::uint64_t first = parse(text.substr(0, dots)), last = parse(text.substr(dots + 2));
      if (last < first)
        Fail(node, "seeds",
             "empty range (got " + Quote(text) + "; expected FIRST..LAST with FIRST <= LAST)");
      if (last - first >= 1000000)
        Fail(node, "seeds", "more than a million seeds (got " + Quote(text) + ")");
      for (std::uint64_t s = first; s <= last; ++s) seeds.push_back(s);
    } else if (node.IsSequence() && node.size() > 0) {
      for (const auto& item : node) seeds.push_back(parse(Scalar(item, "seeds")));
    } else {
      Fail(node, "seeds", "expected FIRST..LAST or a non-empty list of integers");
    }
    std::set<std::uint64_t> unique(seeds.begin(), seeds.end());
    if (unique.size() != seeds.size()) Fail(node, "seeds", "a seed is listed twice");
    return seeds;
  }

  // YAML lets a map repeat a key and keeps one of the values; a suite must not.
  void RejectDuplicateKeys(const YAML::Node& node, const std::string& prefix) const {
    if (node.IsSequence()) {
      for (const auto& item : node) RejectDuplicateKeys(item, prefix);
    } else if (node.IsMap()) {
      std::set<std::string> keys;
      for (const auto& item : node) {
        const std::string key = item.first.IsScalar() ? item.first.as<std::string>() : "";
        const std::string path = prefix.empty() ? key : prefix + "." + key;
        if (!keys.insert(key).second) Fail(item.first, path, "appears twice");
        RejectDuplicateKeys(item.second, path);
      }
    }
  }

  Suite Read(const YAML::Node& root) const {
    RejectDuplicateKeys(root, "");
    Suite suite;
    suite.path = path_;
    RejectUnknownKeys(root, "",
                      {"name", "description", "benchmark", "seeds", "strategies", "experiments"});
    for (const char* required : {"name", "benchmark", "seeds", "strategies", "experiments"}) {
      if (!root[required]) Fail(root, "", "missing required key " + Quote(required));
    }
    suite.name = Name(root["name"], "name");
    if (root["description"]) suite.description = Scalar(root["description"], "description");
    suite.benchmark = Scalar(root["benchmark"], "benchmark");
    suite.seeds = Seeds(root["seeds"]);

    const YAML::Node strategies = root["strategies"];
    if (!strategies.IsSequence() || strategies.size() == 0) {
      Fail(strategies, "strategies", "expected a non-empty list of {strategy, label, options}");
    }
    std::set<std::string> labels;
    for (const auto& node : strategies) {
      RejectUnknownKeys(node, "strategies[]", {"strategy", "label", "options"});
      if (!node["strategy"]) Fail(node, "strategies[]", "missing required key \"strategy\"");
      SuiteStrategy s;
      s.key = Scalar(node["strategy"], "strategy");
      s.label = node["label"] ? Name(node["label"], "label") : s.key;
      if (!labels.insert(s.label).second) {
        Fail(node, "label",
             "two strategies share the label " + Quote(s.label) + "; give each a distinct label");
      }
      if (node["options"]) {
        if (!node["options"].IsMap())
          Fail(node["options"], "options", "expected a mapping of option to value");
        FlattenOptions(node["options"], "", s.options);
      }
      try {
        s.resolved = StrategyRegistry::Global().Find(s.key).resolve(s.options);
      } catch (const ConfigError& e) {
        Fail(node, "", e.what());
      }
      suite.strategies.push_back(std::move(s));
    }

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
        {"name", "datasets", "signal_metric", "signal_epochs", "report_metric", "report_epochs",
         "report_datasets", "budget_unit", "budgets", "cost_scale", "cost_dataset",
         "charge_repeats", "signal_device", "report_device", "direction", "constraints"});
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

 private:
  std::string path_;
};

// Finds the child of `node` named by one step of a dotted override key. In lists, a step matches
// the item whose name/label/strategy equals it, or a numeric index.
YAML::Node Step(YAML::Node node, const std::string& step, const std::string& key) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      YAML::Node item = node[i];
      if (std::to_string(i) == step) return item;
      const YAML::Node& view =
          item;  // const access: operator[] on a non-const node inserts the key
      for (const char* id : {"name", "label", "strategy"}) {
        if (view.IsMap() && view[id] && view[id].IsScalar() && view[id].as<std::string>() == step &&
            (std::string(id) != "strategy" || !view["label"])) {
          return item;
        }
      }
    }
    throw ConfigError("--set " + key + ": no list item named " + Quote(step));
  }
  if (!node.IsMap())
    throw ConfigError("--set " + key + ": " + Quote(step) + " is below a single value");
  return node[step];
}

void ApplyOverride(YAML::Node& root, const std::string& override_text) {
  const auto eq = override_text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set: expected key=value (got " + Quote(override_text) + ")");
  }
  const std::string key = override_text.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(override_text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set " + key + ": value is not valid YAML (" + e.msg + ")");
  }
  std::vector<std::string> steps;
  for (std::size_t start = 0, dot;; start = dot + 1) {
    dot = key.find('.', start);
    steps.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
  }
  // Node::reset rebinds; operator= would overwrite the node's content in the tree.
  YAML::Node node;
  node.reset(root);
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) node.reset(Step(node, steps[i], key));
  if (node.IsSequence()) throw ConfigError("--set " + key + ": cannot replace a whole list item");
  node[steps.back()] = value;
}

std::string FormatBudget(double budget, const std::string& unit) {
  return fmt::format("{}{}", budget, unit == "seconds" ? "s" : "q");
}

}  // namespace

Suite LoadSuite(const std::string& path, const std::vector<std::string>& overrides) {
  if (!std::filesystem::exists(path)) throw ConfigError(path + ": suite file not found");
  if (std::filesystem::is_directory(path)) {
    throw ConfigError(path + ": is a folder, not a suite file (expected a .yaml file)");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML (" + e.msg +
                      ")");
  } catch (const YAML::BadFile&) {
    throw IoError(path + ": cannot read");
  }
  for (const auto& o : overrides) ApplyOverride(root, o);
  Suite suite;
  try {
    suite = SuiteReader(path).Read(root);
  } catch (const YAML::Exception& e) {
    // A shape the reader did not expect (e.g. a list where a key's value should be a string).
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": malformed suite (" + e.msg +
                      ")");
  }
  YAML::Emitter out;
  out << root;
  suite.canonical_yaml = std::string(out.c_str()) + "\n";
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
