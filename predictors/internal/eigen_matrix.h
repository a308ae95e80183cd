// Encoded features (row-major float) as an Eigen matrix, for the predictors solved with Eigen.
#pragma once

#include <Eigen/Dense>

#include <vector>

namespace naskit::internal {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline Matrix ToMatrix(const std::vector<float>& x, std::size_t columns) {
  const auto rows = static_cast<Eigen::Index>(columns ? x.size() / columns : 0);
  return Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
             x.data(), rows, static_cast<Eigen::Index>(columns))
      .cast<double>();
}

}  // namespace naskit::internal
