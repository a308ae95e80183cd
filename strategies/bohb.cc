// BOHB (Falkner, Klein & Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
// Scale", ICML 2018): Hyperband's brackets, whose cells are chosen by a TPE-style model instead of
// at random. For the highest rung with enough results, the results are split into the best
// `top_fraction` ("good", at least min_points) and the rest ("bad"), a kernel density is fitted to
// the decisions (ToChoices) of each, and the cell with the largest good/bad density ratio among
// `num_samples` draws from the widened good density is chosen; a `random_fraction` of cells, and
// every cell before a model exists, is drawn at random as in Hyperband.
//
// Decisions are unordered categories, so the kernel is Aitchison & Aitken's (the one BOHB's
// statsmodels KDE uses for them): (1 - bw) for the same choice, bw / (choices - 1) for any other,
// with statsmodels' normal-reference bandwidth 1.06 * std * n^(-1/(4 + decisions)) of the choice
// indices,
// clipped to [min_bandwidth, (choices - 1) / choices]. Draws keep a good cell's choice with
// probability 1 - bandwidth_factor * bw and take a uniform choice otherwise, as BOHB's sampler.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "strategies/internal/halving_bracket.h"

namespace naskit {
namespace {

struct BohbOptions {
  double eta = 3, random_fraction = 1.0 / 3, top_fraction = 0.15, bandwidth_factor = 3,
         min_bandwidth = 1e-3;
  int num_samples = 64, min_points = 0;
  template <class V>
  void Visit(V& v) {
    v("eta", eta, "keep the best 1/eta of each rung", InRange(1.5, 100));
    v("random_fraction", random_fraction, "share of cells drawn at random", InRange(0, 1));
    v("top_fraction", top_fraction, "share of a rung's results the good density is fitted to",
      InRange(0.01, 0.99));
    v("num_samples", num_samples, "draws from the good density per chosen cell", AtLeast(1));
    v("bandwidth_factor", bandwidth_factor, "widening of the good density for drawing",
      InRange(0, 100));
    v("min_bandwidth", min_bandwidth, "smallest kernel bandwidth", InRange(1e-9, 1));
    v("min_points", min_points, "results per density at least (0: decisions + 1)", AtLeast(0));
  }
};

// A product of Aitchison-Aitken kernels over decisions, fitted to some cells' choices.
class CategoricalDensity {
 public:
  CategoricalDensity(std::vector<std::vector<int>> points, const std::vector<std::size_t>& choices,
                     double min_bandwidth)
      : points_(std::move(points)), choices_(choices) {
    const double n = static_cast<double>(points_.size());
    for (std::size_t d = 0; d < choices_.size(); ++d) {
      double mean = 0, var = 0;
      for (const auto& p : points_) mean += p[d] / n;
      for (const auto& p : points_) var += (p[d] - mean) * (p[d] - mean) / n;
      const double most = static_cast<double>(choices_[d] - 1) / static_cast<double>(choices_[d]);
      const double dims = static_cast<double>(choices_.size());
      const double bw =
          std::clamp(1.06 * std::sqrt(var) * std::pow(n, -1 / (4 + dims)), min_bandwidth, most);
      bandwidths_.push_back(bw);
      same_.push_back(1 - bw);
      other_.push_back(bw / static_cast<double>(choices_[d] - 1));
    }
  }

  double Density(const std::vector<int>& x) const {
    double sum = 0;
    for (const auto& p : points_) {
      double product = 1;
      for (std::size_t d = 0; d < choices_.size(); ++d)
        product *= x[d] == p[d] ? same_[d] : other_[d];
      sum += product;
    }
    return sum / static_cast<double>(points_.size());
  }

  std::vector<int> Draw(double bandwidth_factor, double min_bandwidth, Rng& rng) const {
    std::vector<int> x = points_[rng.UniformInt(points_.size())];
    for (std::size_t d = 0; d < choices_.size(); ++d) {
      const double bw = std::max(min_bandwidth, bandwidth_factor * bandwidths_[d]);
      if (rng.UniformReal() >= 1 - bw) x[d] = static_cast<int>(rng.UniformInt(choices_[d]));
    }
    return x;
  }

