// The recorded architectures of a sparse benchmark as a space; see recorded_subspace.h.
#include "spaces/recorded_subspace.h"

#include <algorithm>
#include <stdexcept>

namespace naskit {

RecordedSubspace::RecordedSubspace(const SearchSpace& space, std::vector<ArchId> recorded)
    : DelegatingSpace(space), recorded_(std::move(recorded)) {
  if (recorded_.empty()) throw std::logic_error("RecordedSubspace: no recorded architecture");
  const std::size_t decisions = inner().NumDecisions();
  choices_.reserve(recorded_.size() * decisions);
  for (std::size_t i = 0; i < recorded_.size(); ++i) {
    if (!position_.emplace(recorded_[i], i).second) {
      throw std::logic_error("RecordedSubspace: architecture recorded twice");
    }
    const auto c = inner().ToChoices(recorded_[i]);
    choices_.insert(choices_.end(), c.begin(), c.end());
  }
}

std::vector<ArchId> RecordedSubspace::Nearest(const std::vector<int>& choices, std::size_t k,
                                              std::optional<ArchId> exclude) const {
  const std::size_t decisions = choices.size();
  std::vector<std::pair<std::size_t, std::size_t>> order;  // (distance, position)
  order.reserve(recorded_.size());
  for (std::size_t i = 0; i < recorded_.size(); ++i) {
    if (exclude && recorded_[i] == *exclude) continue;
    std::size_t distance = 0;
    const int* row = &choices_[i * decisions];
    for (std::size_t d = 0; d < decisions; ++d) distance += row[d] != choices[d];
    order.emplace_back(distance, i);
  }
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end());
  std::vector<ArchId> nearest;
  for (std::size_t i = 0; i < k; ++i) nearest.push_back(recorded_[order[i].second]);
  return nearest;
}

ArchId RecordedSubspace::Sample(Rng& rng) const {
  return recorded_[rng.UniformInt(recorded_.size())];
}

std::vector<ArchId> RecordedSubspace::Neighbours(ArchId arch) const {
  const std::size_t k = std::max<std::size_t>(1, inner().Neighbours(arch).size());
  return Nearest(inner().ToChoices(arch), k, arch);
}

ArchId RecordedSubspace::Mutate(ArchId arch, Rng& rng) const {
  const auto& neighbours = neighbour_cache_.Get(arch, [&] { return Neighbours(arch); });
  if (neighbours.empty()) return arch;  // a benchmark of one architecture
  return neighbours[rng.UniformInt(neighbours.size())];
}

std::optional<ArchId> RecordedSubspace::FromChoices(const std::vector<int>& choices) const {
  if (const auto arch = inner().FromChoices(choices); arch && Contains(*arch)) return arch;
  // Nearest(choices, 1) without its sort: the first recorded architecture at the least distance.
  const std::size_t decisions = choices.size();
  std::size_t best = 0, best_distance = decisions + 1;
  for (std::size_t i = 0; i < recorded_.size() && best_distance > 0; ++i) {
    std::size_t distance = 0;
    const int* row = &choices_[i * decisions];
    for (std::size_t d = 0; d < decisions; ++d) distance += row[d] != choices[d];
    if (distance < best_distance) {
      best_distance = distance;
      best = i;
    }
  }
  return recorded_[best];
}

}  // namespace naskit
