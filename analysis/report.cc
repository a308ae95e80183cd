// Aggregation, tables and figures of a suite's results; see report.h.
#include "analysis/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/predictor_report.h"
#include "analysis/supernet_report.h"
#include "analysis/svg_plot.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/job_runner.h"
#include "records/predictor_result.h"
#include "records/run_result.h"
#include "records/statistics.h"
#include "records/suite_manifest.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

using RunRecord = RunResult;

using Stats = Summary;

std::string BudgetLabel(double budget, const std::string& unit) {
  return fmt::format("{} {}", budget, unit);
}

// The value of a per-query `curve` of one run after `x` queries (or simulated seconds); NaN
// before its first query.
double CurveAt(const RunRecord& r, const std::vector<double>& curve, double x) {
  if (curve.empty()) return NAN;
  if (r.budget_unit != "queries") {
    const auto it = std::upper_bound(r.seconds.begin(), r.seconds.end(), x);
    if (it == r.seconds.begin()) return NAN;
    return curve[static_cast<std::size_t>(it - r.seconds.begin()) - 1];
  }
  const auto q = static_cast<std::size_t>(x);
  if (q == 0) return NAN;
  return curve[std::min(q, curve.size()) - 1];
}

// The incumbent's report value on report dataset `d` after `x` queries (or seconds).
double ValueAt(const RunRecord& r, std::size_t d, double x) { return CurveAt(r, r.curve[d], x); }

std::vector<double> Grid(double budget, const std::string& unit) {
  std::vector<double> x;
  if (unit == "queries") {
    const auto b = static_cast<std::size_t>(budget);
    const std::size_t stride = std::max<std::size_t>(1, b / 300);
    for (std::size_t q = 1; q <= b; q += stride) x.push_back(static_cast<double>(q));
    if (x.back() != budget) x.push_back(budget);
  } else {
    for (int i = 1; i <= 100; ++i) x.push_back(budget * i / 100.0);
  }
  return x;
}

// Mean wall-clock seconds per run, and of the strategies' named parts (a guided strategy's fits
// and acquisitions): what a run costs, not hidden behind simulated time. Empty when no run of the
// group recorded timings.
std::string TimingTable(const std::map<std::string, std::vector<const RunResult*>>& runs,
                        const std::vector<std::string>& labels) {
  std::set<std::string> parts;
  bool any = false;
  for (const auto& label : labels) {
    for (const auto* r : runs.at(label)) {
      any = any || !std::isnan(r->wall_seconds);
      for (const auto& [part, seconds] : r->part_seconds) parts.insert(part);
    }
  }
  if (!any) return "";
  std::string md = "\nWall-clock seconds per run (mean over runs):\n\n| strategy | run |";
  for (const auto& part : parts) md += " " + part + " |";
  md += "\n|---|---|";
  for (std::size_t i = 0; i < parts.size(); ++i) md += "---|";
  md += "\n";
  auto mean = [](const std::vector<double>& values) {
    return values.empty() ? NAN : Summarise(values).mean;
  };
  for (const auto& label : labels) {
    std::vector<double> wall;
    std::map<std::string, std::vector<double>> part_values;
    for (const auto* r : runs.at(label)) {
      if (!std::isnan(r->wall_seconds)) wall.push_back(r->wall_seconds);
      for (const auto& [part, seconds] : r->part_seconds) part_values[part].push_back(seconds);
    }
    md += fmt::format("| {} | {:.3g} |", label, mean(wall));
    for (const auto& part : parts) {
      md += part_values.contains(part) ? fmt::format(" {:.3g} |", mean(part_values[part])) : " |";
    }
    md += "\n";
  }
  return md;
}

// The x axis of a figure over the budget: a real-training search's seconds were measured, a
// benchmark's are simulated.
std::string BudgetAxis(const std::string& unit, const RunRecord& run) {
  if (unit == "queries") return "queries";
  if (unit == "epochs") return "epochs trained";
  return run.benchmark.value("evaluator", "") == "training" ? "training seconds (measured)"
                                                            : "simulated training seconds";
}

// A mean at a checkpoint: "–" where no run has a value yet (before its first incumbent), and
// "(n of N)" beside a mean over the runs that have one; values missing are never averaged in.
std::string MeanCell(const Summary& s, std::size_t runs) {
  if (s.n == 0) return "–";
  return s.n < runs ? fmt::format("{:.2f} ({} of {})", s.mean, s.n, runs)
                    : fmt::format("{:.2f}", s.mean);
}

// "mean ± std [95% CI]" of final values; "–" where no run has one, the mean alone for one run.
std::string MeanStdCell(const Stats& s) {
  if (s.n == 0) return "–";
  if (s.n == 1) return fmt::format("{:.2f} (one run)", s.mean);
  return fmt::format("{:.2f} ± {:.2f} [{:.2f}, {:.2f}]", s.mean, s.std, s.low, s.high);
}

