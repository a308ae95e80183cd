// The shared machinery of the guided strategies; see predictor_guide.h.
#include "strategies/internal/predictor_guide.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace naskit::internal {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

double StandardNormal(Rng& rng) {
  const double u = 1.0 - rng.UniformReal();  // in (0, 1]
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * rng.UniformReal());
}

PredictorGuide::PredictorGuide(const GuideOptions& options, const StrategyContext& context)
    : options_(options),
      predictor_(PredictorRegistry::Global().Create(
          options.predictor.key, options.predictor.options,
          {context.space, context.benchmark, context.dataset, context.zero_cost_meter})) {
  if (!predictor_->NeedsFit()) {
    throw ConfigError("option \"predictor\": " + Quote(options.predictor.key) +
                      " is a zero-cost predictor; a guided search needs one it can fit");
  }
}

void PredictorGuide::Record(ArchId arch, double signal) {
  archs_.push_back(arch);
  signals_.push_back(signal);
  seen_.insert(arch);
  if (classes_ != nullptr) {
    auto& [sum, count] = class_told_[classes_->Canonical(arch)];
    sum += signal;
    ++count;
  }
}

std::vector<ArchId> PredictorGuide::ModelledArchs(std::span<const ArchId> archs) const {
  std::vector<ArchId> modelled(archs.begin(), archs.end());
  if (classes_ != nullptr) {
    for (ArchId& arch : modelled) arch = classes_->Canonical(arch);
  }
  return modelled;
}

bool PredictorGuide::Seen(ArchId arch) const { return seen_.contains(arch); }

std::vector<ArchId> PredictorGuide::Best(std::size_t k) const {
  std::vector<std::size_t> order(archs_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return signals_[a] > signals_[b]; });
  std::vector<ArchId> best;
  for (std::size_t i = 0; i < std::min(k, order.size()); ++i) best.push_back(archs_[order[i]]);
  return best;
}

void PredictorGuide::Fit(Rng& rng) {
  const auto start = std::chrono::steady_clock::now();
  predictor_->Fit(ModelledArchs(archs_), signals_, rng.NextU64());
  fit_seconds_ += SecondsSince(start);
}

std::vector<ArchId> PredictorGuide::Rank(std::vector<ArchId> candidates, Rng& rng) const {
  const auto start = std::chrono::steady_clock::now();
  const Prediction p = PredictModelled(candidates);
  const double best = *std::max_element(signals_.begin(), signals_.end());
  std::vector<double> score(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const double m = p.mean[i], s = p.stddev.empty() ? 0.0 : p.stddev[i];
    if (options_.acquisition == "its") {
      score[i] = m + s * StandardNormal(rng);
    } else if (options_.acquisition == "ucb") {
      score[i] = m + options_.ucb_beta * s;
    } else if (s > 0) {  // ei
      const double z = (m - best) / s;
      score[i] = (m - best) * 0.5 * std::erfc(-z / std::sqrt(2.0)) +
                 s * std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    } else {
      score[i] = std::max(0.0, m - best);
    }
    if (std::isnan(score[i])) score[i] = -INFINITY;
  }
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  std::vector<ArchId> ranked;
  for (std::size_t i : order) ranked.push_back(candidates[i]);
  acquisition_seconds_ += SecondsSince(start);
  return ranked;
}

Prediction PredictorGuide::Predict(std::span<const ArchId> candidates) const {
  const auto start = std::chrono::steady_clock::now();
  Prediction p = PredictModelled(candidates);
  acquisition_seconds_ += SecondsSince(start);
  return p;
}

Prediction PredictorGuide::PredictModelled(std::span<const ArchId> candidates) const {
  const std::vector<ArchId> modelled = ModelledArchs(candidates);
  Prediction p = predictor_->Predict(modelled);
  if (classes_ == nullptr) return p;
  for (std::size_t i = 0; i < modelled.size(); ++i) {
    if (const auto told = class_told_.find(modelled[i]); told != class_told_.end()) {
      p.mean[i] = told->second.first / told->second.second;
      if (!p.stddev.empty()) p.stddev[i] = 0;
    }
  }
  return p;
}

