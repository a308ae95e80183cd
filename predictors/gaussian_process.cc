// Gaussian-process regression (Rasmussen & Williams, "Gaussian Processes for Machine Learning",
// MIT Press 2006, Algorithm 2.1) with a squared-exponential kernel on standardised features, the GP
// predictor of White et al. (NeurIPS 2021). The length scale and the noise are chosen by the log
// marginal likelihood over a grid around the median pairwise distance (deterministic, no optimiser
// to tune). Predictions carry the posterior standard deviation of the latent function.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/errors.h"
#include "predictors/features.h"
#include "predictors/internal/eigen_matrix.h"

namespace naskit {
namespace {

// An exact GP stores an n x n kernel (and its Cholesky factor, and a copy per grid point tried):
// 5,000 architectures take about 0.6 GB; 12,500 (NB201's recorded cells) took 4 to 12 GB.
constexpr std::size_t kMaxGpTrainingSize = 5000;

struct GpOptions {
  std::string features = "onehot";
  template <class V>
  void Visit(V& v) {
    v("features", features, kFeaturesHelp);
  }
};

using internal::Matrix;
using internal::ToMatrix;

// Squared distances between the rows of a and b.
Matrix SquaredDistances(const Matrix& a, const Matrix& b) {
  const Eigen::VectorXd na = a.rowwise().squaredNorm(), nb = b.rowwise().squaredNorm();
  Matrix d = -2.0 * a * b.transpose();
  d.colwise() += na;
  d.rowwise() += nb.transpose();
  return d.cwiseMax(0.0);
}

class GaussianProcess final : public Predictor {
 public:
  GaussianProcess(const GpOptions& options, const PredictorContext& context)
      : features_(options.features, context, "predictor \"gp\"") {
    has_uncertainty_ = true;
  }

  bool NeedsFit() const override { return true; }

  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t /*seed: the grid search is deterministic*/) override {
    if (archs.size() != targets.size() || archs.empty()) {
      throw std::invalid_argument("Fit needs one target per architecture and at least one");
    }
    if (archs.size() > kMaxGpTrainingSize) {
      throw ConfigError(fmt::format(
          "predictor \"gp\": an exact Gaussian process on {} architectures needs an {} x {} "
          "kernel; it fits at most {} (use xgboost, random_forest or ridge for more)",
          archs.size(), archs.size(), archs.size(), kMaxGpTrainingSize));
    }
    std::vector<float> raw = features_.Encode(archs);
    scaler_.Fit(raw, features_.Width());
    scaler_.Apply(raw);
    train_ = ToMatrix(raw, features_.Width());
    const Eigen::Map<const Eigen::VectorXd> y(targets.data(),
                                              static_cast<Eigen::Index>(targets.size()));
    y_mean_ = y.mean();
    y_scale_ = std::sqrt((y.array() - y_mean_).square().mean());
    if (!(y_scale_ > 0)) y_scale_ = 1;
    const Eigen::VectorXd z = (y.array() - y_mean_) / y_scale_;

    const Matrix d2 = SquaredDistances(train_, train_);
    std::vector<double> distances;
    for (Eigen::Index i = 0; i < d2.rows(); ++i)
      for (Eigen::Index j = i + 1; j < d2.cols(); ++j) distances.push_back(std::sqrt(d2(i, j)));
    double median = 1;
    if (!distances.empty()) {
      std::nth_element(distances.begin(), distances.begin() + distances.size() / 2,
                       distances.end());
      median = std::max(distances[distances.size() / 2], 1e-6);
    }
    const double n = static_cast<double>(z.size());
    double best = -std::numeric_limits<double>::infinity();
    for (double factor : {0.25, 0.5, 1.0, 2.0, 4.0}) {
      for (double noise : {1e-3, 1e-2, 0.1, 0.3}) {
        const double length = factor * median;
        Matrix k = (-d2 / (2 * length * length)).array().exp();
        k.diagonal().array() += noise;
        Eigen::LLT<Matrix> llt(k);
        if (llt.info() != Eigen::Success) continue;
        const Eigen::VectorXd alpha = llt.solve(z);
        const double log_det = 2 * Eigen::MatrixXd(llt.matrixL()).diagonal().array().log().sum();
        const double evidence = -0.5 * z.dot(alpha) - 0.5 * log_det - 0.5 * n * std::log(2 * M_PI);
        if (evidence > best) {
          best = evidence;
          length_ = length;
          alpha_ = alpha;
          llt_ = std::move(llt);
        }
      }
    }
    if (!std::isfinite(best))
      throw std::runtime_error("predictor \"gp\": no kernel matrix was positive definite");
    fitted_ = true;
  }

  Prediction Predict(std::span<const ArchId> archs) const override {
    const Matrix k_star = KernelToTraining(archs);
    if (archs.empty()) return {};
    Prediction p;
    p.mean = Means(k_star);
    // v = L^-1 k*, variance = k(x, x) - |v|^2, with k(x, x) = 1. The triangular solve costs
    // O(n^2) per architecture, the mean O(n).
    const Matrix v = llt_.matrixL().solve(k_star.transpose());
    p.stddev.resize(archs.size());
    for (std::size_t i = 0; i < archs.size(); ++i) {
      const auto c = static_cast<Eigen::Index>(i);
      p.stddev[i] = y_scale_ * std::sqrt(std::max(0.0, 1.0 - v.col(c).squaredNorm()));
    }
    return p;
  }

  std::vector<double> PredictMean(std::span<const ArchId> archs) const override {
    return Means(KernelToTraining(archs));
  }

 private:
  // k(x, x_train) for each architecture (rows) and training architecture (columns).
  Matrix KernelToTraining(std::span<const ArchId> archs) const {
    if (!fitted_) throw std::logic_error("predictor \"gp\": Predict() before Fit()");
    if (archs.empty()) return Matrix(0, train_.rows());  // Eigen cannot map an empty buffer
    std::vector<float> raw = features_.Encode(archs);
    scaler_.Apply(raw);
    const Matrix test = ToMatrix(raw, features_.Width());
    return (-SquaredDistances(test, train_) / (2 * length_ * length_)).array().exp();
  }

  std::vector<double> Means(const Matrix& k_star) const {
    const Eigen::VectorXd mean = k_star * alpha_;
    std::vector<double> means(static_cast<std::size_t>(mean.size()));
    for (Eigen::Index i = 0; i < mean.size(); ++i) {
      means[static_cast<std::size_t>(i)] = y_mean_ + y_scale_ * mean(i);
    }
    return means;
  }

  FeatureEncoder features_;
  ColumnScaler scaler_;
  Matrix train_;
  Eigen::LLT<Matrix> llt_;
  Eigen::VectorXd alpha_;
  double length_ = 1, y_mean_ = 0, y_scale_ = 1;
  bool fitted_ = false;
};

}  // namespace

NASKIT_REGISTER_PREDICTOR(GaussianProcess, GpOptions, "gp",
                          "Gaussian process, squared-exponential kernel, with uncertainty");

}  // namespace naskit