// The rest of a table's header after "| strategy |": one column per checkpoint.
std::string CheckpointColumns(const std::vector<double>& checkpoints) {
  std::string md;
  for (double c : checkpoints) md += fmt::format(" {:g} |", c);
  md += "\n|---|";
  for (std::size_t i = 0; i < checkpoints.size(); ++i) md += "---|";
  return md + "\n";
}

std::vector<double> Checkpoints(double budget, const std::string& unit) {
  std::vector<double> points;
  if (unit == "queries") {
    for (double q : {10.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 500.0, 1000.0}) {
      if (q < budget) points.push_back(q);
    }
    points.push_back(budget);
  } else {
    for (double f : {0.1, 0.25, 0.5, 0.75, 1.0}) points.push_back(budget * f);
  }
  return points;
}

}  // namespace

std::string Slug(const std::string& text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  return out;
}

namespace {

// The order of strategies and experiments: as the suite lists them, else as first seen.
struct SuiteOrder {
  std::string suite_name;
  std::vector<std::string> labels, experiments;
};

SuiteOrder ReadSuiteOrder(const std::string& results_dir, const std::vector<RunRecord>& records) {
  SuiteOrder order;
  order.suite_name = fs::path(results_dir).filename().string();
  if (const auto manifest = ReadSuiteManifest(results_dir)) {
    if (!manifest->name.empty()) order.suite_name = manifest->name;
    order.labels = manifest->labels;
    order.experiments = manifest->experiments;
  }
  // One folder, one suite: results of another suite would be averaged in silently.
  for (const auto& r : records) {
    if (r.suite != records.front().suite) {
      throw DataError(r.path + ": a run of suite " + Quote(r.suite) + ", but " +
                      records.front().path + " is of suite " + Quote(records.front().suite) +
                      " (a results folder holds one suite)");
    }
  }
  for (const auto& r : records) {
    if (std::find(order.labels.begin(), order.labels.end(), r.label) == order.labels.end())
      order.labels.push_back(r.label);
    if (std::find(order.experiments.begin(), order.experiments.end(), r.experiment) ==
        order.experiments.end()) {
      order.experiments.push_back(r.experiment);
    }
  }
  return order;
}

// The runs a results folder's suite plans (core/job_runner.h's planned.txt), by the run key
// without its seed ("<experiment>/<dataset>/<label>/<budget>"); empty for a folder that has no
// list (written before naskit recorded it).
std::map<std::string, std::size_t> PlannedRuns(const std::string& results_dir) {
  std::map<std::string, std::size_t> planned;
  const std::string path = results_dir + "/" + kPlannedJobsFile;
  if (!fs::exists(path)) return planned;
  std::istringstream lines(ReadFileContents(path));
  for (std::string key; std::getline(lines, key);) {
    if (!key.empty()) ++planned[key.substr(0, key.rfind("/seed-"))];
  }
  return planned;
}

std::string WithoutSeed(const RunRecord& r) { return r.run.substr(0, r.run.rfind("/seed-")); }

// The runs averaged together: one experiment, search dataset and budget; by strategy.
struct Group {
  std::string experiment, dataset, unit, report_metric;
  double budget;
  int report_epochs;
  std::vector<std::string> report_datasets;
  std::map<std::string, std::vector<const RunRecord*>> runs;

  // The report metric as a reader says it: "test_accuracy at 200 epochs", "latency_ms" (a value
  // with no training length, such as a device's latency).
  std::string Metric() const {
    return report_epochs > 0 ? fmt::format("{} at {} epochs", report_metric, report_epochs)
                             : report_metric;
  }
  // Regret is measured against the best report value in the benchmark, which each result records.
  double Optimum(std::size_t d) const { return runs.begin()->second.front()->best[d]; }
  // Regret is best - value when maximising, value - best when minimising.
  double Sign() const { return runs.begin()->second.front()->minimize ? -1.0 : 1.0; }
};

// Groups in the suite's experiment order, then by budget; throws DataError for runs of one group
// that report different things.
std::vector<Group> GroupRuns(const std::vector<RunRecord>& records,
                             const std::vector<std::string>& experiment_order) {
  std::vector<Group> groups;
  for (const auto& r : records) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.experiment == r.experiment && g.dataset == r.dataset && g.budget == r.budget &&
             g.unit == r.budget_unit;
    });
    if (it == groups.end()) {
      groups.push_back({r.experiment,
                        r.dataset,
                        r.budget_unit,
                        r.report_metric,
                        r.budget,
                        r.report_epochs,
                        r.report_datasets,
                        {}});
      it = groups.end() - 1;
    }
    // Runs averaged together must report the same thing.
    if (!it->runs.empty()) {
      const RunRecord& first = *it->runs.begin()->second.front();
      if (r.report_datasets != first.report_datasets || r.report_metric != first.report_metric ||
          r.report_epochs != first.report_epochs || r.minimize != first.minimize ||
          !std::equal(r.best.begin(), r.best.end(), first.best.begin(), first.best.end(),
                      [](double a, double b) {
                        return a == b || (std::isnan(a) && std::isnan(b));  // NaN: unknown
                      })) {
        throw DataError(r.path + ": reports " + r.report_metric +
                        " on other datasets, epochs, direction or optimum than " + first.path +
                        " of the same experiment");
      }
    }
    it->runs[r.label].push_back(&r);
  }
  auto position = [&](const std::string& experiment) {
    return std::find(experiment_order.begin(), experiment_order.end(), experiment) -
           experiment_order.begin();
  };
  std::stable_sort(groups.begin(), groups.end(), [&](const Group& a, const Group& b) {
    return std::make_pair(position(a.experiment), a.budget) <
           std::make_pair(position(b.experiment), b.budget);
  });
  return groups;
}

