// A space restricted to the architectures a sparse benchmark recorded.
//
// A benchmark may hold only some architectures of its space (NB101's 1,000-graph file, the 500
// DARTS cells of NAS-Bench-Suite-Zero). A strategy searching it must only propose recorded ones,
// since the rest have no answer. naskit's policy, the same for every strategy because strategies
// only see this SearchSpace:
//   - Sample draws uniformly among the recorded architectures (as NASLib does for its zero-cost
//     subsets);
//   - Neighbours(a) are the K recorded architectures nearest to `a` in Hamming distance of the
//     space's decisions (ToChoices), K = the number of neighbours `a` has in the full space, ties
//     broken by row order; Mutate draws uniformly among them. Local moves keep their meaning
//     ("change little") and their branching factor, measured on what exists;
//   - FromChoices returns the recorded architecture nearest to the choices, so a policy over
//     decisions (REINFORCE) still samples something recorded;
//   - Size() is the number of recorded architectures; everything else is the full space's.
// Distances are computed by a scan over the recorded rows: O(rows × decisions) per move, a few
// microseconds for the benchmarks naskit ships, and Mutate memoises the neighbourhoods it computes.
#pragma once

#include <unordered_map>
#include <vector>

#include "spaces/delegating_space.h"
#include "spaces/neighbour_cache.h"

namespace naskit {

class RecordedSubspace final : public DelegatingSpace {
 public:
  // `recorded` must be non-empty and free of duplicates; `space` must outlive this object.
  RecordedSubspace(const SearchSpace& space, std::vector<ArchId> recorded);

  const std::vector<ArchId>& recorded() const { return recorded_; }
  bool Contains(ArchId arch) const { return position_.contains(arch); }

  std::uint64_t Size() const override { return recorded_.size(); }
  bool Dense() const override { return false; }
  ArchId Sample(Rng& rng) const override;
  ArchId Mutate(ArchId arch, Rng& rng) const override;
  std::vector<ArchId> Neighbours(ArchId arch) const override;
  std::optional<ArchId> FromChoices(const std::vector<int>& choices) const override;

 private:
  // The `k` recorded architectures nearest to `choices`, excluding `exclude` (if recorded).
  std::vector<ArchId> Nearest(const std::vector<int>& choices, std::size_t k,
                              std::optional<ArchId> exclude) const;

  std::vector<ArchId> recorded_;
  std::unordered_map<ArchId, std::size_t> position_;
  std::vector<int> choices_;  // [recorded, decisions], row-major
  NeighbourCache neighbour_cache_;
};

}  // namespace naskit
