// Rank statistics shared by the report, `naskit verify` and `naskit zc`.
#pragma once

#include <vector>

namespace naskit {

// Average ranks (1-based; ties share their mean rank).
std::vector<double> Ranks(const std::vector<double>& x);
double Pearson(const std::vector<double>& a, const std::vector<double>& b);
// Spearman's rho: Pearson correlation of the ranks.
double Spearman(const std::vector<double>& a, const std::vector<double>& b);
// Kendall's tau-a over all pairs.
double KendallTau(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace naskit