// The report of a search suite, built group by group: summary.md, the CSVs and the figures.
class SearchReport {
 public:
  SearchReport(std::string out_dir, std::map<std::string, std::size_t> planned)
      : out_dir_(std::move(out_dir)), planned_(std::move(planned)) {}

  // The final values of every strategy of `g` on each report dataset, their timings, and their
  // ranks (for the rank table).
  void FinalValues(const Group& g, const std::vector<std::string>& labels) {
    md += fmt::format("\n## {} · search on {} · budget {}\n\n", g.experiment, g.dataset,
                      BudgetLabel(g.budget, g.unit));
    if (const auto& first = *g.runs.begin()->second.front(); !first.Surrogate().empty()) {
      md += "**Surrogate:** " + first.Surrogate() + ".\n\n";
    }
    md += fmt::format("Final {}:\n\n| strategy | n |", g.Metric());
    for (const auto& d : g.report_datasets) md += " " + d + " |";
    md += "\n|---|---|";
    for (std::size_t i = 0; i < g.report_datasets.size(); ++i) md += "---|";
    md += "\n";
    std::vector<std::vector<double>> means(g.report_datasets.size());
    bool some_without = false;
    for (const auto& label : labels) {
      const auto& runs = g.runs.at(label);
      // A run without an incumbent (nothing feasible, or nothing at the signal's fidelity) has no
      // final value: it is counted here, never averaged in.
      std::size_t without = 0;
      for (const auto* r : runs) without += !r->incumbent.has_value();
      some_without |= without > 0;
      md += without ? fmt::format("| {} | {} of {} |", label, runs.size() - without, runs.size())
                    : fmt::format("| {} | {} |", label, runs.size());
      for (std::size_t d = 0; d < g.report_datasets.size(); ++d) {
        std::vector<double> finals;
        for (const auto* r : runs) finals.push_back(r->FinalReport(d));
        const Stats s = Summarise(finals);
        const double best = g.Optimum(d);
        means[d].push_back(s.mean);
        md += " " + MeanStdCell(s) + " |";
        summary_csv_ +=
            fmt::format("{},{},{},{},{},{},{},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}\n",
                        g.experiment, g.dataset, g.budget, g.unit, label, g.report_datasets[d],
                        g.report_metric, g.report_epochs, s.n, s.mean, s.std, s.mean - s.half_width,
                        s.mean + s.half_width, best, g.Sign() * (best - s.mean));
      }
      md += "\n";
    }
    std::string missing;
    for (const auto& label : labels) {
      const auto& runs = g.runs.at(label);
      const auto it = planned_.find(WithoutSeed(*runs.front()));
      if (it != planned_.end() && it->second > runs.size()) {
        missing += fmt::format("{}{}: {} of {} planned", missing.empty() ? "" : "; ", label,
                               runs.size(), it->second);
      }
    }
    if (!missing.empty()) {
      md += "\n**Runs missing** (the values above average the runs present): " + missing + ".\n";
    }
    if (some_without) {
      md +=
          "\n\"n of N\": N runs, n of them with an incumbent; the others evaluated no feasible "
          "cell at the signal's fidelity, so they have no final value and are not averaged.\n";
    }
    md += TimingTable(g.runs, labels);
    // Ranks within this group, per report dataset (1 = best mean by the objective's direction;
    // ties share the average rank).
    for (std::size_t d = 0; d < g.report_datasets.size(); ++d) {
      for (std::size_t i = 0; i < labels.size(); ++i) {
        double better = 0, equal = 0;
        for (std::size_t k = 0; k < labels.size(); ++k) {
          better += g.Sign() * means[d][k] > g.Sign() * means[d][i];
          equal += k != i && means[d][k] == means[d][i];
        }
        ranks_[fmt::format("{} · budget {}", g.experiment, BudgetLabel(g.budget, g.unit))]
              [labels[i]]
                  .push_back(1 + better + equal / 2);
      }
    }
  }

