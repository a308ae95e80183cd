// Predictor-guided multi-objective search: a predictor per objective, refitted on what was
// measured (one for the first objective, and one per further objective: e.g. a latency model fitted
// on the few cells measured on the device, as HELP fits one per device; Lee, Lee & Hwang, NeurIPS
// 2021), and an acquisition over the Pareto archive. After `initial` random architectures, each
// batch ranks the unasked neighbours of the archive's members (the neighbourhood Pareto local
// search explores; Paquete et al., 2004), or `candidates` mutations of them (1 to `max_mutations`
// steps): greedily, the candidate whose predicted objective vector adds the most hypervolume to the
// archive, the predictions of those already chosen counted as if measured (a "believer" batch, as
// in Ginsbourger et al.'s kriging believer); when no candidate is predicted to add any, the one
// predicted closest to the front. A predictor with uncertainty is read as one draw from
// N(mean, sd^2) per candidate (Thompson sampling). The reference point is below every measured
// value by a tenth of its range.
// Under constraints, a model of the feasibility told weights both acquisitions by each candidate's
// predicted chance of feasibility, and the search samples at random until a cell is feasible.
// The first objective (accuracy) is a property of the function a cell computes, so by default its
// model learns per isomorphism class and a candidate isomorphic to a told cell is predicted the
// told value; the further objectives (a device's latency) are measured per cell, where isomorphic
// cells differ (NB201's latencies count the operations of edges that feed nothing).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <unordered_set>

#include "core/pareto.h"
#include "strategies/internal/multi_objective.h"
#include "strategies/internal/predictor_guide.h"

namespace naskit {
namespace {

struct PredictorParetoOptions : internal::GuideOptions {
  int initial = 30, batch = 10, candidates = 200, max_mutations = 2;
  std::string candidate_set = "neighbours";
  bool isomorphic = true;
  PredictorParetoOptions() { predictor = {"xgboost", {}}; }
  template <class V>
  void Visit(V& v) {
    v("initial", initial, "random architectures before the first fit", AtLeast(2));
    v("batch", batch, "architectures proposed per fit", AtLeast(1));
    v("candidate_set", candidate_set,
      "what each fit ranks: every unasked neighbour of the archive's members, or `candidates` "
      "mutations of them",
      OneOf({"neighbours", "mutations"}));
    v("candidates", candidates, "with candidate_set mutations: mutations ranked per fit",
      AtLeast(1));
    v("max_mutations", max_mutations,
      "with candidate_set mutations: mutation steps per candidate (1 to this)", AtLeast(1));
    v("isomorphic", isomorphic,
      "isomorphic cells share the first objective: its model learns per isomorphism class and "
      "predicts a told class its told value");
    v("predictor", predictor, "the predictor fitted per objective, with its options",
      PluginOf<PredictorRegistry>());
  }
};

// The volume `points` dominate above `reference`: exact in one to three objectives; 0 (no
// hypervolume acquisition, the closest candidate only) in more.
double Volume(const ObjectivePoints& points, const std::vector<double>& reference) {
  if (reference.size() == 1) {
    double best = reference[0];
    for (const auto& p : points) best = std::max(best, p[0]);
    return best - reference[0];
  }
  return reference.size() <= 3 ? Hypervolume(points, reference) : 0;
}

// The unchosen candidate predicted closest to the front: the least its first objective would
// have to gain to be dominated by no member (the additive epsilon indicator in that objective),
// divided by its chance of feasibility.
std::size_t ClosestToFront(const ObjectivePoints& predicted, const std::vector<double>& feasible,
                           const std::vector<char>& chosen, const ObjectivePoints& front) {
  std::size_t best = predicted.size();
  double best_gap = INFINITY;
  for (std::size_t c = 0; c < predicted.size(); ++c) {
    if (chosen[c]) continue;
    double gap = 0;
    for (const auto& p : front) {
      bool at_least_as_good = true;
      for (std::size_t d = 1; d < p.size(); ++d) at_least_as_good &= p[d] >= predicted[c][d];
      if (at_least_as_good) gap = std::max(gap, p[0] - predicted[c][0]);
    }
    gap /= feasible[c];
    if (best == predicted.size() || gap < best_gap) {
      best = c;
      best_gap = gap;
    }
  }
  return best;
}

class PredictorPareto final : public internal::GuidedBatchStrategy {
 public:
  PredictorPareto(const PredictorParetoOptions& options, const StrategyContext& context)
      : GuidedBatchStrategy(options, options.initial, options.batch, context, "predictor pareto"),
        options_(options),
        benchmark_(context.benchmark),
        dataset_(context.dataset),
        meter_(context.zero_cost_meter) {
    if (options_.isomorphic) mutable_guide().ShareAcrossIsomorphicCells(space());
  }

