// The shared hill climb of the local searches; see local_search_base.h.
#include "strategies/internal/local_search_base.h"

#include <algorithm>

namespace naskit::internal {

LocalSearchBase::LocalSearchBase(int num_init, const StrategyContext& context, const char* stream)
    : num_init_(num_init),
      space_(context.space),
      fidelity_(context.default_fidelity),
      rng_(context.rng.Derive(stream)) {}

std::vector<Proposal> LocalSearchBase::Ask(std::size_t n) {
  std::vector<Proposal> proposals;
  while (proposals.size() < n && known_.size() + pending_.size() < space_.Size()) {
    if (queue_.empty() && pending_.size() == 0) Advance();
    if (queue_.empty()) break;  // waiting for results of the current step
    const ArchId arch = queue_.back();
    queue_.pop_back();
    if (known_.contains(arch) || asked_.contains(arch)) continue;
    asked_[arch] = true;
    proposals.push_back({arch, fidelity_});
    pending_.Add(proposals.back());
  }
  return proposals;
}

void LocalSearchBase::Tell(std::span<const Observation> results) {
  for (const auto& r : results) {
    pending_.Resolve(r.proposal);
    known_[r.proposal.arch] = r.signal;
    asked_.erase(r.proposal.arch);
    Observed(r.proposal.arch, r.signal);
  }
}

std::vector<ArchId> LocalSearchBase::Shuffled(std::vector<ArchId> archs) {
  for (std::size_t i = archs.size(); i > 1; --i) std::swap(archs[i - 1], archs[rng_.UniformInt(i)]);
  return archs;
}

// Decides what to evaluate next once everything asked has been told.
void LocalSearchBase::Advance() {
  if (!has_current_) {
    if (restart_pending_) {
      // The random starts have been evaluated: climb from the best of them.
      restart_pending_ = false;
      StartClimbAt(BestKnown(starts_));
      return;
    }
    starts_.clear();
    while (starts_.size() < static_cast<std::size_t>(num_init_) &&
           known_.size() + starts_.size() < space_.Size()) {
      const ArchId a = space_.Sample(rng_);
      if (std::find(starts_.begin(), starts_.end(), a) == starts_.end()) starts_.push_back(a);
    }
    queue_.assign(starts_.rbegin(), starts_.rend());
    restart_pending_ = !starts_.empty();
    return;
  }
  std::vector<ArchId> evaluated;
  for (ArchId a : space_.Neighbours(current_)) {
    if (known_.contains(a)) evaluated.push_back(a);
  }
  if (!evaluated.empty() && known_.at(BestKnown(evaluated)) > known_.at(current_)) {
    StartClimbAt(BestKnown(evaluated));
  } else if (!QueueNextStep()) {
    has_current_ = false;  // local optimum: restart
    Advance();
  }
}

void LocalSearchBase::StartClimbAt(ArchId arch) {
  current_ = arch;
  has_current_ = true;
  untried_ = Order(space_.Neighbours(current_));
  if (!QueueNextStep()) {  // every neighbour known already
    Advance();
  }
}

bool LocalSearchBase::QueueNextStep() {
  const std::size_t step = StepSize() == 0 ? untried_.size() : StepSize();
  queue_.clear();
  std::vector<ArchId> chosen;
  while (!untried_.empty() && chosen.size() < step) {
    if (!known_.contains(untried_.back())) chosen.push_back(untried_.back());
    untried_.pop_back();
  }
  queue_.assign(chosen.rbegin(), chosen.rend());
  return !queue_.empty();
}

ArchId LocalSearchBase::BestKnown(const std::vector<ArchId>& archs) const {
  ArchId best = archs.front();
  for (ArchId a : archs) {
    if (known_.at(a) > known_.at(best)) best = a;
  }
  return best;
}

}  // namespace naskit::internal