  // Regret at checkpoints on report dataset `d`. Where the optimum is unknown (a surrogate
  // answering for a whole space), the incumbent's value itself.
  void RegretTable(const Group& g, std::size_t d, const std::vector<std::string>& labels) {
    const auto checkpoints = Checkpoints(g.budget, g.unit);
    const double best = g.Optimum(d);
    const bool known = !std::isnan(best);
    if (known) {
      md +=
          fmt::format("\nRegret on {} ({}) after {}:\n\n| strategy |", g.report_datasets[d],
                      g.Sign() > 0 ? fmt::format("best in benchmark {:.2f} minus incumbent", best)
                                   : fmt::format("incumbent minus best in benchmark {:.2f}", best),
                      g.unit);
    } else {
      md += fmt::format(
          "\nIncumbent's {} on {} after {} (the optimum of the space is not known, so no "
          "regret):\n\n| strategy |",
          g.report_metric, g.report_datasets[d], g.unit);
    }
    md += CheckpointColumns(checkpoints);
    for (const auto& label : labels) {
      md += "| " + label + " |";
      for (double c : checkpoints) {
        std::vector<double> values;
        for (const auto* r : g.runs.at(label)) values.push_back(Shown(g, d, ValueAt(*r, d, c)));
        const Stats s = Summarise(values);
        md += " " + MeanCell(s, values.size()) + " |";
        if (!known) continue;
        regret_csv_ +=
            fmt::format("{},{},{},{},{},{},{:g},{},{:.6g},{:.6g},{:.6g},{:.6g}\n", g.experiment,
                        g.dataset, g.budget, g.unit, label, g.report_datasets[d], c, s.n, s.mean,
                        s.std, s.mean - s.half_width, s.mean + s.half_width);
      }
      md += "\n";
    }
  }

  // Runs whose evaluator is not the benchmark (real trainings, a supernet): the incumbent's
  // signal at checkpoints, beside its report value in RegretTable; nothing for tabular runs.
  void SignalTable(const Group& g, const std::vector<std::string>& labels) {
    for (const auto& label : labels) {
      for (const auto* r : g.runs.at(label)) {
        if (r->incumbent_signals.empty()) return;
      }
    }
    const auto checkpoints = Checkpoints(g.budget, g.unit);
    const std::string metric = g.runs.begin()->second.front()->signal.value("metric", "signal");
    md += fmt::format(
        "\nIncumbent's {} (the search signal, as its evaluation measured it) after "
        "{}:\n\n| strategy |",
        metric, g.unit);
    md += CheckpointColumns(checkpoints);
    for (const auto& label : labels) {
      md += "| " + label + " |";
      for (double c : checkpoints) {
        std::vector<double> values;
        for (const auto* r : g.runs.at(label)) {
          values.push_back(CurveAt(*r, r->incumbent_signals, c));
        }
        md += " " + MeanCell(Summarise(values), values.size()) + " |";
      }
      md += "\n";
    }
  }

  // Runs whose signal came from another evaluator than the benchmark (a supernet): how the signal
  // ranked the architectures each run evaluated against the benchmark's report value.
  void RankingTable(const Group& g, const std::vector<std::string>& labels) {
    for (const auto& label : labels) {
      for (const auto* r : g.runs.at(label)) {
        if (r->signal_ranking.is_null()) return;
      }
    }
    // One architecture per run (a one-shot method's derived cell) ranks nothing.
    const bool ranked = std::any_of(g.runs.begin(), g.runs.end(), [](const auto& by_label) {
      return std::any_of(by_label.second.begin(), by_label.second.end(), [](const RunRecord* r) {
        return r->signal_ranking.at("archs").template get<double>() >= 2;
      });
    });
    if (!ranked) return;
    md += fmt::format(
        "\nHow the search signal ranked the architectures each run evaluated, against the "
        "benchmark's {} on {} (mean over runs):\n\n"
        "| strategy | architectures | Kendall's tau | top-10 % precision |\n|---|---|---|---|\n",
        g.Metric(), g.report_datasets.front());
    for (const auto& label : labels) {
      std::vector<double> archs, tau, precision;
      for (const auto* r : g.runs.at(label)) {
        archs.push_back(r->signal_ranking.at("archs").get<double>());
        tau.push_back(r->ranking_tau);
        precision.push_back(r->ranking_precision);
      }
      md += fmt::format("| {} | {} | {} | {} |\n", label, MeanCell(Summarise(archs), archs.size()),
                        MeanCell(Summarise(tau, -1, 1), tau.size()),
                        MeanCell(Summarise(precision, 0, 1), precision.size()));
    }
  }

