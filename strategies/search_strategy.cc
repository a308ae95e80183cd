// Shared strategy book-keeping; see search_strategy.h.
#include "strategies/search_strategy.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace naskit {

void PendingProposals::Resolve(const Proposal& p) {
  auto it = std::find(pending_.begin(), pending_.end(), p);
  if (it == pending_.end()) {
    throw std::logic_error("SearchStrategy::Tell(): architecture " + std::to_string(p.arch) +
                           " at fidelity " + std::to_string(p.fidelity) +
                           " was never asked or was already told");
  }
  pending_.erase(it);
}

}  // namespace naskit
