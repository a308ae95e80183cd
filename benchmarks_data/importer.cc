// Shared helpers of the importers; see importer.h.
#include "benchmarks_data/importer.h"

#include <filesystem>

#include "core/errors.h"

namespace naskit {

std::string InputFile(const std::string& folder, const std::string& relative) {
  namespace fs = std::filesystem;
  const fs::path nested = fs::path(folder) / relative;
  if (fs::is_regular_file(nested)) return nested.string();
  const fs::path flat = fs::path(folder) / fs::path(relative).filename();
  if (fs::is_regular_file(flat)) return flat.string();
  throw ConfigError(folder + ": source file " + Quote(relative) + " not found (looked for " +
                    nested.string() + " and " + flat.string() + ")");
}

}  // namespace naskit