  // Strategy `label`'s mean regret (or value, where the optimum is unknown) of report target `d`
  // over the budget, with its 95% CI; recorded in curves.csv when `record`.
  PlotSeries Curve(const Group& g, std::size_t d, const std::string& label, bool record) {
    const double best = g.Optimum(d);
    PlotSeries series{label, {}, {}, {}, {}};
    for (double x : Grid(g.budget, g.unit)) {
      std::vector<double> values;
      for (const auto* r : g.runs.at(label)) values.push_back(ValueAt(*r, d, x));
      const Stats s = Summarise(values);
      series.x.push_back(x);
      series.mean.push_back(Shown(g, d, s.mean));
      series.low.push_back(Shown(g, d, s.mean) - s.half_width);
      series.high.push_back(Shown(g, d, s.mean) + s.half_width);
      if (!record) continue;
      curves_csv_ +=
          fmt::format("{},{},{},{},{},{},{:g},{},{:.6g},{:.6g},{:.6g},{:.6g}\n", g.experiment,
                      g.dataset, g.budget, g.unit, label, g.report_datasets[d], x, s.n, s.mean,
                      s.mean - s.half_width, s.mean + s.half_width, g.Sign() * (best - s.mean));
    }
    return series;
  }

  // The figure: mean regret of the incumbent with its 95% CI, one line per strategy, log scale
  // (or the incumbent's mean value where the optimum is unknown).
  void Figure(const Group& g, std::size_t d, const std::vector<std::string>& labels) {
    const double best = g.Optimum(d);
    const bool known = !std::isnan(best);
    PlotSpec plot;
    plot.title = fmt::format("{}: search on {}, {} on {}", g.experiment, g.dataset,
                             known ? "regret" : "incumbent", g.report_datasets[d]);
    plot.x_label = BudgetAxis(g.unit, *g.runs.begin()->second.front());
    plot.y_label = known ? fmt::format("regret of {} (best {:.2f})", g.Metric(), best) : g.Metric();
    plot.log_y = known;
    for (const auto& label : labels) plot.series.push_back(Curve(g, d, label, true));
    const std::string plot_path = fmt::format(
        "{}/plots/{}__{}__{}__{}.svg", out_dir_, Slug(g.experiment), Slug(g.dataset),
        Slug(fmt::format("{}{}", g.budget, g.unit.front())), Slug(g.report_datasets[d]));
    for (const auto& written : WriteFigure(plot, plot_path)) out_.paths.push_back(written);
    md += fmt::format("\n![{}]({})\n", plot.title, fs::relative(plot_path, out_dir_).string());
  }

  // One figure per search dataset, budget and report target that several experiments share (warm
  // against cold start, one protocol against another): every strategy of each, a colour per
  // strategy and a line style per experiment.
  void OverlayFigures(const std::vector<Group>& groups, const std::vector<std::string>& order) {
    std::map<std::string, std::vector<std::pair<const Group*, std::size_t>>> shared;
    for (const auto& g : groups) {
      for (std::size_t d = 0; d < g.report_datasets.size(); ++d) {
        shared[fmt::format("{}|{}|{}|{}|{}", g.dataset, g.budget, g.unit, g.Metric(),
                           g.report_datasets[d])]
            .emplace_back(&g, d);
      }
    }
    for (const auto& [key, members] : shared) {
      if (members.size() < 2) continue;
      const auto& [first, first_d] = members.front();
      const double best = first->Optimum(first_d);
      const bool known =
          !std::isnan(best) && std::all_of(members.begin(), members.end(), [&](const auto& m) {
            return m.first->Optimum(m.second) == best;
          });
      PlotSpec plot;
      plot.title = fmt::format("experiments compared: search on {}, {} on {}", first->dataset,
                               known ? "regret" : "incumbent", first->report_datasets[first_d]);
      plot.x_label = BudgetAxis(first->unit, *first->runs.begin()->second.front());
      plot.y_label = known ? fmt::format("regret of {} (best {:.2f})", first->Metric(), best)
                           : first->Metric();
      plot.log_y = known;
      std::string experiments;
      for (std::size_t e = 0; e < members.size(); ++e) {
        const auto& [g, d] = members[e];
        experiments += (e ? ", " : "") + g->experiment;
        for (std::size_t k = 0; k < order.size(); ++k) {
          if (!g->runs.contains(order[k])) continue;
          PlotSeries series = Curve(*g, d, order[k], false);
          series.name = order[k] + " · " + g->experiment;
          series.colour = static_cast<int>(k);
          series.style = static_cast<int>(e);
          series.low.clear();  // bands of every strategy of every experiment hide the lines
          series.high.clear();
          plot.series.push_back(std::move(series));
        }
      }
      const std::string plot_path =
          fmt::format("{}/plots/overlay__{}__{}__{}.svg", out_dir_, Slug(first->dataset),
                      Slug(fmt::format("{}{}", first->budget, first->unit.front())),
                      Slug(first->report_datasets[first_d]));
      for (const auto& written : WriteFigure(plot, plot_path)) out_.paths.push_back(written);
      md += fmt::format(
          "\n## Experiments compared · search on {} · budget {:g} {}\n\n{} (means; "
          "each experiment's own section gives the confidence intervals).\n\n"
          "![{}]({})\n",
          first->dataset, first->budget, first->unit, experiments, plot.title,
          fs::relative(plot_path, out_dir_).string());
    }
  }

