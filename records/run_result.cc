// Writing and reading run result files; see run_result.h.
#include "records/run_result.h"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/names.h"

namespace naskit {
namespace {

using Json = RunResult::Json;

// The keys written between the signal and the report when a setting differs from its default.
const std::set<std::string>& SettingKeys() {
  static const std::set<std::string> keys = {
      "workers",     "evaluator_options", "warm_start",   "zc_seconds_per_score",
      "constraints", "objectives",        "scalarization"};
  return keys;
}

Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
Json Index(const std::optional<std::uint32_t>& i) { return i ? Json(*i) : Json(nullptr); }

Json Numbers(const std::vector<double>& values) {
  Json list = Json::array();
  for (double v : values) list.push_back(Number(v));
  return list;
}

Json Indices(const std::vector<std::optional<std::uint32_t>>& values) {
  Json list = Json::array();
  for (const auto& v : values) list.push_back(Index(v));
  return list;
}

Json FinalJson(const RunResult& r) {
  Json f;
  f["queries"] = r.queries;
  f["seconds"] = r.final_seconds;
  if (r.queries == 0) return f;
  f["incumbent_index"] = Index(r.incumbent_index);
  f["incumbent"] = r.incumbent ? Json(*r.incumbent) : Json(nullptr);
  if (r.incumbent) {
    f["signal"] = Number(r.incumbent_signal);
    Json report;
    for (std::size_t d = 0; d < r.report_datasets.size(); ++d) {
      report[r.report_datasets[d]] = Number(r.FinalReport(d));
    }
    f["report"] = report;
  }
  return f;
}

Json TrajectoryJson(const RunResult& r) {
  Json t;
  t["index"] = Indices(r.index);
  if (r.names_archs) t["arch"] = r.archs;
  t["signal"] = Numbers(r.signal_values);
  if (!r.objectives.empty()) {
    Json rows = Json::array();
    for (const auto& row : r.objectives) rows.push_back(Numbers(row));
    t["objectives"] = rows;
    t["pareto"] = r.pareto;
  }
  if (!r.search_hv_ratio.empty()) {
    t["search_hv_ratio"] = Numbers(r.search_hv_ratio);
    t["report_hv_ratio"] = Numbers(r.report_hv_ratio);
  }
  if (r.budget_unit != "queries") t[r.budget_unit] = Numbers(r.seconds);
  t["incumbent_index"] = Indices(r.incumbent_indices);
  Json report;
  for (std::size_t d = 0; d < r.report_datasets.size(); ++d) {
    report[r.report_datasets[d]] = Numbers(r.curve[d]);
  }
  t["incumbent_report"] = report;
  if (!r.incumbent_signals.empty()) t["incumbent_signal"] = Numbers(r.incumbent_signals);
  return t;
}

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
  // A name that becomes part of a path and of the report's tables.
  std::string Name(const Json& j, const std::string& key) const {
    std::string name = String(j, key);
    if (!IsValidName(name)) {
      Fail(key, "expected a name (letters, digits, '.', '_', '-', '+'; got " +
                    Json(name).dump().substr(0, 60) + ")");
    }
    return name;
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
  std::uint64_t Count(const Json& j, const std::string& key, std::uint64_t max) const {
    if (!j.is_number_unsigned() || j.get<std::uint64_t>() > max) {
      Fail(key, fmt::format("expected a whole number from 0 to {} (got {})", max,
                            j.dump().substr(0, 40)));
    }
    return j.get<std::uint64_t>();
  }
  std::optional<std::uint32_t> IndexOrNull(const Json& j, const std::string& key) const {
    if (j.is_null()) return std::nullopt;
    return static_cast<std::uint32_t>(Count(j, key, 0xFFFFFFFFu));
  }
  const Json& Array(const Json& j, const std::string& key) const {
    if (!j.is_array()) Fail(key, "expected a list");
    return j;
  }
  const Json& Object(const Json& j, const std::string& key) const {
    if (!j.is_object()) Fail(key, "expected a map");
    return j;
  }
  // A list with one entry per query.
  const Json& PerQuery(const Json& j, const std::string& key, std::size_t queries) const {
    if (Array(j, key).size() != queries) {
      Fail(key, fmt::format("has {} entries for {} queries", j.size(), queries));
    }
    return j;
  }

  RunResult Read(const std::string& text) {
    const Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw DataError(path_ + ": not a naskit run result (not a JSON object)");
    }
    RunResult r;
    r.path = path_;
    ReadHeader(j, r);
    ReadSettings(j, r);
    ReadTrajectory(At(j, "trajectory", "trajectory"), r);
    ReadFinal(At(j, "final", "final"), r);
    if (j.contains("failed_queries")) {
      for (const auto& f : Array(j["failed_queries"], "failed_queries")) {
        r.failures.emplace_back(
            Count(At(f, "failed_queries.query", "query"), "failed_queries.query",
                  r.queries ? r.queries - 1 : 0),
            String(At(f, "failed_queries.reason", "reason"), "failed_queries.reason"));
      }
    }
    if (j.contains("timing")) {
      for (const auto& [key, value] : Object(j["timing"], "timing").items()) {
        const double seconds = Number(value, "timing." + key);
        if (key == "reused_evaluations") {
          r.reused_evaluations = Count(value, "timing." + key, UINT64_MAX);
        } else if (key == "wall_seconds") {
          r.wall_seconds = seconds;
        } else if (key.ends_with("_seconds")) {
          r.part_seconds.emplace_back(key.substr(0, key.size() - 8), seconds);
        } else {
          Fail("timing." + key, "expected a name ending in _seconds");
        }
      }
    }
    r.Surrogate();  // checks the surrogate's description
    return r;
  }

