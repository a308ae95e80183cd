// libFuzzer target: benchmark files. Anything that is not a well-formed naskit benchmark must be a
// DataError (or ConfigError), never a crash.
#include <cstdint>
#include <fstream>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "tests/fuzz/scratch_path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const naskit::fuzz::ScratchPath scratch("naskit-fuzz-bench", ".h5");
  const std::string& path = scratch.str();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), size);
  try {
    naskit::TabularBenchmark::Open(path);
  } catch (const naskit::DataError&) {
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}