  // A multi-objective group: the hypervolume ratios of the search front and the reported front at
  // checkpoints (mean and 95% CI over seeds), the reported ratio's ceiling, and their curves.
  void HypervolumeTable(const Group& g, const std::vector<std::string>& labels) {
    const RunRecord& first = *g.runs.begin()->second.front();
    const auto checkpoints = Checkpoints(g.budget, g.unit);
    md += fmt::format(
        "\nHypervolume ratio, found front over true front, after {} (mean [95% CI]); search: the "
        "values the strategy saw, reference {}; reported: the report values of the points those "
        "left non-dominated, reference {}; evaluating every architecture would reach a reported "
        "ratio of {:.3f}:\n\n| strategy | front |",
        g.unit, first.hypervolume.value("search_reference", RunRecord::Json()).dump(),
        first.hypervolume.value("report_reference", RunRecord::Json()).dump(),
        first.report_hv_ceiling);
    for (double c : checkpoints) md += fmt::format(" {:g} |", c);
    md += "\n|---|---|";
    for (std::size_t i = 0; i < checkpoints.size(); ++i) md += "---|";
    md += "\n";
    PlotSpec plot;
    plot.title = fmt::format("{}: search on {}, hypervolume ratio", g.experiment, g.dataset);
    plot.x_label = BudgetAxis(g.unit, *g.runs.begin()->second.front());
    plot.y_label =
        fmt::format("reported hypervolume ratio (ceiling {:.3f})", first.report_hv_ceiling);
    for (const auto& label : labels) {
      for (const bool search : {true, false}) {
        const char* front = search ? "search" : "reported";
        md += fmt::format("| {} | {} |", label, front);
        for (double c : checkpoints) {
          const Stats s = RatioAt(g, label, search, c);
          md += fmt::format(" {:.3f} [{:.3f}, {:.3f}] |", s.mean, s.low, s.high);
          hypervolume_csv_ +=
              fmt::format("{},{},{},{},{},{},{:g},{},{},{:.6g},{:.6g},{:.6g},{:.6g}\n",
                          g.experiment, g.dataset, g.budget, g.unit, label, front, c, s.n,
                          s.undefined, s.mean, s.low, s.high, first.report_hv_ceiling);
        }
        md += "\n";
      }
      PlotSeries series{label, {}, {}, {}, {}};
      for (double x : Grid(g.budget, g.unit)) {
        const Stats s = RatioAt(g, label, false, x);
        series.x.push_back(x);
        series.mean.push_back(s.mean);
        series.low.push_back(s.low);
        series.high.push_back(s.high);
      }
      plot.series.push_back(std::move(series));
    }
    WritePlot(plot, g, "hypervolume");
    if (!first.objectives.empty() && first.objectives.front().size() == 2 &&
        !first.true_search_front.empty() && first.true_search_front.front().size() == 2) {
      FrontFigure(g, labels);
    }
  }

