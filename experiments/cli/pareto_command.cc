// `naskit pareto --benchmark FILE.h5 --objectives "max A on D at E, min B on DEVICE"`: the exact
// Pareto front of a tabular benchmark over two or three objectives, printed cell by cell with its
// hypervolume, and drawn (two objectives) over every cell as an SVG figure.
#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "analysis/svg_plot.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/options.h"
#include "core/pareto.h"
#include "experiments/cli/cli_util.h"
#include "experiments/search_run.h"

namespace naskit::cli {
namespace {

struct ParetoOptions {
  std::string benchmark, objectives, where, figure = "pareto.svg";
  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark, "benchmark file (.h5)", Required());
    v("objectives", objectives,
      "two or three, comma-separated: 'max|min <metric> on <device or dataset> [at <epochs>]'",
      Required());
    v("where", where,
      "comma-separated conditions a cell must meet, e.g. 'test_accuracy on cifar10 at 200 >= 90' "
      "(an accuracy floor leaves out degenerate cells)");
    v("figure", figure, "SVG file for the front over every cell (two objectives; none: no figure)");
  }
};

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    const auto first = part.find_first_not_of(' ');
    if (first != std::string::npos)
      parts.push_back(part.substr(first, part.find_last_not_of(' ') - first + 1));
  }
  return parts;
}

}  // namespace

int ParetoCommand(const Args& args) {
  const auto o = ParseCommand<ParetoOptions>(
      args, "pareto",
      "pareto --benchmark FILE.h5 --objectives 'max test_accuracy on cifar10 at 200, min "
      "latency_ms on pixel3' [--where 'test_accuracy on cifar10 at 200 >= 90'] [--figure F.svg]");
  if (!o) return 0;
  std::vector<ObjectiveReference> objectives;
  for (const auto& text : SplitCommas(o->objectives)) objectives.push_back(ParseObjective(text));
  if (objectives.size() != 2 && objectives.size() != 3) {
    throw ConfigError(fmt::format(
        "pareto: option \"objectives\" names {} objectives (expected 2 or 3, comma-separated)",
        objectives.size()));
  }
  std::vector<SearchConstraint> conditions;
  for (const auto& text : SplitCommas(o->where)) conditions.push_back(ParseConstraint(text));
  const TabularBenchmark benchmark = TabularBenchmark::Open(o->benchmark);

  std::vector<std::pair<const Table*, std::size_t>> columns;
  for (const auto& objective : objectives) {
    columns.push_back(ReferencedColumn(benchmark, objective, "objective " + Quote(objective.text)));
  }
  std::vector<char> eligible(benchmark.NumRows(), 1);
  for (const auto& c : conditions) {
    const auto [table, column] = ReferencedColumn(benchmark, c, "condition " + Quote(c.text));
    for (std::size_t row = 0; row < benchmark.NumRows(); ++row) {
      const float v = table->At(row, column);  // NaN (not measured) fails every condition
      eligible[row] &= c.at_most ? v <= c.bound : v >= c.bound;
    }
  }
  // Oriented points (maximised) of the cells that meet the conditions and have every objective.
  ObjectivePoints points;
  std::vector<std::size_t> rows;
  std::size_t unmeasured = 0, excluded = 0;
  for (std::size_t row = 0; row < benchmark.NumRows(); ++row) {
    std::vector<double> point;
    for (std::size_t k = 0; k < objectives.size(); ++k) {
      const double v = columns[k].first->At(row, columns[k].second);
      point.push_back(objectives[k].maximize ? v : -v);
    }
    if (!std::all_of(point.begin(), point.end(), [](double v) { return std::isfinite(v); })) {
      ++unmeasured;
    } else if (!eligible[row]) {
      ++excluded;
    } else {
      points.push_back(std::move(point));
      rows.push_back(row);
    }
  }
  if (points.empty()) {
    throw ConfigError(
        fmt::format("pareto: no cell of {} has every objective and meets the "
                    "conditions ({} lack an objective, {} fail a condition)",
                    benchmark.path(), unmeasured, excluded));
  }
  std::vector<std::size_t> front = NonDominated(points);
  std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
    return points[a] > points[b];  // best first objective first
  });
  // The reference point: each objective's worst value on the front (its nadir), so that the
  // hypervolume measures the front's spread between its own extremes.
  std::vector<double> nadir(objectives.size(), INFINITY);
  for (std::size_t i : front) {
    for (std::size_t k = 0; k < nadir.size(); ++k) nadir[k] = std::min(nadir[k], points[i][k]);
  }
  ObjectivePoints front_points;
  for (std::size_t i : front) front_points.push_back(points[i]);

  fmt::print("# Pareto front of {}: {} of {} cells ({} lack an objective, {} fail a condition)\n",
             benchmark.path(), front.size(), points.size(), unmeasured, excluded);
  std::string header = "index\tarchitecture";
  for (const auto& objective : objectives) header += "\t" + objective.text;
  fmt::print("{}\n", header);
  for (std::size_t i : front) {
    std::string line = fmt::format("{}\t{}", benchmark.data().index[rows[i]],
                                   benchmark.space().Format(benchmark.data().archs[rows[i]]));
    for (std::size_t k = 0; k < objectives.size(); ++k) {
      // The stored float32, in its shortest form.
      line += fmt::format(
          "\t{}", static_cast<float>(objectives[k].maximize ? points[i][k] : -points[i][k]));
    }
    fmt::print("{}\n", line);
  }
  std::string reference;
  for (std::size_t k = 0; k < nadir.size(); ++k) {
    reference += fmt::format("{}{}", k ? ", " : "",
                             static_cast<float>(objectives[k].maximize ? nadir[k] : -nadir[k]));
  }
  fmt::print("# hypervolume above the front's nadir ({}): {:.6g}\n", reference,
             Hypervolume(front_points, nadir));

  if (o->figure != "none" && objectives.size() == 2) {
    PlotSpec plot;
    plot.title = "Pareto front of " + benchmark.path();
    plot.x_label = objectives[0].text;
    plot.y_label = objectives[1].text;
    auto value = [&](const std::vector<double>& p, std::size_t k) {
      return objectives[k].maximize ? p[k] : -p[k];
    };
    PlotSeries cells{"every cell", {}, {}, {}, {}, true};
    for (const auto& p : points) {
      cells.x.push_back(value(p, 0));
      cells.mean.push_back(value(p, 1));
    }
    PlotSeries line{"Pareto front", {}, {}, {}, {}, false};
    for (std::size_t i : front) {
      line.x.push_back(value(points[i], 0));
      line.mean.push_back(value(points[i], 1));
    }
    plot.series = {std::move(cells), std::move(line)};
    WriteFileAtomically(o->figure, RenderSvg(plot));
    fmt::print(stderr, "naskit: wrote {}\n", o->figure);
  }
  return 0;
}

}  // namespace naskit::cli
