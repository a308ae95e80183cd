// Rank statistics; see statistics.h.
#include "records/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <numeric>

namespace naskit {
namespace {

bool AnyNaN(const std::vector<double>& x) {
  return std::any_of(x.begin(), x.end(), [](double v) { return std::isnan(v); });
}

}  // namespace

std::vector<double> Ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = static_cast<double>(i + j) / 2.0 + 1;
    i = j + 1;
  }
  return ranks;
}

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  auto finite = [](const std::vector<double>& x) {
    return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
  };
  if (!finite(a) || !finite(b)) return NAN;
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : NAN;
}

double Spearman(const std::vector<double>& a, const std::vector<double>& b) {
  if (AnyNaN(a) || AnyNaN(b)) return NAN;
  return Pearson(Ranks(a), Ranks(b));
}

namespace {

// Sorts `x` by merge sort and returns the number of inversions (pairs i < j with x[i] > x[j]).
std::uint64_t SortCountingInversions(std::vector<double>& x) {
  std::uint64_t inversions = 0;
  std::vector<double> buffer(x.size());
  for (std::size_t width = 1; width < x.size(); width *= 2) {
    for (std::size_t lo = 0; lo < x.size(); lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, x.size()),
                        hi = std::min(lo + 2 * width, x.size());
      std::size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (x[j] < x[i]) {
          inversions += mid - i;
          buffer[k++] = x[j++];
        } else {
          buffer[k++] = x[i++];
        }
      }
      while (i < mid) buffer[k++] = x[i++];
      while (j < hi) buffer[k++] = x[j++];
    }
    x.swap(buffer);
  }
  return inversions;
}

// Pairs within runs of equal values of a sorted sequence, by `equal`.
template <class Equal>
std::uint64_t TiedPairs(std::size_t n, Equal equal) {
  std::uint64_t pairs = 0, run = 1;
  for (std::size_t i = 1; i <= n; ++i) {
    if (i < n && equal(i - 1, i)) {
      ++run;
    } else {
      pairs += run * (run - 1) / 2;
      run = 1;
    }
  }
  return pairs;
}

}  // namespace

double KendallTau(const std::vector<double>& a, const std::vector<double>& b) {
  if (AnyNaN(a) || AnyNaN(b)) return NAN;
  const std::size_t n = a.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return a[i] != a[j] ? a[i] < a[j] : b[i] < b[j]; });
  const std::uint64_t ties_a =
      TiedPairs(n, [&](std::size_t i, std::size_t j) { return a[order[i]] == a[order[j]]; });
  const std::uint64_t ties_both = TiedPairs(n, [&](std::size_t i, std::size_t j) {
    return a[order[i]] == a[order[j]] && b[order[i]] == b[order[j]];
  });
  // Inversions of b in a's order are the discordant pairs (ties in a are sorted by b: none).
  std::vector<double> b_in_a_order(n);
  for (std::size_t i = 0; i < n; ++i) b_in_a_order[i] = b[order[i]];
  const std::uint64_t discordant = SortCountingInversions(b_in_a_order);
  const std::uint64_t ties_b = TiedPairs(
      n, [&](std::size_t i, std::size_t j) { return b_in_a_order[i] == b_in_a_order[j]; });
  const double pairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2;
  const double denominator =
      std::sqrt((pairs - static_cast<double>(ties_a)) * (pairs - static_cast<double>(ties_b)));
  if (n < 2 || denominator == 0) return NAN;
  const double concordant_minus_discordant =
      pairs - static_cast<double>(ties_a) - static_cast<double>(ties_b) +
      static_cast<double>(ties_both) - 2.0 * static_cast<double>(discordant);
  return concordant_minus_discordant / denominator;
}

namespace {

// How many make the `fraction` best of n (at least one), and their indices by x, ascending; ties
// are broken by position.
std::size_t TopCount(std::size_t n, double fraction) {
  return std::max<std::size_t>(
      1, static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n))));
}
std::vector<std::size_t> TopIndices(const std::vector<double>& x, std::size_t k) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return x[i] > x[j]; });
  order.resize(k);
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace

double PrecisionAtTop(const std::vector<double>& predicted, const std::vector<double>& truth,
                      double fraction) {
  const std::size_t n = truth.size();
  if (n == 0 || AnyNaN(predicted) || AnyNaN(truth)) return NAN;
  const std::size_t k = TopCount(n, fraction);
  const auto p = TopIndices(predicted, k), t = TopIndices(truth, k);
  std::vector<std::size_t> both;
  std::set_intersection(p.begin(), p.end(), t.begin(), t.end(), std::back_inserter(both));
  return static_cast<double>(both.size()) / static_cast<double>(k);
}

double Rmse(const std::vector<double>& predicted, const std::vector<double>& truth) {
  if (truth.empty()) return NAN;
  double squares = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    squares += (predicted[i] - truth[i]) * (predicted[i] - truth[i]);
  }
  return std::sqrt(squares / static_cast<double>(truth.size()));
}

double RmseAtTop(const std::vector<double>& predicted, const std::vector<double>& truth,
                 double fraction) {
  if (truth.empty() || AnyNaN(predicted) || AnyNaN(truth)) return NAN;
  std::vector<double> top_predicted, top_truth;
  for (std::size_t i : TopIndices(truth, TopCount(truth.size(), fraction))) {
    top_predicted.push_back(predicted[i]);
    top_truth.push_back(truth[i]);
  }
  return Rmse(top_predicted, top_truth);
}

double StudentT95(std::size_t dof) {
  static constexpr double kTable[] = {NAN,   12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                      2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                      2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                      2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof == 0) return NAN;
  if (dof < std::size(kTable)) return kTable[dof];
  if (dof < 60) return 2.021 + (2.042 - 2.021) * (60.0 - static_cast<double>(dof)) / 30.0;
  if (dof < 120) return 1.980 + (2.000 - 1.980) * (120.0 - static_cast<double>(dof)) / 60.0;
  return 1.960;
}

Summary Summarise(const std::vector<double>& values, double lowest, double highest) {
  Summary s;
  double sum = 0;
  for (double v : values) {
    if (std::isfinite(v)) {
      sum += v;
      ++s.n;
    }
  }
  s.undefined = values.size() - s.n;
  if (s.n == 0) return s;
  s.mean = sum / static_cast<double>(s.n);
  double ss = 0;
  for (double v : values) {
    if (std::isfinite(v)) ss += (v - s.mean) * (v - s.mean);
  }
  s.std = s.n > 1 ? std::sqrt(ss / static_cast<double>(s.n - 1)) : 0;
  s.half_width = s.n > 1 ? StudentT95(s.n - 1) * s.std / std::sqrt(static_cast<double>(s.n)) : 0;
  s.low = std::max(s.mean - s.half_width, lowest);
  s.high = std::min(s.mean + s.half_width, highest);
  return s;
}

}  // namespace naskit
