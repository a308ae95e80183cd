// An example plugin: a k-nearest-neighbours predictor, built out of tree against an installed
// naskit (see CMakeLists.txt and README.md) and loaded with `--plugin` or a suite's `plugins:` key.
//
// It predicts an architecture's value as the mean of its k closest training architectures by
// Hamming distance between one-hot encodings (ties broken by training order), and their spread as
// the uncertainty.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "predictors/predictor.h"

namespace knn_example {

using naskit::ArchId;

struct KnnOptions {
  int k = 5;
  template <class V>
  void Visit(V& v) {
    v("k", k, "neighbours averaged", naskit::InRange(1, 1000));
  }
};

class KnnPredictor final : public naskit::Predictor {
 public:
  KnnPredictor(const KnnOptions& options, const naskit::PredictorContext& context)
      : k_(static_cast<std::size_t>(options.k)), space_(context.space) {
    has_uncertainty_ = true;
  }

  bool NeedsFit() const override { return true; }

  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t /*seed: nothing is random*/) override {
    if (archs.size() != targets.size() || archs.empty()) {
      throw std::invalid_argument("knn: Fit needs one target per architecture");
    }
    train_.clear();
    for (const ArchId arch : archs) train_.push_back(Encode(arch));
    targets_.assign(targets.begin(), targets.end());
  }

  naskit::Prediction Predict(std::span<const ArchId> archs) const override {
    if (train_.empty()) throw std::logic_error("knn: Predict() before Fit()");
    naskit::Prediction p;
    for (const ArchId arch : archs) {
      const std::vector<float> x = Encode(arch);
      std::vector<std::pair<float, std::size_t>> distances;
      for (std::size_t i = 0; i < train_.size(); ++i) {
        float d = 0;
        for (std::size_t j = 0; j < x.size(); ++j) d += std::abs(x[j] - train_[i][j]);
        distances.emplace_back(d, i);
      }
      const std::size_t k = std::min(k_, distances.size());
      std::partial_sort(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(k),
                        distances.end());
      double sum = 0, squares = 0;
      for (std::size_t i = 0; i < k; ++i) {
        sum += targets_[distances[i].second];
        squares += targets_[distances[i].second] * targets_[distances[i].second];
      }
      const double mean = sum / static_cast<double>(k);
      p.mean.push_back(mean);
      p.stddev.push_back(std::sqrt(std::max(0.0, squares / static_cast<double>(k) - mean * mean)));
    }
    return p;
  }

 private:
  std::vector<float> Encode(ArchId arch) const {
    return space_.Encode(arch, naskit::Encoding::kOneHot);
  }

  std::size_t k_;
  const naskit::SearchSpace& space_;
  std::vector<std::vector<float>> train_;
  std::vector<double> targets_;
};

NASKIT_REGISTER_PREDICTOR(KnnPredictor, KnnOptions, "knn",
                          "k nearest neighbours by Hamming distance (example plugin)");

}  // namespace knn_example
