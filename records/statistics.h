// Statistics shared by the reports, the predictor protocol, `naskit verify` and `naskit zc`.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace naskit {

// Undefined inputs give undefined statistics, never a number: every statistic below is NaN when an
// input is NaN (a NaN has no rank). Infinities have one: the rank statistics (Spearman, Kendall,
// precision) order them as the extremes they are, and Pearson, which needs finite values, is NaN.

// Average ranks (1-based; ties share their mean rank); NaN inputs must have been left out.
std::vector<double> Ranks(const std::vector<double>& x);
double Pearson(const std::vector<double>& a, const std::vector<double>& b);
// Spearman's rho: Pearson correlation of the ranks.
double Spearman(const std::vector<double>& a, const std::vector<double>& b);
// Kendall's tau-b (ties in either ranking leave the pair out and shrink the normaliser), in
// O(n log n) by Knight's algorithm (JASA 1966), as scipy.stats.kendalltau computes it. NaN when
// either ranking is constant.
double KendallTau(const std::vector<double>& a, const std::vector<double>& b);
// Of the `fraction` best by `truth` (at least one), the share that is also among the `fraction`
// best by `predicted`; ties are broken by position. White et al. (NeurIPS 2021) report it at 10 %.
double PrecisionAtTop(const std::vector<double>& predicted, const std::vector<double>& truth,
                      double fraction);
// Root-mean-square error of `predicted` against `truth` (NaN for none; an infinite error is
// infinite), and the same over the `fraction` best by `truth` only: where a search chooses, the
// error that counts (a model can rank all cells well and still misjudge the best ones).
double Rmse(const std::vector<double>& predicted, const std::vector<double>& truth);
double RmseAtTop(const std::vector<double>& predicted, const std::vector<double>& truth,
                 double fraction);

// Two-sided 95% Student-t quantile for `dof` degrees of freedom (1.96 as dof grows).
double StudentT95(std::size_t dof);

// Mean, sample standard deviation and the 95% confidence interval of the mean (Student t) over the
// finite values; n counts them and `undefined` the others, which a report shows beside the value.
// For a bounded statistic (a correlation in [-1, 1]) the interval [low, high] is clipped to the
// bounds; half_width is the unclipped one.
struct Summary {
  std::size_t n = 0, undefined = 0;
  double mean = NAN, std = NAN, half_width = NAN, low = NAN, high = NAN;
};
Summary Summarise(const std::vector<double>& values, double lowest = -INFINITY,
                  double highest = INFINITY);

}  // namespace naskit
