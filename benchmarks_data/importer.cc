// Shared helpers of the importers; see importer.h.
#include "benchmarks_data/importer.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

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

float StoredFloat(double value, const std::string& where) {
  // Checked before the cast: converting a double beyond float's range is undefined behaviour.
  if (std::isfinite(value) && std::abs(value) > std::numeric_limits<float>::max()) {
    throw DataError(
        fmt::format("{}: {} does not fit the format's 32-bit floats (expected a "
                    "magnitude below {:g})",
                    where, value, std::numeric_limits<float>::max()));
  }
  return static_cast<float>(value);
}

}  // namespace naskit