  // The fronts of two objectives that each strategy's run of the lowest seed saw (its archive),
  // over the true front of those values that the results record.
  void FrontFigure(const Group& g, const std::vector<std::string>& labels) {
    const RunRecord& first = *g.runs.begin()->second.front();
    PlotSpec plot;
    plot.title = fmt::format("{}: search on {}, fronts found (lowest seed) and the true front",
                             g.experiment, g.dataset);
    // Only what counts towards the hypervolume: the first objective beyond the reference point
    // (NB201's all-none cell at 10 % would squeeze the rest into a corner).
    const double floor = first.search_hv_reference.empty() ? NAN : first.search_hv_reference[0];
    auto counts = [&](double x) {
      return std::isnan(floor) || (first.minimize ? x <= floor : x >= floor);
    };
    // Kept as written, unchecked: read defensively.
    auto text = [](const RunRecord::Json& j, const std::string& fallback) {
      return j.is_string() ? j.get<std::string>() : j.is_number() ? j.dump() : fallback;
    };
    const auto& signal = first.signal;
    plot.x_label = fmt::format("{} on {} at {} epochs",
                               text(signal.value("metric", RunRecord::Json()), "signal"),
                               text(signal.value("dataset", RunRecord::Json()), "?"),
                               text(signal.value("epochs", RunRecord::Json()), "?"));
    const auto& objectives = first.settings.value("objectives", RunRecord::Json());
    // "min latency_ms on pixel3" as an axis: "latency_ms on pixel3 (lower is better)".
    plot.y_label = "second objective";
    if (objectives.is_array() && !objectives.empty()) {
      const std::string objective = text(objectives[0], "");
      plot.y_label = objective.starts_with("min ")   ? objective.substr(4) + " (lower is better)"
                     : objective.starts_with("max ") ? objective.substr(4) + " (higher is better)"
                                                     : objective;
    }
    PlotSeries truth{"true front", {}, {}, {}, {}, false};
    for (const auto& point : first.true_search_front) {
      if (!counts(point[0])) continue;
      truth.x.push_back(point[0]);
      truth.mean.push_back(point[1]);
    }
    plot.series.push_back(std::move(truth));
    for (const auto& label : labels) {
      const RunRecord* run = *std::min_element(
          g.runs.at(label).begin(), g.runs.at(label).end(),
          [](const RunRecord* a, const RunRecord* b) { return a->seed < b->seed; });
      PlotSeries found{label, {}, {}, {}, {}, true};
      for (std::size_t q : run->pareto) {
        if (run->objectives.size() <= q || run->objectives[q].size() < 2) continue;
        if (!counts(run->objectives[q][0])) continue;
        found.x.push_back(run->objectives[q][0]);
        found.mean.push_back(run->objectives[q][1]);
      }
      plot.series.push_back(std::move(found));
    }
    WritePlot(plot, g, "fronts");
  }

  void WritePlot(const PlotSpec& plot, const Group& g, const std::string& name) {
    const std::string plot_path =
        fmt::format("{}/plots/{}__{}__{}__{}.svg", out_dir_, Slug(g.experiment), Slug(g.dataset),
                    Slug(fmt::format("{}{}", g.budget, g.unit.front())), name);
    for (const auto& written : WriteFigure(plot, plot_path)) out_.paths.push_back(written);
    md += fmt::format("\n![{}]({})\n", plot.title, fs::relative(plot_path, out_dir_).string());
  }

  void RankTable(const std::vector<std::string>& label_order) {
    md += "\n## Average rank of the final mean (1 = best) across datasets\n";
    for (const auto& [scope, by_label] : ranks_) {
      md += fmt::format("\n{}:\n\n| strategy | average rank | columns |\n|---|---|---|\n", scope);
      for (const auto& label : label_order) {
        if (!by_label.contains(label)) continue;
        const auto& r = by_label.at(label);
        double total = 0;
        for (double x : r) total += x;
        md += fmt::format("| {} | {:.2f} | {} |\n", label, total / static_cast<double>(r.size()),
                          r.size());
      }
    }
  }

  // Appends a section written elsewhere (supernet_report.h) and the files it wrote.
  void AddSection(const std::string& markdown, const std::vector<std::string>& paths) {
    md += markdown;
    out_.paths.insert(out_.paths.end(), paths.begin(), paths.end());
  }

  ReportFiles Write() {
    std::vector<std::pair<std::string, std::string>> files{{"summary.md", md},
                                                           {"summary.csv", summary_csv_},
                                                           {"regret.csv", regret_csv_},
                                                           {"curves.csv", curves_csv_}};
    if (hypervolume_csv_.find('\n') + 1 < hypervolume_csv_.size()) {
      files.emplace_back("hypervolume.csv", hypervolume_csv_);
    }
    for (const auto& [name, content] : files) {
      WriteFileAtomically(out_dir_ + "/" + name, content);
      out_.paths.push_back(out_dir_ + "/" + name);
    }
    out_.summary_markdown = md;
    out_.brief_markdown = brief;
    return out_;
  }

  std::string md;
  std::string brief;  // ReportFiles::brief_markdown

 private:
  // A value as the regret tables show it: its regret where the optimum is known, else itself.
  static double Shown(const Group& g, std::size_t d, double value) {
    const double best = g.Optimum(d);
    return std::isnan(best) ? value : g.Sign() * (best - value);
  }

  // The search (or reported) hypervolume ratio of `label`'s runs after `x`, over seeds; a ratio is
  // at least 0, and a reported one at most 1.
  static Stats RatioAt(const Group& g, const std::string& label, bool search, double x) {
    std::vector<double> values;
    for (const auto* r : g.runs.at(label)) {
      values.push_back(CurveAt(*r, search ? r->search_hv_ratio : r->report_hv_ratio, x));
    }
    return Summarise(values, 0, search ? INFINITY : 1);
  }

