// `naskit list [KIND]` and `naskit describe KIND KEY`: the registries, from the catalogue.
#include <fmt/format.h>

#include "experiments/catalog.h"
#include "experiments/cli/cli_util.h"
#include "experiments/predictor_suite.h"
#include "experiments/suite.h"

namespace naskit::cli {

int ListCommand(const Args& args) {
  po::options_description options("list options");
  options.add_options()("kind", po::value<std::string>(),
                        "spaces, strategies, predictors, importers or evaluators (default: all)");
  po::positional_options_description positional;
  positional.add("kind", 1);
  auto vm = Parse(args, "list [KIND]", options, positional);
  if (!vm) return 0;
  std::vector<CatalogKind> kinds;
  if (vm->count("kind")) {
    kinds.push_back(FindKind((*vm)["kind"].as<std::string>()));
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
  po::options_description options("describe options");
  options.add_options()("kind", po::value<std::string>()->required(),
                        "space, strategy, predictor, importer, evaluator; or experiment, "
                        "predictor_experiment (the keys of a suite's experiments)")(
      "key", po::value<std::string>(), "registry key");
  po::positional_options_description positional;
  positional.add("kind", 1).add("key", 1);
  auto vm = Parse(args, "describe KIND KEY | describe experiment | describe predictor_experiment",
                  options, positional);
  if (!vm) return 0;
  if ((*vm)["kind"].as<std::string>() == "experiment") {
    fmt::print("search suite experiment keys (experiments/README.md):\n");
    PrintOptions(DescribeExperimentKeys());
    return 0;
  }
  if ((*vm)["kind"].as<std::string>() == "predictor_experiment") {
    fmt::print("predictor suite experiment keys (experiments/predictor_suite.h):\n");
    PrintOptions(DescribePredictorExperimentKeys());
    return 0;
  }
  if (!vm->count("key")) throw ConfigError("describe KIND KEY: missing the KEY (naskit list KIND)");
  const CatalogKind kind = FindKind((*vm)["kind"].as<std::string>());
  const CatalogEntry& entry = FindEntry(kind, (*vm)["key"].as<std::string>());
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
