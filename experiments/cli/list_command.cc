// `naskit list [KIND]` and `naskit describe KIND KEY`: the registries, from the catalogue.
#include <fmt/format.h>

#include "experiments/catalog.h"
#include "experiments/cli/cli_util.h"
#include "experiments/predictor_suite.h"
#include "experiments/suite.h"

namespace naskit::cli {

namespace {

struct ListCommandOptions {
  std::string kind;
  template <class V>
  void Visit(V& v) {
    v("kind", kind,
      "spaces, strategies, predictors, importers, evaluators or scalarizations (default: all)");
  }
};

struct DescribeCommandOptions {
  std::string kind, key;
  template <class V>
  void Visit(V& v) {
    v("kind", kind,
      "space, strategy, predictor, importer, evaluator, scalarization; or experiment, "
      "predictor_experiment (the "
      "keys of a suite's experiments)",
      Required());
    v("key", key, "registry key");
  }
};

}  // namespace

int ListCommand(const Args& args) {
  const auto o = ParseCommand<ListCommandOptions>(args, "list", "list [KIND]", {"kind"});
  if (!o) return 0;
  std::vector<CatalogKind> kinds;
  if (!o->kind.empty()) {
    kinds.push_back(FindKind(o->kind));
  } else {
    kinds = Catalog();
  }
  for (const auto& kind : kinds) {
    fmt::print("{}:\n", kind.name);
    for (const auto& entry : kind.entries) fmt::print("  {:<24} {}\n", entry.key, entry.summary);
  }
  return 0;
}

namespace {

void PrintOptions(const std::vector<OptionInfo>& options) {
  for (const auto& o : options) {
    fmt::print("  {:<30} {:<7} default {:<10} {}{}\n", o.key, o.type, o.default_value, o.help,
               o.constraint.empty() ? "" : " (" + o.constraint + ")");
  }
}

}  // namespace

int DescribeCommand(const Args& args) {
  const auto o = ParseCommand<DescribeCommandOptions>(
      args, "describe", "describe KIND KEY | describe experiment | describe predictor_experiment",
      {"kind", "key"});
  if (!o) return 0;
  if (o->kind == "experiment") {
    fmt::print("search suite experiment keys (experiments/README.md):\n");
    PrintOptions(DescribeExperimentKeys());
    return 0;
  }
  if (o->kind == "predictor_experiment") {
    fmt::print("predictor suite experiment keys (experiments/predictor_suite.h):\n");
    PrintOptions(DescribePredictorExperimentKeys());
    return 0;
  }
  if (o->key.empty()) throw ConfigError("describe KIND KEY: missing the KEY (naskit list KIND)");
  const CatalogKind kind = FindKind(o->kind);
  const CatalogEntry& entry = FindEntry(kind, o->key);
  fmt::print("{} {}: {}\n", kind.singular, entry.key, entry.summary);
  if (entry.options.empty()) {
    fmt::print("options: none\n");
    return 0;
  }
  fmt::print("options:\n");
  PrintOptions(entry.options);
  return 0;
}

}  // namespace naskit::cli