 private:
  void ReadHeader(const Json& j, RunResult& r) const {
    if (j.contains("format") && String(j["format"], "format") != kRunResultFormat) {
      Fail("format", "expected " + Quote(kRunResultFormat));
    }
    if (j.contains("format_version")) {
      const auto& v = j["format_version"];
      if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 1 ||
          v.get<std::uint64_t>() > static_cast<std::uint64_t>(kRunResultFormatVersion)) {
        Fail("format_version",
             fmt::format("expected 1 to {} (got {}; a newer naskit's result needs a newer naskit)",
                         kRunResultFormatVersion, v.dump().substr(0, 40)));
      }
    }
    if (j.contains("naskit_version"))
      r.naskit_version = String(j["naskit_version"], "naskit_version");
    r.suite = Name(At(j, "suite", "suite"), "suite");
    if (j.contains("run")) r.run = String(j["run"], "run");
    r.experiment = Name(At(j, "experiment", "experiment"), "experiment");
    r.dataset = Name(At(j, "dataset", "dataset"), "dataset");
    if (j.contains("strategy")) r.strategy = String(j["strategy"], "strategy");
    r.label = Name(At(j, "label", "label"), "label");
    if (j.contains("options")) {
      for (const auto& [key, value] : Object(j["options"], "options").items()) {
        r.options[key] = String(value, "options." + key);
      }
    }
    if (j.contains("seed")) r.seed = Count(j["seed"], "seed", UINT64_MAX);
    r.benchmark = Object(At(j, "benchmark", "benchmark"), "benchmark");
    r.benchmark_path = String(At(r.benchmark, "benchmark.path", "path"), "benchmark.path");
  }

