// naskit.Predictor, naskit.search(), naskit.run_suite() and naskit.report(): the registries'
// predictors and the same search loop and suite runner as `naskit run`, with the GIL released while
// C++ works.
#include <pybind11/stl.h>

#include <csignal>
#include <memory>
#include <string>

#include "analysis/report.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "core/job_runner.h"
#include "experiments/predictor_suite.h"
#include "experiments/search_run.h"
#include "experiments/suite_runner.h"
#include "predictors/predictor.h"
#include "python/bindings.h"
#include "records/suite_manifest.h"

namespace naskit::python {
namespace {

// A registered predictor with what it may read: the space, and a benchmark's features.
class PredictorHandle {
 public:
  PredictorHandle(const std::string& key, const OptionValues& options, const py::object& space,
                  std::shared_ptr<TabularBenchmark> benchmark, const std::string& dataset)
      : benchmark_(std::move(benchmark)) {
    const SearchSpace* s = nullptr;
    if (!space.is_none()) {
      s = &space.cast<const SearchSpace&>();
    } else if (benchmark_) {
      s = &benchmark_->space();
    } else {
      throw ConfigError("predictor " + Quote(key) + ": give a space or a benchmark");
    }
    context_ = std::make_unique<PredictorContext>(*s, benchmark_.get(), dataset);
    predictor_ = PredictorRegistry::Global().Create(key, options, *context_);
  }

  bool needs_fit() const { return predictor_->NeedsFit(); }
  bool has_uncertainty() const { return predictor_->HasUncertainty(); }

  void Fit(const py::object& archs, const py::object& targets, std::uint64_t seed) {
    const std::vector<ArchId> ids = ToArchs(archs);
    const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>(targets);
    if (static_cast<std::size_t>(values.size()) != ids.size()) {
      throw ConfigError("fit: " + std::to_string(ids.size()) + " architectures but " +
                        std::to_string(values.size()) + " targets");
    }
    std::vector<double> y(values.data(), values.data() + values.size());
    py::gil_scoped_release release;
    predictor_->Fit(ids, y, seed);
  }

  py::object Predict(const py::object& archs, bool return_std) const {
    const std::vector<ArchId> ids = ToArchs(archs);
    Prediction p;
    {
      py::gil_scoped_release release;
      p = predictor_->Predict(ids);
    }
    py::array_t<double> mean(static_cast<py::ssize_t>(p.mean.size()), p.mean.data());
    if (!return_std) return mean;
    if (p.stddev.empty()) return py::make_tuple(mean, py::none());
    return py::make_tuple(
        mean, py::array_t<double>(static_cast<py::ssize_t>(p.stddev.size()), p.stddev.data()));
  }

