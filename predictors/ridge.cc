// Ridge regression (Hoerl & Kennard, Technometrics 1970) on standardised features: the linear
// baseline of White et al. (NeurIPS 2021). Solved with Eigen in the primal (d x d) or, when there
// are more features than training architectures (DARTS's path encoding), in the dual (n x n).
#include <numeric>

#include "core/errors.h"
#include "predictors/features.h"
#include "predictors/internal/eigen_matrix.h"

namespace naskit {
namespace {

struct RidgeOptions {
  std::string features = "onehot";
  double alpha = 1.0;
  template <class V>
  void Visit(V& v) {
    v("features", features, kFeaturesHelp);
    v("alpha", alpha, "L2 penalty on the weights", InRange(1e-9, 1e9));
  }
};

using internal::Matrix;
using internal::ToMatrix;

class Ridge final : public Predictor {
 public:
  Ridge(const RidgeOptions& options, const PredictorContext& context)
      : alpha_(options.alpha), features_(options.features, context, "predictor \"ridge\"") {}

  bool NeedsFit() const override { return true; }

  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t /*seed: the solution is unique*/) override {
    if (archs.size() != targets.size() || archs.empty()) {
      throw std::invalid_argument("Fit needs one target per architecture and at least one");
    }
    std::vector<float> raw = features_.Encode(archs);
    scaler_.Fit(raw, features_.Width());
    scaler_.Apply(raw);
    const Matrix x = ToMatrix(raw, features_.Width());
    const Eigen::Map<const Eigen::VectorXd> y(targets.data(),
                                              static_cast<Eigen::Index>(targets.size()));
    intercept_ = y.mean();
    const Eigen::VectorXd centred = y.array() - intercept_;
    if (x.cols() <= x.rows()) {
      Matrix gram = x.transpose() * x;
      gram.diagonal().array() += alpha_;
      weights_ = gram.ldlt().solve(x.transpose() * centred);
    } else {
      Matrix gram = x * x.transpose();
      gram.diagonal().array() += alpha_;
      weights_ = x.transpose() * gram.ldlt().solve(centred);
    }
    fitted_ = true;
  }

  Prediction Predict(std::span<const ArchId> archs) const override {
    if (!fitted_) throw std::logic_error("predictor \"ridge\": Predict() before Fit()");
    if (archs.empty()) return {};  // Eigen cannot map an empty buffer
    std::vector<float> raw = features_.Encode(archs);
    scaler_.Apply(raw);
    const Eigen::VectorXd y = (ToMatrix(raw, features_.Width()) * weights_).array() + intercept_;
    return {{y.data(), y.data() + y.size()}, {}};
  }

 private:
  double alpha_;
  FeatureEncoder features_;
  ColumnScaler scaler_;
  Eigen::VectorXd weights_;
  double intercept_ = 0;
  bool fitted_ = false;
};

}  // namespace

NASKIT_REGISTER_PREDICTOR(Ridge, RidgeOptions, "ridge",
                          "ridge regression on standardised features (linear baseline)");

}  // namespace naskit
