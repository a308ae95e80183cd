// `naskit list [KIND]` and `naskit describe KIND KEY`: the registries, from the catalogue.
#include <fmt/format.h>

#include "experiments/catalog.h"
#include "experiments/cli/cli_util.h"

namespace naskit::cli {

int ListCommand(const Args& args) {
  po::options_description options("list options");
  options.add_options()("kind", po::value<std::string>(),
                        "spaces, strategies, predictors or importers (default: all)");
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

int DescribeCommand(const Args& args) {
  po::options_description options("describe options");
  options.add_options()("kind", po::value<std::string>()->required(),
                        "space, strategy, predictor or importer")(
      "key", po::value<std::string>()->required(), "registry key");
  po::positional_options_description positional;
  positional.add("kind", 1).add("key", 1);
  auto vm = Parse(args, "describe KIND KEY", options, positional);
  if (!vm) return 0;
  const CatalogKind kind = FindKind((*vm)["kind"].as<std::string>());
  const CatalogEntry& entry = FindEntry(kind, (*vm)["key"].as<std::string>());
  fmt::print("{} {}: {}\n", kind.singular, entry.key, entry.summary);
  if (entry.options.empty()) {
    fmt::print("options: none\n");
    return 0;
  }
  fmt::print("options:\n");
  for (const auto& o : entry.options) {
    fmt::print("  {:<22} {:<7} default {:<10} {}{}\n", o.key, o.type, o.default_value, o.help,
               o.constraint.empty() ? "" : " (" + o.constraint + ")");
  }
  return 0;
}

}  // namespace naskit::cli