 private:
  std::vector<std::vector<int>> points_;
  std::vector<std::size_t> choices_;
  std::vector<double> bandwidths_;
  std::vector<double> same_, other_;  // the kernel's value where a choice matches or differs
};

class Bohb final : public internal::BracketStrategy {
 public:
  Bohb(const BohbOptions& options, const StrategyContext& context)
      : BracketStrategy(context, "bohb"),
        options_(options),
        cycle_(top_, options.eta),
        model_rng_(context.rng.Derive("bohb model")) {
    for (std::size_t d = 0; d < space_.NumDecisions(); ++d) {
      choices_.push_back(space_.NumChoices(d));
    }
    min_points_ =
        options.min_points > 0 ? static_cast<std::size_t>(options.min_points) : choices_.size() + 1;
  }

  void Tell(std::span<const Observation> results) override {
    BracketStrategy::Tell(results);  // throws for a proposal never asked
    for (const auto& r : results) {
      results_[r.proposal.fidelity].push_back({space_.ToChoices(r.proposal.arch), r.signal});
    }
  }

 private:
  struct Result {
    std::vector<int> choices;
    double signal;
  };

  // The good and bad densities of one rung's results (l and g in Falkner et al.).
  struct Model {
    CategoricalDensity good, bad;
  };

  std::unique_ptr<internal::HalvingBracket> NewBracket() override {
    const auto bracket = cycle_.Next();
    std::vector<ArchId> cells = SampleCells(bracket.cells);  // Hyperband's draws
    // Results arrive only between brackets, so one fit serves every cell of this one.
    const std::optional<Model> model = FitModel();
    for (ArchId& cell : cells) {
      if (model_rng_.UniformReal() >= options_.random_fraction && model) {
        if (const auto chosen = ModelCell(*model)) cell = *chosen;
      }
    }
    return std::make_unique<internal::HalvingBracket>(std::move(cells), bracket.first_rung, top_,
                                                      options_.eta);
  }

  // The densities of the highest rung with enough results; nullopt while no rung has.
  std::optional<Model> FitModel() const {
    const std::size_t d = choices_.size();
    for (auto it = results_.rbegin(); it != results_.rend(); ++it) {
      std::vector<Result> sorted = it->second;
      const auto n = sorted.size();
      const std::size_t good = std::max(
          min_points_, static_cast<std::size_t>(options_.top_fraction * static_cast<double>(n)));
      const std::size_t bad = std::min(
          n - std::min(n, good),
          std::max(min_points_,
                   static_cast<std::size_t>((1 - options_.top_fraction) * static_cast<double>(n))));
      if (good <= d || bad <= d) continue;
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const Result& a, const Result& b) { return a.signal > b.signal; });
      auto points = [&](std::size_t from, std::size_t count) {
        std::vector<std::vector<int>> p;
        for (std::size_t i = from; i < from + count; ++i) p.push_back(sorted[i].choices);
        return p;
      };
      return Model{CategoricalDensity(points(0, good), choices_, options_.min_bandwidth),
                   CategoricalDensity(points(good, bad), choices_, options_.min_bandwidth)};
    }
    return std::nullopt;
  }

  // The best of num_samples draws from the good density by good/bad density ratio.
  std::optional<ArchId> ModelCell(const Model& model) {
    std::optional<ArchId> best;
    double best_ratio = -1;
    for (int i = 0; i < options_.num_samples; ++i) {
      const auto x = model.good.Draw(options_.bandwidth_factor, options_.min_bandwidth, model_rng_);
      const double ratio =
          std::max(model.good.Density(x), 1e-32) / std::max(model.bad.Density(x), 1e-32);
      if (ratio <= best_ratio) continue;
      // Looked up only for a new best: on a sparse benchmark the lookup scans every recorded cell.
      const auto arch = space_.FromChoices(x);
      if (!arch) continue;  // not a cell of this space (an NB101 graph without a path)
      best_ratio = ratio;
      best = arch;
    }
    return best;
  }

  BohbOptions options_;
  internal::HyperbandCycle cycle_;
  Rng model_rng_;
  std::vector<std::size_t> choices_;
  std::size_t min_points_;
  std::map<std::size_t, std::vector<Result>> results_;  // by rung (fidelity index)
};

}  // namespace

NASKIT_REGISTER_STRATEGY(Bohb, BohbOptions, "bohb",
                         "BOHB: Hyperband with a TPE density model choosing cells (Falkner et al., "
                         "ICML 2018)");

}  // namespace naskit
