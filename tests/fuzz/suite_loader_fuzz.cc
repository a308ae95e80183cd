// libFuzzer target: suite files. Malformed YAML, unknown keys and bad values must be ConfigErrors.
#include <cstdint>
#include <fstream>

#include "core/errors.h"
#include "experiments/suite.h"
#include "tests/fuzz/scratch_path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const naskit::fuzz::ScratchPath scratch("naskit-fuzz-suite", ".yaml");
  const std::string& path = scratch.str();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::Suite suite = naskit::LoadSuite(path);
    naskit::PlanRuns(suite);
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}
