// `naskit pareto --benchmark FILE.h5 --objectives "max A on D at E, min B on DEVICE"`: the exact
// Pareto front of a tabular benchmark over two or three objectives, printed cell by cell with its
// hypervolume, and drawn (two objectives) over every cell as an SVG figure.
//
// `naskit devices --benchmark FILE.h5 --devices A,B,...`: how far one device's latencies say
// anything of another's (HELP's point, Lee et al., NeurIPS 2021): their rank correlations, and the
// hypervolume on device B of the accuracy-latency front that is exact for device A.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/svg_plot.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/options.h"
#include "core/pareto.h"
#include "core/text.h"
#include "experiments/cli/cli_util.h"
#include "experiments/search_run.h"
#include "records/statistics.h"

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
    v("figure", figure,
      "SVG file for the front over every cell, and a PDF beside it where rsvg-convert is installed "
      "(two objectives; none: no figure)");
  }
};

// The items of a list option; empty ones ("a,,b") are skipped.
std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts = SplitList(text);
  std::erase(parts, "");
  return parts;
}

struct DevicesOptions {
  std::string benchmark, devices, accuracy = "test_accuracy on cifar10 at 200",
                                  metric = "latency_ms";
  double floor = 90;
  template <class V>
  void Visit(V& v) {
    v("benchmark", benchmark, "benchmark file (.h5)", Required());
    v("devices", devices, "two or more devices of the file, comma-separated", Required());
    v("accuracy", accuracy, "the accuracy of the fronts: '<metric> on <dataset> [at <epochs>]'");
    v("metric", metric, "the devices' metric (lower is better)");
    v("floor", floor,
      "the accuracy at the hypervolumes' reference point; cells below it add nothing",
      InRange(-1e12, 1e12));
  }
};

}  // namespace

int DevicesCommand(const Args& args) {
  const auto o = ParseCommand<DevicesOptions>(
      args, "devices",
      "devices --benchmark FILE.h5 --devices pixel3,fpga,1080ti_1 [--accuracy 'test_accuracy on "
      "cifar10 at 200'] [--floor 90]");
  if (!o) return 0;
  const std::vector<std::string> devices = SplitCommas(o->devices);
  if (devices.size() < 2) {
    throw ConfigError(
        fmt::format("devices: option \"devices\" names {} (expected two or more)", devices.size()));
  }
  const TabularBenchmark benchmark = TabularBenchmark::Open(o->benchmark);
  const ObjectiveReference accuracy = ParseObjective("max " + o->accuracy);
  const auto [accuracy_table, accuracy_column] =
      ReferencedColumn(benchmark, accuracy, "option \"accuracy\"");
  std::vector<const Table*> latency;
  for (const auto& device : devices) {
    latency.push_back(&benchmark.Get("hardware/" + device + "/" + o->metric));
  }
  // The cells every device timed and the accuracy measured.
  std::vector<std::size_t> rows;
  for (std::size_t row = 0; row < benchmark.NumRows(); ++row) {
    bool complete = std::isfinite(accuracy_table->At(row, accuracy_column));
    for (const Table* t : latency) complete &= std::isfinite(t->At(row));
    if (complete) rows.push_back(row);
  }
  if (rows.size() < 3) {
    throw ConfigError(fmt::format("devices: {}: {} cells have the accuracy and every device's {}",
                                  benchmark.path(), rows.size(), o->metric));
  }
  auto column = [&](std::size_t d) {
    std::vector<double> values;
    for (std::size_t row : rows) values.push_back(latency[d]->At(row));
    return values;
  };
  std::string header = fmt::format("{:<14}", "");
  for (const auto& device : devices) header += fmt::format(" {:>12}", device);
  fmt::print("# Spearman rank correlation of {} over the {} cells every device timed\n{}\n",
             o->metric, rows.size(), header);
  for (std::size_t a = 0; a < devices.size(); ++a) {
    std::string line = fmt::format("{:<14}", devices[a]);
    for (std::size_t b = 0; b < devices.size(); ++b) {
      line += fmt::format(" {:>12.3f}", Spearman(column(a), column(b)));
    }
    fmt::print("{}\n", line);
  }
  // Per device: the oriented points (accuracy, -latency) of every cell, and its exact front.
  std::vector<ObjectivePoints> points(devices.size());
  std::vector<std::vector<std::size_t>> fronts;
  for (std::size_t d = 0; d < devices.size(); ++d) {
    for (std::size_t row : rows) {
      points[d].push_back({accuracy_table->At(row, accuracy_column), -latency[d]->At(row)});
    }
    fronts.push_back(NonDominated(points[d]));
  }
  fmt::print(
      "\n# The front exact for device A (rows) scored on device B (columns): the hypervolume of "
      "its cells' ({}, {} on B) over B's own front; reference: accuracy {:g} and B's largest {} on "
      "its front\n{}\n",
      o->accuracy, o->metric, o->floor, o->metric, header);
  for (std::size_t a = 0; a < devices.size(); ++a) {
    std::string line = fmt::format("{:<14}", devices[a]);
    for (std::size_t b = 0; b < devices.size(); ++b) {
      std::vector<double> reference = {o->floor, INFINITY};
      for (std::size_t i : fronts[b]) reference[1] = std::min(reference[1], points[b][i][1]);
      ObjectivePoints own, transferred;
      for (std::size_t i : fronts[b]) own.push_back(points[b][i]);
      for (std::size_t i : fronts[a]) transferred.push_back(points[b][i]);
      const double volume = Hypervolume(own, reference);
      line += volume > 0 ? fmt::format(" {:>12.3f}", Hypervolume(transferred, reference) / volume)
                         : fmt::format(" {:>12}", "undefined");
    }
    fmt::print("{}\n", line);
  }
  return 0;
}

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
    for (const auto& file : WriteFigure(plot, o->figure))
      fmt::print(stderr, "naskit: wrote {}\n", file);
  }
  return 0;
}

}  // namespace naskit::cli
