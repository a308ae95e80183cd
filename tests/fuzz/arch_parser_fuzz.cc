// libFuzzer target: architecture strings, for every registered space. Any input either parses to an
// architecture whose string form parses back to it (spaces with a canonical form, such as NB101's
// pruned graphs, need not give back the input text), or is rejected with a ConfigError.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/errors.h"
#include "spaces/search_space.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& key : naskit::SpaceRegistry::Global().Keys()) {
    const naskit::SearchSpace& space = naskit::GetSpace(key);
    try {
      const naskit::ArchId arch = space.Parse(text);
      const std::string formatted = space.Format(arch);
      if (space.Parse(formatted) != arch || space.Format(space.Parse(formatted)) != formatted) {
        std::abort();
      }
    } catch (const naskit::ConfigError&) {
    }
  }
  return 0;
}
