// libFuzzer target: benchmark files. Anything that is not a well-formed naskit benchmark must be a
// DataError (or ConfigError), never a crash.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("naskit-fuzz-bench-" + std::to_string(::getpid()) + ".h5"))
                                      .string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), size);
  try {
    naskit::TabularBenchmark::Open(path);
  } catch (const naskit::DataError&) {
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}