  std::vector<std::pair<std::string, double>> Timings() const override {
    auto timings = guide().Timings();
    std::vector<const internal::PredictorGuide*> models;
    for (const auto& model : further_) models.push_back(model.get());
    if (feasibility_) models.push_back(feasibility_.get());
    for (const auto* model : models) {
      const auto more = model->Timings();
      for (std::size_t i = 0; i < timings.size(); ++i) timings[i].second += more[i].second;
    }
    return timings;
  }

 private:
  // The base's guide models the first objective (not the signal, which a scalarisation or a death
  // penalty may have replaced; the archive leaves infeasible cells out); the further objectives'
  // models are made on the first result, whose objective vector says how many there are.
  double Target(const Observation& result) const override {
    return result.objectives.empty() ? result.signal : result.objectives[0];
  }

  void Observed(const Observation& result) override {
    told_.push_back(internal::PointOf(result));
    const auto& objectives = told_.back().objectives;
    while (further_.size() + 1 < objectives.size()) {
      const StrategyContext context{space(), {}, 0, Rng(0), benchmark_, dataset_, meter_};
      further_.push_back(std::make_unique<internal::PredictorGuide>(options_, context));
    }
    for (std::size_t k = 0; k < further_.size(); ++k) {
      further_[k]->Record(result.proposal.arch, objectives[k + 1]);
    }
    if (!result.feasible && !feasibility_) {
      const StrategyContext context{space(), {}, 0, Rng(0), benchmark_, dataset_, meter_};
      feasibility_ = std::make_unique<internal::PredictorGuide>(options_, context);
      for (const auto& p : told_) feasibility_->Record(p.arch, p.feasible ? 1 : 0);
    } else if (feasibility_) {
      feasibility_->Record(result.proposal.arch, result.feasible ? 1 : 0);
    }
  }

  std::vector<ArchId> Candidates() override {
    std::vector<ArchId> parents;
    for (std::size_t i : internal::FeasibleFront(told_)) parents.push_back(told_[i].arch);
    // Nothing feasible yet: the models know of nothing to improve on, so search at random until a
    // feasible cell is told (Rank keeps the order).
    if (parents.empty()) {
      std::vector<ArchId> samples;
      for (int i = 0; i < 20 * options_.candidates &&
                      samples.size() < static_cast<std::size_t>(options_.candidates);
           ++i) {
        const ArchId arch = space().Sample(rng());
        if (!guide().Seen(arch) &&
            std::find(samples.begin(), samples.end(), arch) == samples.end()) {
          samples.push_back(arch);
        }
      }
      return samples;
    }
    if (options_.candidate_set == "mutations") {
      return internal::MutatedCandidates(space(), guide(), parents,
                                         static_cast<std::size_t>(options_.candidates),
                                         options_.max_mutations, rng());
    }
    std::vector<ArchId> neighbours;
    std::unordered_set<ArchId> listed;
    for (ArchId parent : parents) {
      for (ArchId arch : space().Neighbours(parent)) {
        if (!Asked(arch) && listed.insert(arch).second) neighbours.push_back(arch);
      }
    }
    return neighbours;
  }

