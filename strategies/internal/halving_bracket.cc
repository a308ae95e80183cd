// Successive-halving brackets; see halving_bracket.h.
#include "strategies/internal/halving_bracket.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace naskit::internal {

HalvingBracket::HalvingBracket(std::vector<ArchId> candidates, std::size_t first_rung,
                               std::size_t last_rung, double eta)
    : rung_candidates_(std::move(candidates)), rung_(first_rung), last_rung_(last_rung), eta_(eta) {
  rung_signals_.assign(rung_candidates_.size(), std::nullopt);
  finished_ = rung_candidates_.empty();
}

std::optional<Proposal> HalvingBracket::Next() {
  if (finished_ || asked_ >= rung_candidates_.size()) return std::nullopt;
  return Proposal{rung_candidates_[asked_++], rung_};
}

bool HalvingBracket::Record(const Observation& o) {
  if (finished_ || o.proposal.fidelity != rung_) return false;
  for (std::size_t i = 0; i < asked_; ++i) {
    if (rung_candidates_[i] == o.proposal.arch && !rung_signals_[i]) {
      rung_signals_[i] = o.signal;
      if (++told_ == rung_candidates_.size()) Promote();
      return true;
    }
  }
  return false;
}

void HalvingBracket::Promote() {
  if (rung_ >= last_rung_) {
    finished_ = true;
    return;
  }
  const std::size_t keep = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::floor(static_cast<double>(rung_candidates_.size()) / eta_)));
  std::vector<std::size_t> order(rung_candidates_.size());
  std::iota(order.begin(), order.end(), 0);
  // Best signal first; the earlier candidate wins ties, so the result does not depend on sort
  // details.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return *rung_signals_[a] > *rung_signals_[b];
  });
  std::vector<ArchId> promoted;
  for (std::size_t i = 0; i < keep; ++i) promoted.push_back(rung_candidates_[order[i]]);
  rung_candidates_ = std::move(promoted);
  rung_signals_.assign(rung_candidates_.size(), std::nullopt);
  asked_ = told_ = 0;
  ++rung_;
}

BracketStrategy::BracketStrategy(const StrategyContext& context, const std::string& stream)
    : space_(context.space), top_(context.default_fidelity), rng_(context.rng.Derive(stream)) {}

std::vector<Proposal> BracketStrategy::Ask(std::size_t n) {
  std::vector<Proposal> proposals;
  while (proposals.size() < n) {
    if (!bracket_ || bracket_->Finished()) bracket_ = NewBracket();
    auto next = bracket_->Next();
    if (!next) break;  // the rung awaits results
    proposals.push_back(*next);
    pending_.Add(*next);
  }
  return proposals;
}

void BracketStrategy::Tell(std::span<const Observation> results) {
  for (const auto& r : results) {
    pending_.Resolve(r.proposal);
    bracket_->Record(r);
  }
}

std::vector<ArchId> BracketStrategy::SampleCells(std::size_t n) {
  std::vector<ArchId> cells;
  for (std::size_t i = 0; i < n; ++i) cells.push_back(space_.Sample(rng_));
  return cells;
}

std::size_t BracketSize(std::size_t rungs, double eta, double scale) {
  return std::max<std::size_t>(
      1,
      static_cast<std::size_t>(std::ceil(scale * std::pow(eta, static_cast<double>(rungs) - 1))));
}

}  // namespace naskit::internal
