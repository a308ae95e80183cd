// Reading run result files; see run_result.h.
#include "records/run_result.h"

#include <cmath>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace naskit {
namespace {

using Json = nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& what) const {
    throw DataError(path_ + ": key " + Quote(key) + ": " + what);
  }

  const Json& At(const Json& j, const std::string& key, const std::string& name) const {
    if (!j.is_object() || !j.contains(name)) Fail(key, "missing");
    return j.at(name);
  }
  std::string String(const Json& j, const std::string& key) const {
    if (!j.is_string()) Fail(key, "expected a string (got " + j.dump().substr(0, 40) + ")");
    return j.get<std::string>();
  }
  double Number(const Json& j, const std::string& key) const {
    if (!j.is_number() || !std::isfinite(j.get<double>())) {
      Fail(key, "expected a finite number (got " + j.dump().substr(0, 40) + ")");
    }
    return j.get<double>();
  }
  // A number, or null for "not measured yet".
  double NumberOrNull(const Json& j, const std::string& key) const {
    return j.is_null() ? NAN : Number(j, key);
  }
  const Json& Array(const Json& j, const std::string& key) const {
    if (!j.is_array()) Fail(key, "expected a list");
    return j;
  }

  RunResult Read() {
    std::ifstream in(path_);
    if (!in) throw IoError(path_ + ": cannot read");
    const Json j = Json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw DataError(path_ + ": not a naskit run result (not a JSON object)");
    }
    if (j.contains("format") && String(j["format"], "format") != kRunResultFormat) {
      Fail("format", "expected " + Quote(kRunResultFormat));
    }
    if (j.contains("format_version")) {
      const double version = Number(j["format_version"], "format_version");
      if (version > kRunResultFormatVersion) {
        Fail("format_version", fmt::format("written by a newer naskit (version {}; this one reads "
                                           "up to {}); upgrade naskit",
                                           version, kRunResultFormatVersion));
      }
    }
    RunResult r;
    r.path = path_;
    r.suite = String(At(j, "suite", "suite"), "suite");
    r.experiment = String(At(j, "experiment", "experiment"), "experiment");
    r.dataset = String(At(j, "dataset", "dataset"), "dataset");
    r.label = String(At(j, "label", "label"), "label");
    r.benchmark_path =
        String(At(At(j, "benchmark", "benchmark"), "benchmark.path", "path"), "benchmark.path");
    const Json& budget = At(j, "budget", "budget");
    r.budget_unit = String(At(budget, "budget.unit", "unit"), "budget.unit");
    if (r.budget_unit != "queries" && r.budget_unit != "seconds") {
      Fail("budget.unit", "expected queries or seconds (got " + Quote(r.budget_unit) + ")");
    }
    r.budget = Number(At(budget, "budget.amount", "amount"), "budget.amount");
    if (!(r.budget > 0) || r.budget > 1e12) {
      Fail("budget.amount",
           fmt::format("expected a positive amount up to 1e12 (got {})", r.budget));
    }
    if (r.budget_unit == "queries" && r.budget != std::floor(r.budget)) {
      Fail("budget.amount", fmt::format("expected a whole number of queries (got {})", r.budget));
    }
    const Json& report = At(j, "report", "report");
    r.report_metric = String(At(report, "report.metric", "metric"), "report.metric");
    const double epochs = Number(At(report, "report.epochs", "epochs"), "report.epochs");
    if (epochs < 0 || epochs > 1e6 || epochs != std::floor(epochs)) {
      Fail("report.epochs", fmt::format("expected a whole number of epochs (got {})", epochs));
    }
    r.report_epochs = static_cast<int>(epochs);
    const Json& datasets = Array(At(report, "report.datasets", "datasets"), "report.datasets");
    std::set<std::string> unique;
    for (const auto& d : datasets) {
      r.report_datasets.push_back(String(d, "report.datasets"));
      if (!unique.insert(r.report_datasets.back()).second) {
        Fail("report.datasets", "lists " + Quote(r.report_datasets.back()) + " twice");
      }
    }
    if (r.report_datasets.empty()) Fail("report.datasets", "is empty");
    if (j.contains("direction")) {
      const std::string direction = String(j["direction"], "direction");
      if (direction != "maximize" && direction != "minimize") {
        Fail("direction", "expected maximize or minimize (got " + Quote(direction) + ")");
      }
      r.minimize = direction == "minimize";
    }
    const Json& best = At(report, "report.best_in_benchmark", "best_in_benchmark");
    for (const auto& d : r.report_datasets) {
      r.best.push_back(NumberOrNull(At(best, "report.best_in_benchmark." + d, d),
                                    "report.best_in_benchmark." + d));
    }

    const Json& t = At(j, "trajectory", "trajectory");
    const std::size_t queries =
        Array(At(t, "trajectory.index", "index"), "trajectory.index").size();
    if (r.budget_unit == "seconds") {
      for (const auto& v : Array(At(t, "trajectory.seconds", "seconds"), "trajectory.seconds")) {
        r.seconds.push_back(Number(v, "trajectory.seconds"));
        if (r.seconds.size() > 1 && r.seconds.back() < r.seconds[r.seconds.size() - 2]) {
          Fail("trajectory.seconds", "decreases");
        }
      }
      if (r.seconds.size() != queries) Fail("trajectory.seconds", "has the wrong length");
    }
    const Json& curves = At(t, "trajectory.incumbent_report", "incumbent_report");
    for (const auto& d : r.report_datasets) {
      const std::string key = "trajectory.incumbent_report." + d;
      std::vector<double> curve;
      for (const auto& v : Array(At(curves, key, d), key)) curve.push_back(NumberOrNull(v, key));
      if (curve.size() != queries) {
        Fail(key, fmt::format("has {} values for {} queries", curve.size(), queries));
      }
      r.curve.push_back(std::move(curve));
    }
    const Json& final_result = At(j, "final", "final");
    if (final_result.contains("incumbent_index") && !final_result["incumbent_index"].is_null()) {
      const double index = Number(final_result["incumbent_index"], "final.incumbent_index");
      if (index < 0 || index > 4294967295.0 || index != std::floor(index)) {
        Fail("final.incumbent_index", fmt::format("expected a row index (got {})", index));
      }
      r.incumbent_index = static_cast<std::uint32_t>(index);
    }
    if (const Json& b = At(j, "benchmark", "benchmark");
        b.contains("surrogate") && b["surrogate"].is_object()) {
      const Json& s = b["surrogate"];
      auto text = [&](const char* key) {
        return s.contains(key) ? String(s[key], std::string("benchmark.surrogate.") + key) : "?";
      };
      r.surrogate = fmt::format(
          "values are {}'s predictions of {}, fitted on {} recorded architectures; Kendall tau "
          "{} on {} held-out ones",
          text("predictor"), text("target"), text("recorded"), text("holdout_kendall_tau"),
          text("holdout"));
      // An on-the-fly surrogate answers any architecture, and may model the report metric too.
      if (s.contains("answers")) r.surrogate += "; it answers " + text("answers");
      if (s.contains("report") && s["report"].is_object()) {
        for (const auto& [dataset, model] : s["report"].items()) {
          const std::string key = "benchmark.surrogate.report." + dataset;
          r.surrogate +=
              fmt::format("; the report on {} is a prediction of {} (Kendall tau {})", dataset,
                          String(At(model, key + ".target", "target"), key + ".target"),
                          String(At(model, key + ".holdout_kendall_tau", "holdout_kendall_tau"),
                                 key + ".holdout_kendall_tau"));
        }
      }
    }
    if (j.contains("timing")) {
      for (const auto& [key, value] : j["timing"].items()) {
        const double seconds = Number(value, "timing." + key);
        if (key == "wall_seconds") {
          r.wall_seconds = seconds;
        } else if (key.ends_with("_seconds")) {
          r.part_seconds[key.substr(0, key.size() - 8)] = seconds;
        }
      }
    }
    return r;
  }

 private:
  std::string path_;
};

}  // namespace

double RunResult::FinalReport(std::size_t dataset) const {
  return curve[dataset].empty() ? NAN : curve[dataset].back();
}

RunResult ReadRunResult(const std::string& path) { return Reader(path).Read(); }

}  // namespace naskit
