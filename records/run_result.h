// The result file of one search run: its format, and the one reader that `naskit report` and
// `naskit verify` share. The writer is the suite runner's
// (suite_runner.cc).
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
#include <vector>

namespace naskit {

inline constexpr const char* kRunResultFormat = "naskit-run-result";
// 1: the layout written since the format was named; files without "format_version" (written
// before) have the same layout and are read as version 1.
inline constexpr int kRunResultFormatVersion = 1;

struct RunResult {
  std::string path;
  std::string suite, experiment, dataset, label;
  std::string benchmark_path;
  std::string budget_unit;  // "queries" or "seconds"
  double budget = 0;
  std::string report_metric;
  int report_epochs = 0;
  std::vector<std::string> report_datasets;
  bool minimize = false;     // regret is incumbent - best instead of best - incumbent
  std::vector<double> best;  // the optimum per report dataset
  // Per query: the simulated time it completed (seconds budgets only) and, per report dataset, the
  // incumbent's report value (NaN before the first incumbent).
  std::vector<double> seconds;
  std::vector<std::vector<double>> curve;
  std::optional<std::uint32_t> incumbent_index;  // the final incumbent; none if nothing was chosen
  // Wall-clock seconds: the whole run (NaN in results written before timings were recorded) and
  // the strategy's named parts ("fit", "acquisition").
  double wall_seconds = NAN;
  // For a surrogate benchmark (experiments/surrogate.h), what its values are; empty otherwise.
  std::string surrogate;
  std::map<std::string, double> part_seconds;

  double FinalReport(std::size_t dataset) const;
};

RunResult ReadRunResult(const std::string& path);

}  // namespace naskit
