// The importer interface: turns a public benchmark's own files into naskit's benchmark format.
//
// Importers register like spaces (NASKIT_REGISTER_IMPORTER), so `naskit import <key>` and `naskit
// list importers` know every one without a change to the CLI. An importer reads from a folder: the
// shared data root, or the folder that holds its files directly (InputFile() tries both).
#pragma once

#include <string>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/registry.h"

namespace naskit {

class BenchmarkImporter {
 public:
  static constexpr const char* kKind = "importer";
  virtual ~BenchmarkImporter() = default;

  // Reads and checks the source files under `folder`; throws ConfigError for a missing file,
  // DataError naming file, line or key for a malformed one.
  virtual BenchmarkData Import(const std::string& folder) const = 0;
};

using ImporterRegistry = Registry<BenchmarkImporter>;

// `folder/relative` if it exists, else `folder/<file name of relative>`; throws ConfigError naming
// both when neither exists.
std::string InputFile(const std::string& folder, const std::string& relative);

// `value` as the float32 a benchmark file stores; throws DataError naming `where` for a finite
// value no float holds (1e300 would be stored as inf, a value the source did not record).
float StoredFloat(double value, const std::string& where);

#define NASKIT_REGISTER_IMPORTER(Class, Options, key, summary)            \
  static const bool naskit_registered_importer_##Class [[maybe_unused]] = \
      ::naskit::ImporterRegistry::Global().Register<Class, Options>(key, summary)

}  // namespace naskit
