// Pareto dominance, fronts and their quality indicators, over oriented objective vectors: every
// objective is maximised (a minimised one, such as a latency, enters negated), as the search loop
// orients them. Used by the loop's archive, multi-objective strategies and the reports.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace naskit {

using ObjectivePoints = std::vector<std::vector<double>>;  // one oriented vector per point

// Whether `a` dominates `b`: at least as good in every objective and better in one.
bool Dominates(std::span<const double> a, std::span<const double> b);

// The indices of the points no other point dominates, ascending. Of equal points, all are kept.
// Two objectives: a sort and a sweep, O(n log n); more: O(n * front size).
std::vector<std::size_t> NonDominated(const ObjectivePoints& points);

// Non-dominated sorting (Deb et al., "A fast and elitist multiobjective genetic algorithm:
// NSGA-II", IEEE TEC 2002): front 0 is NonDominated(points), front k is the non-dominated points
// of what fronts 0..k-1 left. Every index appears in one front, ascending within it.
std::vector<std::vector<std::size_t>> NonDominatedSort(const ObjectivePoints& points);

// Crowding distance of each member of one front (Deb et al. 2002): per objective, the normalised
// gap between a member's neighbours, summed; the extremes of every objective get +infinity.
std::vector<double> CrowdingDistance(const ObjectivePoints& points,
                                     const std::vector<std::size_t>& front);

// The volume of the objective space the points dominate above `reference` (a point every
// objective of which is worse than the points' that count; points not strictly above it in every
// objective add nothing). Exact for two objectives (a sweep, O(n log n)) and three (a sweep over
// the third objective keeping the 2-D front of what it passed, O(n^2) at worst; the idea of
// Beume et al., "On the complexity of computing the hypervolume indicator", IEEE TEC 2009).
// Throws std::invalid_argument for other dimensions or a reference of another dimension.
double Hypervolume(const ObjectivePoints& points, std::span<const double> reference);

// IGD+ (Ishibuchi et al., "Modified distance calculation in generational distance and inverted
// generational distance", EMO 2015): the mean, over the points of `reference_front`, of the
// distance to the nearest found point, counting only the objectives in which the found point is
// worse; 0 when the found points reach every reference point. NaN when either set is empty.
double IgdPlus(const ObjectivePoints& found, const ObjectivePoints& reference_front);

}  // namespace naskit
