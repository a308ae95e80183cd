// Builds the catalogue from the registries; see catalog.h.
#include "experiments/catalog.h"

#include "benchmarks_data/importer.h"
#include "experiments/evaluator.h"
#include "experiments/scalarization.h"
#include "predictors/predictor.h"
#include "spaces/search_space.h"
#include "strategies/search_strategy.h"

namespace naskit {
namespace {

template <class RegistryT>
CatalogKind KindOf(const std::string& name, const std::string& singular) {
  CatalogKind kind{name, singular, {}};
  const auto& registry = RegistryT::Global();
  for (const auto& key : registry.Keys()) {
    const auto& entry = registry.Find(key);
    kind.entries.push_back({entry.key, entry.summary, entry.options});
  }
  return kind;
}

}  // namespace

std::vector<CatalogKind> Catalog() {
  return {KindOf<SpaceRegistry>("spaces", "space"),
          KindOf<StrategyRegistry>("strategies", "strategy"),
          KindOf<PredictorRegistry>("predictors", "predictor"),
          KindOf<ImporterRegistry>("importers", "importer"),
          KindOf<EvaluatorRegistry>("evaluators", "evaluator"),
          KindOf<ScalarizationRegistry>("scalarizations", "scalarization")};
}

CatalogKind FindKind(const std::string& name) {
  std::vector<std::string> names;
  for (auto& kind : Catalog()) {
    if (kind.name == name || kind.singular == name) return kind;
    names.push_back(kind.name);
  }
  throw ConfigError(UnknownNameMessage("kind", name, names));
}

const CatalogEntry& FindEntry(const CatalogKind& kind, const std::string& key) {
  std::vector<std::string> keys;
  for (const auto& entry : kind.entries) {
    if (entry.key == key) return entry;
    keys.push_back(entry.key);
  }
  throw ConfigError(UnknownNameMessage(kind.singular, key, keys));
}

}  // namespace naskit