 private:
  std::shared_ptr<TabularBenchmark> benchmark_;  // kept alive: the predictor may read its features
  std::unique_ptr<PredictorContext> context_;
  std::unique_ptr<Predictor> predictor_;
};

// SIGINT and SIGTERM stop a suite after the runs in flight, as in `naskit run` (Python cannot
// raise KeyboardInterrupt while C++ holds the thread); Python's own handlers come back after.
class InterruptGuard {
 public:
  InterruptGuard() {
    StopRequested() = false;
    previous_int_ = std::signal(SIGINT, SIG_DFL);
    previous_term_ = std::signal(SIGTERM, SIG_DFL);
    InstallStopHandlers();
  }
  ~InterruptGuard() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

py::dict TraceDict(const PreparedSearch& search, const RunTrace& trace) {
  const std::size_t n = trace.arch.size();
  py::array_t<std::int64_t> incumbent(static_cast<py::ssize_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    incumbent.mutable_data()[i] =
        trace.incumbent[i] ? static_cast<std::int64_t>(*trace.incumbent[i]) : -1;
  }
  py::dict report;
  for (std::size_t d = 0; d < trace.report.size(); ++d) {
    report[py::str(search.report_datasets()[d])] =
        py::array_t<float>(static_cast<py::ssize_t>(n), trace.report[d].data());
  }
  py::dict out;
  out["arch"] = ToArray(trace.arch);
  out["fidelity"] = py::array_t<std::size_t>(static_cast<py::ssize_t>(n), trace.fidelity.data());
  out["signal"] = py::array_t<float>(static_cast<py::ssize_t>(n), trace.signal.data());
  out["seconds"] = py::array_t<double>(static_cast<py::ssize_t>(n), trace.seconds.data());
  out["incumbent"] = incumbent;
  out["incumbent_report"] = report;
  out["pareto"] = trace.pareto;
  out["failures"] = trace.failures;
  out["wall_seconds"] = trace.wall_seconds;
  out["part_seconds"] = trace.part_seconds;
  return out;
}

}  // namespace

void BindPredictors(py::module_& m) {
  py::class_<PredictorHandle>(m, "Predictor",
                              "A registered predictor (naskit.plugins(\"predictors\")).")
      .def(py::init<const std::string&, const OptionValues&, const py::object&,
                    std::shared_ptr<TabularBenchmark>, const std::string&>(),
           py::arg("key"), py::arg("options"), py::arg("space"), py::arg("benchmark"),
           py::arg("dataset"))
      .def_property_readonly("needs_fit", &PredictorHandle::needs_fit)
      .def_property_readonly("has_uncertainty", &PredictorHandle::has_uncertainty)
      .def("fit", &PredictorHandle::Fit, py::arg("archs"), py::arg("targets"), py::arg("seed") = 0,
           "Learns targets (higher is better) of architectures; a function of data and seed.")
      .def("predict", &PredictorHandle::Predict, py::arg("archs"), py::arg("return_std") = false,
           "Predicted values (NaN where undefined); with return_std, (mean, std or None).");
}

void BindSearch(py::module_& m) {
  m.def(
      "_search",
      [](const std::shared_ptr<TabularBenchmark>& benchmark, const std::string& suite_yaml,
         const std::string& source) {
        const Suite suite = ParseSuite(suite_yaml, source);
        const std::vector<PlannedRun> runs = PlanRuns(suite);
        if (runs.size() != 1)
          throw ConfigError(source + ": plans " + std::to_string(runs.size()) + " runs, not one");
        const PlannedRun& run = runs.front();
        const SuiteStrategy& strategy = suite.strategies[run.strategy];
        std::unique_ptr<PreparedSearch> search;
        RunTrace trace;
        {
          py::gil_scoped_release release;
          search = std::make_unique<PreparedSearch>(*benchmark, SettingsOf(suite, run));
          trace = ExecuteRun(*search, strategy.key, strategy.options, run.seed);
        }
        return TraceDict(*search, trace);
      },
      py::arg("benchmark"), py::arg("suite_yaml"), py::arg("source"));

  m.def(
      "_run_suite",
      [](const std::string& path, const std::string& out, int jobs, int shard_index,
         int shard_count, bool progress, const std::vector<std::string>& overrides) {
        RunnerOptions runner;
        runner.out_dir = out;
        runner.jobs = jobs;
        runner.shard_index = shard_index;
        runner.shard_count = shard_count;
        runner.progress = progress;
        runner.stop = &StopRequested();
        RunnerSummary summary;
        {
          py::gil_scoped_release release;
          InterruptGuard interrupts;
          summary = IsPredictorSuite(path)
                        ? RunPredictorSuite(LoadPredictorSuite(path, overrides), runner)
                        : RunSuite(LoadSuite(path, overrides), runner);
        }
        py::dict d;
        d["planned"] = summary.planned;
        d["already_done"] = summary.already_done;
        d["completed"] = summary.completed;
        d["interrupted"] = summary.interrupted;
        d["out"] = summary.out_dir;
        return d;
      },
      py::arg("path"), py::arg("out"), py::arg("jobs"), py::arg("shard_index"),
      py::arg("shard_count"), py::arg("progress"), py::arg("overrides"));

  m.def(
      "report",
      [](const std::string& results, const std::string& out) {
        py::gil_scoped_release release;
        return WriteReport(results, out.empty() ? results + "/report" : out).summary_markdown;
      },
      py::arg("results"), py::arg("out") = "",
      "Writes the report of a results folder (summary.md, CSVs, figures) as `naskit report` "
      "does; returns summary.md's text.");
}

}  // namespace naskit::python