  void ReadSettings(const Json& j, RunResult& r) const {
    if (j.contains("signal")) r.signal = Object(j["signal"], "signal");
    if (j.contains("direction")) {
      const std::string direction = String(j["direction"], "direction");
      if (direction != "maximize" && direction != "minimize") {
        Fail("direction", "expected maximize or minimize (got " + Quote(direction) + ")");
      }
      r.minimize = direction == "minimize";
    }
    for (const auto& [key, value] : j.items()) {
      if (SettingKeys().contains(key)) r.settings[key] = value;
    }
    const Json& budget = At(j, "budget", "budget");
    r.budget_unit = String(At(budget, "budget.unit", "unit"), "budget.unit");
    if (r.budget_unit != "queries" && r.budget_unit != "seconds" && r.budget_unit != "epochs") {
      Fail("budget.unit", "expected queries, seconds or epochs (got " + Quote(r.budget_unit) + ")");
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
    r.report_epochs =
        static_cast<int>(Count(At(report, "report.epochs", "epochs"), "report.epochs", 1000000));
    const Json& datasets = Array(At(report, "report.datasets", "datasets"), "report.datasets");
    std::set<std::string> unique;
    for (const auto& d : datasets) {
      r.report_datasets.push_back(Name(d, "report.datasets"));
      if (!unique.insert(r.report_datasets.back()).second) {
        Fail("report.datasets", "lists " + Quote(r.report_datasets.back()) + " twice");
      }
    }
    if (r.report_datasets.empty()) Fail("report.datasets", "is empty");
    const Json& best = At(report, "report.best_in_benchmark", "best_in_benchmark");
    for (const auto& d : r.report_datasets) {
      r.best.push_back(NumberOrNull(At(best, "report.best_in_benchmark." + d, d),
                                    "report.best_in_benchmark." + d));
    }
    if (j.contains("cost")) r.cost = Object(j["cost"], "cost");
    if (j.contains("free_repeats")) {
      r.free_repeats = Count(j["free_repeats"], "free_repeats", UINT64_MAX);
    }
    if (j.contains("stalled")) {
      if (!j["stalled"].is_boolean()) Fail("stalled", "expected true or false");
      r.stalled = j["stalled"].get<bool>();
    }
    if (j.contains("signal_ranking")) {
      r.signal_ranking = Object(j["signal_ranking"], "signal_ranking");
      const Json& ranking = r.signal_ranking;
      Count(At(ranking, "signal_ranking.archs", "archs"), "signal_ranking.archs", UINT64_MAX);
      r.ranking_tau = NumberOrNull(At(ranking, "signal_ranking.kendall_tau", "kendall_tau"),
                                   "signal_ranking.kendall_tau");
      r.ranking_precision =
          NumberOrNull(At(ranking, "signal_ranking.top10_precision", "top10_precision"),
                       "signal_ranking.top10_precision");
    }
    if (j.contains("hypervolume")) {
      r.hypervolume = Object(j["hypervolume"], "hypervolume");
      r.report_hv_ceiling = Ratio(At(r.hypervolume, "hypervolume.report_ceiling", "report_ceiling"),
                                  "hypervolume.report_ceiling");
      if (r.hypervolume.contains("search_reference")) {
        const std::string key = "hypervolume.search_reference";
        for (const auto& v : Array(r.hypervolume["search_reference"], key)) {
          r.search_hv_reference.push_back(Number(v, key));
        }
      }
      if (r.hypervolume.contains("search_front")) {
        const std::string key = "hypervolume.search_front";
        for (const auto& point : Array(r.hypervolume["search_front"], key)) {
          std::vector<double> values;
          for (const auto& v : Array(point, key)) values.push_back(Number(v, key));
          if (values.empty() || (!r.true_search_front.empty() &&
                                 values.size() != r.true_search_front.front().size())) {
            Fail(key, "expected points of one dimension each");
          }
          r.true_search_front.push_back(std::move(values));
        }
      }
    }
  }

  // A hypervolume ratio: a non-negative number (above 1 only for a search front of noisy
  // values, with signal_seed: random).
  double Ratio(const Json& j, const std::string& key) const {
    const double v = Number(j, key);
    if (v < 0) Fail(key, fmt::format("expected a non-negative ratio (got {})", v));
    return v;
  }

  void ReadTrajectory(const Json& t, RunResult& r) const {
    for (const auto& i : Array(At(t, "trajectory.index", "index"), "trajectory.index")) {
      r.index.push_back(IndexOrNull(i, "trajectory.index"));
    }
    const std::size_t queries = r.index.size();
    if (t.contains("arch")) {
      r.names_archs = true;
      for (const auto& a : PerQuery(t["arch"], "trajectory.arch", queries)) {
        r.archs.push_back(String(a, "trajectory.arch"));
      }
    }
    if (t.contains("signal")) {
      for (const auto& v : PerQuery(t["signal"], "trajectory.signal", queries)) {
        r.signal_values.push_back(NumberOrNull(v, "trajectory.signal"));
      }
    }
    if (t.contains("objectives")) {
      for (const auto& row : PerQuery(t["objectives"], "trajectory.objectives", queries)) {
        std::vector<double> values;
        for (const auto& v : Array(row, "trajectory.objectives")) {
          values.push_back(NumberOrNull(v, "trajectory.objectives"));
        }
        if (values.empty() || values.size() != Array(t["objectives"][0], "").size()) {
          Fail("trajectory.objectives", "expected as many values for every query");
        }
        r.objectives.push_back(std::move(values));
      }
      for (const auto& p : Array(At(t, "trajectory.pareto", "pareto"), "trajectory.pareto")) {
        r.pareto.push_back(Count(p, "trajectory.pareto", queries ? queries - 1 : 0));
      }
    }
    // The ratios come with the block that says what they are ratios of, and together.
    if (t.contains("search_hv_ratio") || t.contains("report_hv_ratio") ||
        !r.hypervolume.is_null()) {
      for (const char* name : {"search_hv_ratio", "report_hv_ratio"}) {
        const std::string key = std::string("trajectory.") + name;
        if (r.hypervolume.is_null()) Fail(key, "is given without the \"hypervolume\" block");
        auto& ratios = name[0] == 's' ? r.search_hv_ratio : r.report_hv_ratio;
        for (const auto& v : PerQuery(At(t, key, name), key, queries)) {
          ratios.push_back(Ratio(v, key));
        }
      }
    }
    if (r.budget_unit != "queries") {
      const std::string key = "trajectory." + r.budget_unit;
      for (const auto& v : PerQuery(At(t, key, r.budget_unit), key, queries)) {
        r.seconds.push_back(Number(v, key));
        if (r.seconds.size() > 1 && r.seconds.back() < r.seconds[r.seconds.size() - 2]) {
          Fail(key, "decreases");
        }
      }
    }
    if (t.contains("incumbent_index")) {
      for (const auto& i : PerQuery(t["incumbent_index"], "trajectory.incumbent_index", queries)) {
        r.incumbent_indices.push_back(IndexOrNull(i, "trajectory.incumbent_index"));
      }
    }
    if (t.contains("incumbent_signal")) {
      for (const auto& v :
           PerQuery(t["incumbent_signal"], "trajectory.incumbent_signal", queries)) {
        r.incumbent_signals.push_back(NumberOrNull(v, "trajectory.incumbent_signal"));
      }
    }
    const Json& curves = At(t, "trajectory.incumbent_report", "incumbent_report");
    for (const auto& d : r.report_datasets) {
      const std::string key = "trajectory.incumbent_report." + d;
      std::vector<double> curve;
      for (const auto& v : PerQuery(At(curves, key, d), key, queries)) {
        curve.push_back(NumberOrNull(v, key));
      }
      r.curve.push_back(std::move(curve));
    }
  }

  void ReadFinal(const Json& f, RunResult& r) const {
    Object(f, "final");
    r.queries =
        f.contains("queries") ? Count(f["queries"], "final.queries", UINT64_MAX) : r.index.size();
    if (r.queries != r.index.size()) {
      Fail("final.queries",
           fmt::format("is {}, but the trajectory has {} queries", r.queries, r.index.size()));
    }
    if (f.contains("seconds")) r.final_seconds = Number(f["seconds"], "final.seconds");
    if (f.contains("incumbent_index")) {
      r.incumbent_index = IndexOrNull(f["incumbent_index"], "final.incumbent_index");
    }
    if (f.contains("incumbent") && !f["incumbent"].is_null()) {
      r.incumbent = String(f["incumbent"], "final.incumbent");
    }
    if (f.contains("signal")) r.incumbent_signal = NumberOrNull(f["signal"], "final.signal");
  }

  std::string path_;
};

}  // namespace

