// Zero-cost warm start; see warm_start.h.
#include "experiments/warm_start.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "predictors/features.h"

namespace naskit {

std::vector<std::pair<ArchId, double>> WarmStartCandidates(const TabularBenchmark& benchmark,
                                                           const SearchSpace& space,
                                                           std::span<const ArchId> domain,
                                                           const std::string& dataset,
                                                           const WarmStartSettings& settings) {
  // Higher must mean better: a latency ranks the slowest cells first.
  if (settings.proxy.starts_with("latency:")) {
    throw ConfigError(fmt::format(
        "warm_start.proxy: {} is a latency, where lower is better; expected a score that ranks "
        "better cells higher (zc:NAME, params or flops)",
        Quote(settings.proxy)));
  }
  const FeatureEncoder proxy(settings.proxy, PredictorContext{space, &benchmark, dataset},
                             "warm_start.proxy");
  if (proxy.Width() != 1) {
    throw ConfigError(fmt::format(
        "warm_start.proxy: {} is {} values per architecture; expected one score (zc:NAME, params "
        "or flops)",
        Quote(settings.proxy), proxy.Width()));
  }
  std::vector<ArchId> archs;
  for (const ArchId arch : domain) {
    if (proxy.Covers(arch)) archs.push_back(arch);
  }
  std::vector<std::pair<ArchId, double>> candidates;
  const std::vector<float> scores = proxy.Encode(archs);
  for (std::size_t i = 0; i < archs.size(); ++i) {
    if (std::isfinite(scores[i])) candidates.emplace_back(archs[i], scores[i]);
  }
  if (candidates.empty()) {
    throw ConfigError(fmt::format("warm_start.proxy: the benchmark holds no {} score on {}",
                                  Quote(settings.proxy), dataset));
  }
  return candidates;
}

std::vector<ArchId> WarmStartPicks(const std::vector<std::pair<ArchId, double>>& candidates,
                                   const WarmStartSettings& settings, Rng rng) {
  // A partial Fisher-Yates shuffle draws the pool.
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t pool = std::min(order.size(), static_cast<std::size_t>(settings.pool));
  for (std::size_t i = 0; i < pool; ++i) {
    std::swap(order[i], order[i + rng.UniformInt(order.size() - i)]);
  }
  order.resize(pool);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return candidates[a].second > candidates[b].second;
  });
  std::vector<ArchId> picks;
  for (std::size_t i = 0; i < std::min(pool, static_cast<std::size_t>(settings.top)); ++i) {
    picks.push_back(candidates[order[i]].first);
  }
  return picks;
}

}  // namespace naskit
