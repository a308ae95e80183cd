// The catalogue of every registry, by plural kind name, for `naskit list` and `naskit describe`.
#pragma once

#include <string>
#include <vector>

#include "core/options.h"

namespace naskit {

struct CatalogEntry {
  std::string key;
  std::string summary;
  std::vector<OptionInfo> options;
};

struct CatalogKind {
  std::string name;      // plural: "spaces", "strategies"
  std::string singular;  // "space", "strategy"
  std::vector<CatalogEntry> entries;
};

std::vector<CatalogKind> Catalog();
// The kind named `name` (plural or singular); throws ConfigError with the known kinds.
CatalogKind FindKind(const std::string& name);
const CatalogEntry& FindEntry(const CatalogKind& kind, const std::string& key);

}  // namespace naskit
