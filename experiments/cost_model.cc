// Recorded or ridge-regressed training cost; see cost_model.h.
#include "experiments/cost_model.h"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"

namespace naskit {
namespace {

// Solves (A + lambda I) x = b for a small dense symmetric positive-definite system (Gaussian
// elimination with partial pivoting; the system has one row per encoding feature).
std::vector<double> Solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < n; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (std::size_t r = col + 1; r < n; ++r) {
      const double f = a[r][col] / a[col][col];
      for (std::size_t c = col; c < n; ++c) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  std::vector<double> x(n);
  for (std::size_t r = n; r-- > 0;) {
    double s = b[r];
    for (std::size_t c = r + 1; c < n; ++c) s -= a[r][c] * x[c];
    x[r] = s / a[r][r];
  }
  return x;
}

}  // namespace

CostModel::CostModel(const TabularBenchmark& benchmark, const std::string& dataset, int epochs) {
  const std::string path = "cost/" + dataset + "/train_seconds";
  const Table* table = benchmark.FindTable(path);
  if (!table) {
    throw ConfigError(benchmark.path() + ": no training times for dataset " + Quote(dataset) +
                      " (table \"/" + path + "\" not found); use a budget in queries");
  }
  const std::size_t column = table->ColumnOf(epochs, "table " + Quote(path));
  const std::size_t rows = benchmark.NumRows();
  const SearchSpace& space = benchmark.space();
  const std::size_t features = space.EncodingSize(Encoding::kOneHot) + 1;  // + intercept
  seconds_.assign(rows, 0);
  modelled_.assign(rows, 0);

  std::vector<std::vector<double>> normal(features, std::vector<double>(features, 0));
  std::vector<double> rhs(features, 0);
  std::vector<float> x;
  double sum = 0, sum_sq = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    const float y = table->At(row, column);
    if (std::isnan(y)) continue;
    ++num_recorded_;
    seconds_[row] = y;
    sum += y;
    sum_sq += double(y) * y;
    x = space.Encode(benchmark.data().archs[row], Encoding::kOneHot);
    x.push_back(1.0f);
    for (std::size_t i = 0; i < features; ++i) {
      if (x[i] == 0) continue;
      rhs[i] += x[i] * y;
      for (std::size_t j = 0; j < features; ++j) normal[i][j] += x[i] * x[j];
    }
  }
  if (num_recorded_ == 0) {
    throw ConfigError(benchmark.path() + ": table \"/" + path + "\" records no training time at " +
                      std::to_string(table->epochs.empty() ? 0 : table->epochs[column]) +
                      " epochs; use a budget in queries");
  }
  source_ = fmt::format("recorded train_seconds of {} at {} epochs", dataset,
                        table->epochs.empty() ? 0 : table->epochs[column]);
  if (num_recorded_ == rows) return;

  // Ridge: a small penalty keeps the one-hot system (collinear with the intercept) well posed.
  for (std::size_t i = 0; i < features; ++i)
    normal[i][i] += 1e-3 * static_cast<double>(num_recorded_);
  const std::vector<double> w = Solve(normal, rhs);
  double residual = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    x = space.Encode(benchmark.data().archs[row], Encoding::kOneHot);
    x.push_back(1.0f);
    double prediction = 0;
    for (std::size_t i = 0; i < features; ++i) prediction += w[i] * x[i];
    prediction = std::max(prediction, 0.0);
    if (std::isnan(table->At(row, column))) {
      seconds_[row] = prediction;
      modelled_[row] = 1;
    } else {
      residual += (prediction - seconds_[row]) * (prediction - seconds_[row]);
    }
  }
  const double variance = sum_sq - sum * sum / static_cast<double>(num_recorded_);
  r_squared_ = variance > 0 ? 1 - residual / variance : 1;
}

std::string CostModel::Description() const {
  if (num_recorded_ == seconds_.size()) return source_ + " (every cell recorded)";
  return fmt::format(
      "{} for {} cells; the other {} predicted by ridge regression on the one-hot "
      "encoding fitted on those (R^2 = {:.3f})",
      source_, num_recorded_, seconds_.size() - num_recorded_, r_squared_);
}

}  // namespace naskit