  std::vector<ArchId> Rank(std::vector<ArchId> candidates) override {
    if (internal::FeasibleFront(told_).empty()) {  // random samples, in the order drawn
      candidates.resize(std::min(candidates.size(), static_cast<std::size_t>(options_.batch)));
      return candidates;
    }
    for (auto& model : further_) model->Fit(rng());
    const ObjectivePoints predicted = Predicted(candidates);
    const std::vector<double> feasible = FeasibilityOf(candidates);
    const std::size_t dims = predicted.front().size();
    ObjectivePoints front;
    for (std::size_t i : internal::FeasibleFront(told_)) front.push_back(told_[i].objectives);
    // Below every measured value by a tenth of its range, so that the extremes add volume.
    std::vector<double> reference(dims, INFINITY), high(dims, -INFINITY);
    for (const auto& p : told_) {
      for (std::size_t d = 0; d < dims; ++d) {
        reference[d] = std::min(reference[d], p.objectives[d]);
        high[d] = std::max(high[d], p.objectives[d]);
      }
    }
    for (std::size_t d = 0; d < dims; ++d) {
      reference[d] -= std::max(0.1 * (high[d] - reference[d]), 1e-9);
    }
    std::vector<ArchId> ranked;
    std::vector<char> chosen(candidates.size(), 0);
    const std::size_t wanted =
        std::min(candidates.size(), static_cast<std::size_t>(options_.batch));
    while (ranked.size() < wanted) {
      const double base = Volume(front, reference);
      std::size_t best = candidates.size();
      double best_gain = 0;
      for (std::size_t c = 0; c < candidates.size(); ++c) {
        if (chosen[c]) continue;
        front.push_back(predicted[c]);
        const double gain = (Volume(front, reference) - base) * feasible[c];
        front.pop_back();
        if (gain > best_gain) {
          best = c;
          best_gain = gain;
        }
      }
      if (best == candidates.size()) {
        best = ClosestToFront(predicted, feasible, chosen, front);
      }
      chosen[best] = 1;
      ranked.push_back(candidates[best]);
      front.push_back(predicted[best]);
    }
    return ranked;
  }

  // Every candidate's predicted objective vector (oriented); -inf where a model predicts none.
  ObjectivePoints Predicted(const std::vector<ArchId>& candidates) {
    std::vector<Prediction> predictions{guide().Predict(candidates)};
    for (const auto& model : further_) predictions.push_back(model->Predict(candidates));
    ObjectivePoints predicted(candidates.size());
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      for (const auto& p : predictions) {
        double value = p.mean[c];
        if (!p.stddev.empty()) value += p.stddev[c] * internal::StandardNormal(rng());
        predicted[c].push_back(std::isnan(value) ? -INFINITY : value);
      }
    }
    return predicted;
  }

  // Per candidate, the predicted chance that it satisfies the constraints (a model of the 0/1
  // feasibility told, made once a cell was infeasible; clipped to [0.01, 1]); 1 without
  // constraints. Acquisitions are weighted by it, as constrained Bayesian optimisation weights
  // expected improvement by the probability of feasibility (Gardner et al., ICML 2014).
  std::vector<double> FeasibilityOf(const std::vector<ArchId>& candidates) {
    std::vector<double> chance(candidates.size(), 1.0);
    if (!feasibility_) return chance;
    feasibility_->Fit(rng());
    const Prediction p = feasibility_->Predict(candidates);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      chance[c] = std::isnan(p.mean[c]) ? 0.01 : std::clamp(p.mean[c], 0.01, 1.0);
    }
    return chance;
  }

  PredictorParetoOptions options_;
  const TabularBenchmark* benchmark_;
  std::string dataset_;
  ZeroCostMeter* meter_;
  std::vector<internal::ToldPoint> told_;
  std::vector<std::unique_ptr<internal::PredictorGuide>> further_;
  std::unique_ptr<internal::PredictorGuide> feasibility_;  // made at the first infeasible cell
};

}  // namespace

NASKIT_REGISTER_STRATEGY(PredictorPareto, PredictorParetoOptions, "predictor_pareto",
                         "a predictor per objective; batches that add the most predicted "
                         "hypervolume to the archive, multi-objective");

}  // namespace naskit
