// libFuzzer target: predictor suite files (`naskit eval-predictors`). Malformed YAML, unknown keys
// and bad values must be ConfigErrors naming the file; never a crash, a hang or an unbounded plan.
#include <cstdint>
#include <fstream>

#include "core/errors.h"
#include "experiments/predictor_suite.h"
#include "tests/fuzz/scratch_path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const naskit::fuzz::ScratchPath scratch("naskit-fuzz-predictors", ".yaml");
  const std::string& path = scratch.str();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::PredictorSuite suite = naskit::LoadPredictorSuite(path);
    naskit::PlanPredictorRuns(suite);
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}