double RunResult::FinalReport(std::size_t dataset) const {
  return curve[dataset].empty() ? NAN : curve[dataset].back();
}

std::string RunResult::Surrogate() const {
  if (!benchmark.contains("surrogate") || !benchmark["surrogate"].is_object()) return "";
  const Reader reader(path);
  const Json& s = benchmark["surrogate"];
  auto text = [&](const char* key) {
    return s.contains(key) ? reader.String(s[key], std::string("benchmark.surrogate.") + key) : "?";
  };
  std::string sentence = fmt::format(
      "values are {}'s predictions of {}, fitted on {} recorded architectures; Kendall tau {} on "
      "{} held-out ones",
      text("predictor"), text("target"), text("recorded"), text("holdout_kendall_tau"),
      text("holdout"));
  // An on-the-fly surrogate answers any architecture, and may model the report metric too.
  if (s.contains("answers")) sentence += "; it answers " + text("answers");
  if (s.contains("report") && s["report"].is_object()) {
    for (const auto& [dataset, model] : s["report"].items()) {
      const std::string key = "benchmark.surrogate.report." + dataset;
      sentence += fmt::format(
          "; the report on {} is a prediction of {} (Kendall tau {})", dataset,
          reader.String(reader.At(model, key + ".target", "target"), key + ".target"),
          reader.String(reader.At(model, key + ".holdout_kendall_tau", "holdout_kendall_tau"),
                        key + ".holdout_kendall_tau"));
    }
  }
  return sentence;
}

