// A per-thread memo of neighbourhoods, for spaces where computing one is costly (NB101's
// canonical graph hashes, a sparse benchmark's nearest-row scan). Searches mutate the same parents
// again and again, so most Mutate calls hit. Per thread, so no locking; bounded, so memory stays
// small; the answer is the same with or without it.
#pragma once

#include <atomic>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "spaces/search_space.h"

namespace naskit {

class NeighbourCache {
 public:
  // Each cache owns a distinct key range, so a new space at a freed address never reads an old
  // space's entries.
  NeighbourCache() : owner_(next_owner_.fetch_add(1)) {}

  template <class Compute>  // Compute: () -> std::vector<ArchId>
  const std::vector<ArchId>& Get(ArchId arch, Compute compute) const {
    struct KeyHash {
      std::size_t operator()(const std::pair<std::uint64_t, ArchId>& k) const {
        return std::hash<ArchId>()(k.second * 0x9e3779b97f4a7c15ULL ^ k.first);
      }
    };
    thread_local std::unordered_map<std::pair<std::uint64_t, ArchId>, std::vector<ArchId>, KeyHash>
        recent;
    if (recent.size() > kCapacity) recent.clear();
    auto [entry, added] = recent.try_emplace({owner_, arch});
    if (added) entry->second = compute();
    return entry->second;
  }

 private:
  static constexpr std::size_t kCapacity = 4096;
  static inline std::atomic<std::uint64_t> next_owner_{0};
  std::uint64_t owner_;
};

}  // namespace naskit
