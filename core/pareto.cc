// Pareto fronts and indicators; see pareto.h.
#include "core/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace naskit {
namespace {

// The area two-objective points dominate above (rx, ry): sorted by the first objective, best
// first, each point that raises the second objective adds the slab it alone covers.
double Area(std::vector<std::pair<double, double>> points, double rx, double ry) {
  std::sort(points.begin(), points.end(), std::greater<>());
  double area = 0, best_y = ry;
  for (const auto& [x, y] : points) {
    if (x <= rx || y <= best_y) continue;
    area += (x - rx) * (y - best_y);
    best_y = y;
  }
  return area;
}

}  // namespace

bool Dominates(std::span<const double> a, std::span<const double> b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] < b[i]) return false;
    better |= a[i] > b[i];
  }
  return better;
}

std::vector<std::size_t> NonDominated(const ObjectivePoints& points) {
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  // Lexicographically best first: no point can dominate one before it.
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return points[a] > points[b]; });
  std::vector<std::size_t> front;
  if (!points.empty() && points.front().size() == 2) {
    // Sweep: a point is dominated when one before it (first objective at least as good) has a
    // better second objective, or an equal one with a better first.
    double best_y = -std::numeric_limits<double>::infinity(), best_x = best_y;
    for (std::size_t i : order) {
      const double x = points[i][0], y = points[i][1];
      if (y < best_y || (y == best_y && x < best_x)) continue;
      if (y > best_y) best_x = x;
      best_y = y;
      front.push_back(i);
    }
  } else {
    for (std::size_t i : order) {
      const bool dominated = std::any_of(front.begin(), front.end(), [&](std::size_t j) {
        return Dominates(points[j], points[i]);
      });
      if (!dominated) front.push_back(i);
    }
  }
  std::sort(front.begin(), front.end());
  return front;
}

std::vector<std::vector<std::size_t>> NonDominatedSort(const ObjectivePoints& points) {
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> left(points.size());
  std::iota(left.begin(), left.end(), 0);
  while (!left.empty()) {
    ObjectivePoints rest;
    for (std::size_t i : left) rest.push_back(points[i]);
    std::vector<std::size_t> front;
    std::vector<char> in_front(left.size(), 0);
    for (std::size_t k : NonDominated(rest)) {
      front.push_back(left[k]);
      in_front[k] = 1;
    }
    std::vector<std::size_t> next;
    for (std::size_t k = 0; k < left.size(); ++k) {
      if (!in_front[k]) next.push_back(left[k]);
    }
    fronts.push_back(std::move(front));
    left = std::move(next);
  }
  return fronts;
}

std::vector<double> CrowdingDistance(const ObjectivePoints& points,
                                     const std::vector<std::size_t>& front) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> distance(front.size(), 0);
  if (front.size() <= 2) return std::vector<double>(front.size(), kInf);
  std::vector<std::size_t> order(front.size());
  for (std::size_t m = 0; m < points[front[0]].size(); ++m) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return points[front[a]][m] < points[front[b]][m];
    });
    const double lo = points[front[order.front()]][m], hi = points[front[order.back()]][m];
    distance[order.front()] = distance[order.back()] = kInf;
    if (!(hi > lo)) continue;
    for (std::size_t k = 1; k + 1 < order.size(); ++k) {
      distance[order[k]] +=
          (points[front[order[k + 1]]][m] - points[front[order[k - 1]]][m]) / (hi - lo);
    }
  }
  return distance;
}

double Hypervolume(const ObjectivePoints& points, std::span<const double> reference) {
  const std::size_t dims = reference.size();
  if (dims != 2 && dims != 3) {
    throw std::invalid_argument("Hypervolume: exact for 2 or 3 objectives only");
  }
  // Only points strictly above the reference in every objective dominate any volume.
  ObjectivePoints counted;
  for (const auto& p : points) {
    if (p.size() != dims) throw std::invalid_argument("Hypervolume: points of another dimension");
    bool above = true;
    for (std::size_t i = 0; i < dims; ++i) above &= p[i] > reference[i];
    if (above) counted.push_back(p);
  }
  if (dims == 2) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& p : counted) xy.emplace_back(p[0], p[1]);
    return Area(std::move(xy), reference[0], reference[1]);
  }
  // Three objectives: best third objective first; between two consecutive levels of it, the
  // volume is the area the points passed so far dominate times the level's depth.
  std::sort(counted.begin(), counted.end(),
            [](const auto& a, const auto& b) { return a[2] > b[2]; });
  std::vector<std::pair<double, double>> passed;
  double volume = 0;
  for (std::size_t k = 0; k < counted.size(); ++k) {
    passed.emplace_back(counted[k][0], counted[k][1]);
    const double next = k + 1 < counted.size() ? counted[k + 1][2] : reference[2];
    if (next < counted[k][2]) {
      volume += Area(passed, reference[0], reference[1]) * (counted[k][2] - next);
    }
  }
  return volume;
}

double IgdPlus(const ObjectivePoints& found, const ObjectivePoints& reference_front) {
  if (found.empty() || reference_front.empty()) return std::numeric_limits<double>::quiet_NaN();
  double total = 0;
  for (const auto& z : reference_front) {
    double nearest = std::numeric_limits<double>::infinity();
    for (const auto& a : found) {
      double squared = 0;
      for (std::size_t i = 0; i < z.size(); ++i) {
        const double worse = std::max(z[i] - a[i], 0.0);
        squared += worse * worse;
      }
      nearest = std::min(nearest, std::sqrt(squared));
    }
    total += nearest;
  }
  return total / static_cast<double>(reference_front.size());
}

}  // namespace naskit
