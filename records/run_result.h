// The result file of one search run: its one type, its one writer (`naskit run`) and its one reader
// (`naskit report`, `naskit verify`). Writing what was read gives the file back byte for byte.
//
// What naskit computes with (the budget, the report metric, the trajectory, the incumbent) is
// typed and checked; the blocks that say how the run was set up (the benchmark or evaluator, the
// signal, the settings that differ from the defaults, how the clock was charged) are kept as
// written, for people and provenance.
//
// A result file is untrusted input when read back: the reader checks it against the layout of its
// format version and throws DataError naming the file and the key, never reading past what it
// checked.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace naskit {

inline constexpr const char* kRunResultFormat = "naskit-run-result";
// The sub-folder of a results folder where a real-training search keeps its trainings
// (experiments/training_evaluator.cc): their records are not run results.
inline constexpr const char* kTrainingsFolder = "trainings";
// ... and where a one-shot search keeps its supernets (experiments/supernet_evaluator.cc).
inline constexpr const char* kSupernetsFolder = "supernets";
// Whether a results folder's sub-folder `name` holds an evaluator's records, not run results.
inline bool IsEvaluatorFolder(const std::string& name) {
  return name == kTrainingsFolder || name == kSupernetsFolder;
}
// 1: the layout written since the format was named; files without "format_version" (written
// before) have the same layout and are read as version 1.
inline constexpr int kRunResultFormatVersion = 1;

struct RunResult {
  using Json = nlohmann::ordered_json;

  std::string path;  // the file it was read from; empty for a result being written
  std::string naskit_version;
  std::string suite, run, experiment, dataset, strategy, label;
  std::map<std::string, std::string> options;  // the strategy's, defaults included
  std::uint64_t seed = 0;
  // As written: {path, name, checksum[, surrogate]} of the benchmark, or {path: "", space,
  // evaluator} for a run answered without one.
  Json benchmark = Json::object();
  std::string benchmark_path;    // benchmark.path
  Json signal = Json::object();  // {metric, epochs, dataset[, device][, seed]}, as written
  bool minimize = false;
  // The settings that differ from the defaults (workers, evaluator_options, warm_start,
  // zc_seconds_per_score, constraints), as written, in order.
  Json settings = Json::object();
  std::string report_metric;
  int report_epochs = 0;
  std::vector<std::string> report_datasets;
  std::vector<double> best;  // the optimum per report dataset (NaN: not known)
  std::string budget_unit;   // "queries", "seconds" or "epochs"
  double budget = 0;
  Json cost;  // seconds budgets: how the clock was charged, as written; null otherwise
  std::size_t free_repeats = 0;
  bool stalled = false;
  // Failed evaluations (a diverged training, a worker that died): the query's position and why.
  std::vector<std::pair<std::size_t, std::string>> failures;

  // The end of the run: how many queries, the clock, and the incumbent chosen (its benchmark index,
  // null where the benchmark does not hold it; its architecture and signal). No incumbent: nothing
  // reached the signal's fidelity, or nothing feasible.
  std::size_t queries = 0;
  double final_seconds = 0;
  std::optional<std::uint32_t> incumbent_index;
  std::optional<std::string> incumbent;
  double incumbent_signal = NAN;

  // Per query, in the order they finished: the architecture's benchmark index (null where the
  // benchmark does not hold it) and, where no benchmark names it, its text; its signal; with
  // several objectives, its objective values (and, after the run, the Pareto archive as query
  // positions); with a seconds budget, the clock; the incumbent's index and, per report dataset,
  // its report value (NaN before the first incumbent).
  std::vector<std::optional<std::uint32_t>> index;
  bool names_archs = false;  // archs are written (no benchmark, or a surrogate answered)
  std::vector<std::string> archs;
  std::vector<double> signal_values;
  std::vector<std::vector<double>> objectives;
  std::vector<std::size_t> pareto;
  std::vector<double> seconds;  // the clock per query: seconds, or epochs with an epochs budget
  std::vector<std::optional<std::uint32_t>> incumbent_indices;
  std::vector<std::vector<double>> curve;
  // Runs answered by an evaluator other than the benchmark (a real training, a supernet): per
  // query, the incumbent's signal as its
  // evaluation measured it (NaN before the first incumbent); empty otherwise.
  std::vector<double> incumbent_signals;
  // Multi-objective runs on a benchmark (experiments/search_run.h, ParetoQuality): the reference
  // points, the true fronts' volumes and the reported ratio's ceiling, as written (null
  // otherwise); the ceiling read; and per query the hypervolume ratios of the search front and of
  // the reported front (in [0, 1]; a search ratio exceeds 1 only for noisy values told with
  // signal_seed: random).
  Json hypervolume = nullptr;
  double report_hv_ceiling = NAN;
  std::vector<double> search_hv_reference;             // hypervolume.search_reference, if written
  std::vector<std::vector<double>> true_search_front;  // hypervolume.search_front, if written
  std::vector<double> search_hv_ratio, report_hv_ratio;

  // Runs on a benchmark answered by another evaluator (a supernet): how its signal ranks the
  // distinct architectures it evaluated at the signal's fidelity against the benchmark's report
  // value on the first report dataset, {archs, kendall_tau, top10_precision} (NaN: undefined);
  // null otherwise.
  Json signal_ranking = nullptr;
  double ranking_tau = NAN, ranking_precision = NAN;

  // Wall-clock seconds: the whole run (NaN in results written before timings were recorded) and
  // its named parts ("fit", "acquisition", "query"), in the order recorded.
  double wall_seconds = NAN;
  std::vector<std::pair<std::string, double>> part_seconds;
  // Evaluations answered from what an interrupted attempt of this run, or another run, kept
  // (finished trainings): how this execution went, like the timings.
  std::size_t reused_evaluations = 0;

  double FinalReport(std::size_t dataset) const;
  // For a surrogate's results, what its values are (a sentence); empty otherwise.
  std::string Surrogate() const;
};

// The file's text. Non-finite numbers are written as null.
std::string RunResultJson(const RunResult& result);

// Reads and checks a result file; throws IoError when it cannot be read and DataError naming the
// file and key for one that is not a well-formed result.
RunResult ReadRunResult(const std::string& path);
// The same, from the file's text.
RunResult ParseRunResult(const std::string& text, const std::string& path);

}  // namespace naskit
