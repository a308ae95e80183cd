// libFuzzer target: architecture strings. Any input either parses to an id that formats back to the
// same string, or is rejected with a ConfigError.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/errors.h"
#include "spaces/nb201/nb201_space.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const naskit::Nb201Space space;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::ArchId arch = space.Parse(text);
    if (space.Format(arch) != text) std::abort();
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}
