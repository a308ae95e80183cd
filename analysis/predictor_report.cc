// The report of a predictor suite; see predictor_report.h.
#include "analysis/predictor_report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/svg_plot.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "records/predictor_result.h"
#include "records/statistics.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

// mean [95% CI], and how many trials had no value (a constant prediction): their mean is over
// fewer.
std::string Cell(const Summary& s) {
  const std::string undefined =
      s.undefined ? fmt::format(" ({} of {} undefined)", s.undefined, s.n + s.undefined) : "";
  if (s.n == 0) return "undefined" + undefined;
  return fmt::format("{:.3f} [{:.3f}, {:.3f}]{}", s.mean, s.low, s.high, undefined);
}

// A mean alone, with how many trials had no value.
std::string MeanOf(const Summary& s) {
  const std::string undefined = s.undefined ? fmt::format(" ({} undefined)", s.undefined) : "";
  if (s.n == 0) return "undefined" + undefined;
  return fmt::format("{:.3g}{}", s.mean, undefined);
}

}  // namespace

ReportFiles WritePredictorReport(const SuiteManifest& manifest, const std::string& out_dir,
                                 const std::vector<std::string>& files) {
  std::vector<PredictorRecord> records;
  for (const auto& f : files) records.push_back(ReadPredictorResult(f));
  for (const auto& r : records) {
    if (r.suite != records.front().suite) {
      throw DataError(r.path + ": a run of suite " + Quote(r.suite) + ", but " +
                      records.front().path + " is of suite " + Quote(records.front().suite) +
                      " (a results folder holds one suite)");
    }
  }
  // Predictor and experiment order: as the suite lists them.
  std::vector<std::string> labels = manifest.labels, experiments = manifest.experiments;
  for (const auto& r : records) {
    if (std::find(labels.begin(), labels.end(), r.label) == labels.end()) labels.push_back(r.label);
    if (std::find(experiments.begin(), experiments.end(), r.experiment) == experiments.end())
      experiments.push_back(r.experiment);
  }

  // experiment → dataset → label → train size → runs
  using BySize = std::map<std::size_t, std::vector<const PredictorRecord*>>;
  std::map<std::string, std::map<std::string, std::map<std::string, BySize>>> groups;
  std::map<std::string, std::vector<std::string>> dataset_order;
  for (const auto& r : records) {
    auto& datasets = dataset_order[r.experiment];
    if (std::find(datasets.begin(), datasets.end(), r.dataset) == datasets.end())
      datasets.push_back(r.dataset);
    groups[r.experiment][r.dataset][r.label][r.train_size].push_back(&r);
  }

  fs::create_directories(out_dir + "/plots");
  RemoveStaleTemporaries(out_dir);
  ReportFiles out;
  std::string md = fmt::format(
      "# naskit predictor report: {}\n\n{} runs from `{}`. Kendall's tau between predicted and "
      "measured values on the test architectures: mean [95% confidence interval] over trials.\n",
      records.front().suite, records.size(),
      std::filesystem::path(manifest.path).parent_path().string());
  std::string csv =
      "experiment,dataset,predictor,train_size,test,test_size,pool,n,undefined,kendall_tau_mean,"
      "kendall_tau_ci95_low,kendall_tau_ci95_high,spearman_mean,pearson_mean,precision_at_10_mean,"
      "rmse_mean,rmse_top_10_mean,fit_seconds_mean,predict_seconds_per_arch_mean\n";
  for (const auto& experiment : experiments) {
    if (!groups.contains(experiment)) continue;
    for (const auto& dataset : dataset_order[experiment]) {
      const auto& by_label = groups[experiment][dataset];
      std::vector<std::size_t> sizes;
      const PredictorRecord* any = nullptr;
      for (const auto& [label, by_size] : by_label) {
        for (const auto& [n, runs] : by_size) {
          if (std::find(sizes.begin(), sizes.end(), n) == sizes.end()) sizes.push_back(n);
          any = runs.front();
        }
      }
      std::sort(sizes.begin(), sizes.end());
      md += fmt::format(
          "\n## {} · {}\n\nTest set: {} (pool of {} architectures).\n\n", experiment, dataset,
          any->test == "rest" ? "every other architecture of the pool"
                              : fmt::format("{} architectures per trial", any->test_size),
          any->pool);
      md += "| predictor |";
      for (std::size_t n : sizes) md += fmt::format(" n = {} |", n);
      md += "\n|---|";
      for (std::size_t i = 0; i < sizes.size(); ++i) md += "---|";
      md += "\n";
      std::string details =
          "\n| predictor | n | trials | Spearman | Pearson | precision@10% | RMSE | RMSE, best "
          "10% | fit s | predict µs/arch |\n|---|---|---|---|---|---|---|---|---|---|\n";
      PlotSpec plot;
      plot.title = fmt::format("{}: {}, Kendall tau on the test set", experiment, dataset);
      plot.x_label = "train size";
      plot.y_label = "Kendall tau";
      plot.log_x = true;
      for (const auto& label : labels) {
        if (!by_label.contains(label)) continue;
        md += "| " + label + " |";
        PlotSeries series{label, {}, {}, {}, {}};
        for (std::size_t n : sizes) {
          const auto it = by_label.at(label).find(n);
          if (it == by_label.at(label).end()) {
            md += " – |";
            continue;
          }
          std::vector<double> tau, spearman, pearson, precision, rmse, rmse_top, fit, predict;
          for (const auto* r : it->second) {
            tau.push_back(r->kendall_tau);
            spearman.push_back(r->spearman);
            pearson.push_back(r->pearson);
            precision.push_back(r->precision_at_10);
            rmse.push_back(r->rmse);
            rmse_top.push_back(r->rmse_top_10);
            fit.push_back(r->fit_seconds);
            predict.push_back(r->predict_seconds_per_arch);
          }
          const Summary t = Summarise(tau, -1, 1), fit_s = Summarise(fit),
                        predict_s = Summarise(predict);
          const Summary sp = Summarise(spearman, -1, 1), pe = Summarise(pearson, -1, 1),
                        pr = Summarise(precision, 0, 1), er = Summarise(rmse, 0),
                        et = Summarise(rmse_top, 0);
          md += " " + Cell(t) + " |";
          details += fmt::format(
              "| {} | {} | {} | {:.3f} | {:.3f} | {:.3f} | {} | {} | {:.3g} | {:.3g} |\n", label, n,
              it->second.size(), sp.mean, pe.mean, pr.mean, MeanOf(er), MeanOf(et), fit_s.mean,
              predict_s.mean * 1e6);
          csv += fmt::format(
              "{},{},{},{},{},{},{},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},"
              "{:.6g},{:.6g}\n",
              experiment, dataset, label, n, any->test, it->second.front()->test_size, any->pool,
              t.n, t.undefined, t.mean, t.low, t.high, sp.mean, pe.mean, pr.mean, er.mean, et.mean,
              fit_s.mean, predict_s.mean);
          series.x.push_back(static_cast<double>(n));
          series.mean.push_back(t.mean);
          series.low.push_back(t.low);
          series.high.push_back(t.high);
        }
        md += "\n";
        plot.series.push_back(std::move(series));
      }
      md += details;
      const std::string plot_path =
          fmt::format("{}/plots/{}__{}__kendall_tau.svg", out_dir, Slug(experiment), Slug(dataset));
      for (const auto& written : WriteFigure(plot, plot_path)) out.paths.push_back(written);
      md += fmt::format("\n![{}]({})\n", plot.title, fs::relative(plot_path, out_dir).string());
    }
  }
  WriteFileAtomically(out_dir + "/summary.md", md);
  WriteFileAtomically(out_dir + "/predictors.csv", csv);
  out.paths.push_back(out_dir + "/summary.md");
  out.paths.push_back(out_dir + "/predictors.csv");
  out.summary_markdown = md;
  out.brief_markdown = md;
  return out;
}

}  // namespace naskit
