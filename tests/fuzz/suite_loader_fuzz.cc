// libFuzzer target: suite files. Malformed YAML, unknown keys and bad values must be ConfigErrors.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "experiments/suite.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("naskit-fuzz-suite-" + std::to_string(::getpid()) + ".yaml"))
                                      .string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::Suite suite = naskit::LoadSuite(path);
    naskit::PlanRuns(suite);
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}