std::string RunResultJson(const RunResult& r) {
  Json j;
  j["format"] = kRunResultFormat;
  j["format_version"] = kRunResultFormatVersion;
  j["naskit_version"] = r.naskit_version;
  j["suite"] = r.suite;
  j["run"] = r.run;
  j["experiment"] = r.experiment;
  j["dataset"] = r.dataset;
  j["strategy"] = r.strategy;
  j["label"] = r.label;
  j["options"] = r.options;
  j["seed"] = r.seed;
  j["benchmark"] = r.benchmark;
  j["signal"] = r.signal;
  if (r.minimize) j["direction"] = "minimize";
  for (const auto& [key, value] : r.settings.items()) j[key] = value;
  Json best;
  for (std::size_t d = 0; d < r.report_datasets.size(); ++d) {
    best[r.report_datasets[d]] = Number(r.best[d]);
  }
  j["report"] = {{"metric", r.report_metric},
                 {"epochs", r.report_epochs},
                 {"datasets", r.report_datasets},
                 {"best_in_benchmark", best}};
  j["budget"] = {{"unit", r.budget_unit}, {"amount", r.budget}};
  if (!r.cost.is_null()) j["cost"] = r.cost;
  j["free_repeats"] = r.free_repeats;
  j["stalled"] = r.stalled;
  if (!r.failures.empty()) {
    Json failed = Json::array();
    for (const auto& [query, reason] : r.failures) {
      failed.push_back({{"query", query}, {"reason", reason}});
    }
    j["failed_queries"] = failed;
  }
  if (!r.hypervolume.is_null()) j["hypervolume"] = r.hypervolume;
  if (!r.signal_ranking.is_null()) j["signal_ranking"] = r.signal_ranking;
  j["final"] = FinalJson(r);
  j["trajectory"] = TrajectoryJson(r);
  if (!std::isnan(r.wall_seconds)) {  // NaN: a result written before timings were recorded
    Json timing;
    timing["wall_seconds"] = r.wall_seconds;
    for (const auto& [part, seconds] : r.part_seconds) timing[part + "_seconds"] = seconds;
    if (r.reused_evaluations > 0) timing["reused_evaluations"] = r.reused_evaluations;
    j["timing"] = timing;
  }
  return j.dump() + "\n";
}

RunResult ParseRunResult(const std::string& text, const std::string& path) {
  return Reader(path).Read(text);
}

RunResult ReadRunResult(const std::string& path) {
  return ParseRunResult(ReadFileContents(path), path);
}

}  // namespace naskit
