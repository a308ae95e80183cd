// Shared instances of registered spaces.
#include "spaces/search_space.h"

#include <mutex>

namespace naskit {

const SearchSpace& GetSpace(const std::string& key) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<SearchSpace>> spaces;
  std::lock_guard lock(mutex);
  auto& slot = spaces[key];
  if (!slot) slot = SpaceRegistry::Global().Create(key, {});
  return *slot;
}

}  // namespace naskit