  std::string out_dir_;
  std::map<std::string, std::size_t> planned_;  // PlannedRuns
  std::string hypervolume_csv_ =
      "experiment,search_dataset,budget,budget_unit,strategy,front,checkpoint,n,undefined,"
      "ratio_mean,ratio_ci95_low,ratio_ci95_high,report_ceiling\n";
  std::string summary_csv_ =
      "experiment,search_dataset,budget,budget_unit,strategy,report_dataset,metric,epochs,n,mean,"
      "std,ci95_low,ci95_high,optimum,regret_mean\n";
  std::string regret_csv_ =
      "experiment,search_dataset,budget,budget_unit,strategy,report_dataset,checkpoint,n,regret_"
      "mean,regret_std,regret_ci95_low,regret_ci95_high\n";
  std::string curves_csv_ =
      "experiment,search_dataset,budget,budget_unit,strategy,report_dataset,x,n,mean,ci95_low,ci95_"
      "high,regret_mean\n";
  // (experiment, budget) → strategy → ranks over (search dataset × report dataset).
  std::map<std::string, std::map<std::string, std::vector<double>>> ranks_;
  ReportFiles out_;
};

}  // namespace

ReportFiles WriteReport(const std::string& results_dir, const std::string& out_dir) {
  if (!fs::is_directory(results_dir)) throw ConfigError(results_dir + ": results folder not found");
  const fs::path report_root = fs::weakly_canonical(out_dir);
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(results_dir);
       it != fs::recursive_directory_iterator(); ++it) {
    const auto& entry = *it;
    if (it.depth() == 0 && entry.is_directory() &&
        IsEvaluatorFolder(entry.path().filename().string())) {
      it.disable_recursion_pending();
    }
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    const auto canonical = fs::weakly_canonical(entry.path());
    if (canonical.string().starts_with(report_root.string() + "/")) continue;
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw ConfigError(results_dir + ": no run results found (expected the folder of `naskit run`)");
  if (const auto manifest = ReadSuiteManifest(results_dir); manifest && manifest->predictors) {
    return WritePredictorReport(*manifest, out_dir, files);
  }
  std::vector<RunRecord> records;
  for (const auto& f : files) records.push_back(ReadRunResult(f));
  const SuiteOrder order = ReadSuiteOrder(results_dir, records);
  const std::vector<Group> groups = GroupRuns(records, order.experiments);

  fs::create_directories(out_dir + "/plots");
  RemoveStaleTemporaries(out_dir);  // left by a report killed while writing
  std::map<std::string, std::size_t> planned = PlannedRuns(results_dir);
  std::size_t planned_total = 0;
  for (const auto& [key, count] : planned) planned_total += count;
  SearchReport report(out_dir, std::move(planned));
  report.md = fmt::format(
      "# naskit report: {}\n\n{} runs from `{}`. Values are the incumbent's report "
      "metric (the incumbent is chosen by the search signal only): mean ± std over "
      "seeds, [95% confidence interval], n runs.\n",
      order.suite_name,
      planned_total > 0 ? fmt::format("{} of {} planned", records.size(), planned_total)
                        : std::to_string(records.size()),
      results_dir);
  if (records.size() < planned_total) {
    report.md += fmt::format(
        "\n**{} of the {} planned runs are missing**: each table says whose; `naskit run` with "
        "the same suite and --out computes them.\n",
        planned_total - records.size(), planned_total);
  }
  report.brief = report.md;
  for (const auto& g : groups) {
    std::vector<std::string> labels;
    for (const auto& l : order.labels) {
      if (g.runs.contains(l)) labels.push_back(l);
    }
    const std::size_t before = report.md.size();
    report.FinalValues(g, labels);
    report.brief += report.md.substr(before);
    if (std::all_of(g.runs.begin(), g.runs.end(), [](const auto& by_label) {
          return std::all_of(by_label.second.begin(), by_label.second.end(),
                             [](const RunRecord* r) { return !r->search_hv_ratio.empty(); });
        })) {
      report.HypervolumeTable(g, labels);
    }
    report.SignalTable(g, labels);
    report.RankingTable(g, labels);
    for (std::size_t d = 0; d < g.report_datasets.size(); ++d) {
      report.RegretTable(g, d, labels);
      report.Figure(g, d, labels);
    }
  }
  report.OverlayFigures(groups, order.labels);
  report.RankTable(order.labels);
  std::vector<std::string> supernet_files;
  const std::string supernets = SupernetSection(results_dir, out_dir, supernet_files);
  report.AddSection(supernets, supernet_files);
  return report.Write();
}

}  // namespace naskit