GuidedBatchStrategy::GuidedBatchStrategy(const GuideOptions& guide, int initial, int batch,
                                         const StrategyContext& context, const char* stream)
    : space_(context.space),
      fidelity_(context.default_fidelity),
      initial_(static_cast<std::size_t>(initial)),
      batch_(static_cast<std::size_t>(batch)),
      rng_(context.rng.Derive(stream)),
      guide_(guide, context) {}

std::vector<Proposal> GuidedBatchStrategy::Ask(std::size_t n) {
  std::vector<Proposal> proposals;
  while (proposals.size() < n) {
    if (initial_asked_ < initial_) {
      ++initial_asked_;
      ArchId arch;
      std::size_t tries = 0;  // bounded: a tiny space may hold fewer than `initial` architectures
      do {
        arch = space_.Sample(rng_);
      } while (asked_.contains(arch) && ++tries < 1000);
      if (asked_.contains(arch)) break;
      Propose(arch, proposals);
    } else if (!queue_.empty()) {
      Propose(queue_.back(), proposals);
      queue_.pop_back();
    } else if (pending_.size() > 0 || guide_.size() < 2 || !Refill()) {
      break;  // the next fit waits for the evaluations in flight, or nothing is left to propose
    }
  }
  return proposals;
}

void GuidedBatchStrategy::Tell(std::span<const Observation> results) {
  for (const auto& r : results) {
    pending_.Resolve(r.proposal);
    guide_.Record(r.proposal.arch, Target(r));
    Observed(r);
  }
}

void GuidedBatchStrategy::Propose(ArchId arch, std::vector<Proposal>& proposals) {
  proposals.push_back({arch, fidelity_});
  pending_.Add(proposals.back());
  asked_.insert(arch);
}

bool GuidedBatchStrategy::Refill() {
  guide_.Fit(rng_);
  std::vector<ArchId> candidates;
  auto add_unasked = [&](const std::vector<ArchId>& archs) {
    for (ArchId arch : archs) {
      if (!asked_.contains(arch)) candidates.push_back(arch);
    }
  };
  add_unasked(Candidates());
  // The neighbourhood of the best architectures is exhausted: mutate any architecture seen, then
  // sample, so that the search goes on (documented in the strategies' headers).
  if (candidates.empty()) {
    add_unasked(
        MutatedCandidates(space_, guide_, guide_.Best(guide_.size()), 10 * batch_, 2, rng_));
  }
  for (int tries = 0; candidates.empty() && tries < 1000; ++tries) {
    const ArchId arch = space_.Sample(rng_);
    if (!asked_.contains(arch)) candidates.push_back(arch);
  }
  if (candidates.empty()) return false;
  auto ranked = Rank(std::move(candidates));
  ranked.resize(std::min(ranked.size(), batch_));
  queue_.assign(ranked.rbegin(), ranked.rend());
  return true;
}

std::vector<ArchId> MutatedCandidates(const SearchSpace& space, const PredictorGuide& guide,
                                      const std::vector<ArchId>& parents, std::size_t n,
                                      int max_mutations, Rng& rng) {
  std::vector<ArchId> candidates;
  std::unordered_set<ArchId> chosen;
  // Bounded: in a small or nearly exhausted space fewer than n new candidates may exist.
  for (std::size_t attempt = 0; candidates.size() < n && attempt < 20 * n; ++attempt) {
    ArchId arch = parents[rng.UniformInt(parents.size())];
    const auto steps = 1 + rng.UniformInt(static_cast<std::uint64_t>(max_mutations));
    for (std::uint64_t s = 0; s < steps; ++s) arch = space.Mutate(arch, rng);
    if (guide.Seen(arch) || !chosen.insert(arch).second) continue;
    candidates.push_back(arch);
  }
  return candidates;
}

}  // namespace naskit::internal
