// Predictor-guided multi-objective search: a predictor per objective, refitted on what was
// measured (one for the first objective, and one per further objective: e.g. a latency model fitted
// on the few cells measured on the device, as HELP fits one per device; Lee, Lee & Hwang, NeurIPS
// 2021), and an acquisition over the Pareto archive. After `initial` random architectures, each
// batch ranks `candidates` mutations (1 to `max_mutations` steps) of the archive's members:
// greedily, the candidate whose predicted objective vector adds the most hypervolume to the
// archive, the predictions of those already chosen counted as if measured (a "believer" batch, as
// in Ginsbourger et al.'s kriging believer); when no candidate is predicted to add any, the best
// under a random augmented Tchebycheff scalarisation of the predictions (ParEGO; Knowles, IEEE TEC
// 2006). A predictor with uncertainty is read as one draw from N(mean, sd^2) per candidate
// (Thompson sampling). The reference point is below every measured value by a tenth of its range.
// Under constraints, a model of the feasibility told weights both acquisitions by each candidate's
// predicted chance of feasibility, and the search samples at random until a cell is feasible.
#include <algorithm>
#include <cmath>
#include <memory>

#include "core/pareto.h"
#include "strategies/internal/multi_objective.h"
#include "strategies/internal/predictor_guide.h"

namespace naskit {
namespace {

struct PredictorParetoOptions : internal::GuideOptions {
  int initial = 10, batch = 10, candidates = 200, max_mutations = 2;
  PredictorParetoOptions() { predictor = {"xgboost", {}}; }
  template <class V>
  void Visit(V& v) {
    v("initial", initial, "random architectures before the first fit", AtLeast(2));
    v("batch", batch, "architectures proposed per fit", AtLeast(1));
    v("candidates", candidates, "mutations of the archive's members ranked per fit", AtLeast(1));
    v("max_mutations", max_mutations, "mutation steps per candidate (1 to this)", AtLeast(1));
    v("predictor", predictor, "the predictor fitted per objective, with its options",
      PluginOf<PredictorRegistry>());
  }
};

// The volume `points` dominate above `reference`: exact in one to three objectives; 0 (no
// hypervolume acquisition, scalarisations only) in more.
double Volume(const ObjectivePoints& points, const std::vector<double>& reference) {
  if (reference.size() == 1) {
    double best = reference[0];
    for (const auto& p : points) best = std::max(best, p[0]);
    return best - reference[0];
  }
  return reference.size() <= 3 ? Hypervolume(points, reference) : 0;
}

class PredictorPareto final : public internal::GuidedBatchStrategy {
 public:
  PredictorPareto(const PredictorParetoOptions& options, const StrategyContext& context)
      : GuidedBatchStrategy(options, options.initial, options.batch, context, "predictor pareto"),
        options_(options),
        benchmark_(context.benchmark),
        dataset_(context.dataset),
        meter_(context.zero_cost_meter) {}

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
    return internal::MutatedCandidates(space(), guide(), parents,
                                       static_cast<std::size_t>(options_.candidates),
                                       options_.max_mutations, rng());
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
        best = Scalarised(predicted, feasible, chosen, reference, high);
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

  // The unchosen candidate best under random weights (augmented Tchebycheff, rho 0.05, on values
  // normalised by the measured range), its score divided by its chance of feasibility.
  std::size_t Scalarised(const ObjectivePoints& predicted, const std::vector<double>& feasible,
                         const std::vector<char>& chosen, const std::vector<double>& low,
                         const std::vector<double>& high) {
    const std::vector<double> weights = internal::RandomWeights(low.size(), rng());
    std::size_t best = predicted.size();
    double best_score = INFINITY;
    for (std::size_t c = 0; c < predicted.size(); ++c) {
      if (chosen[c]) continue;
      const double score =
          internal::AugmentedTchebycheff(predicted[c], weights, high, low, 0.05) / feasible[c];
      if (best == predicted.size() || score < best_score) {
        best = c;
        best_score = score;
      }
    }
    return best;
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
