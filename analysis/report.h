// `naskit report`: aggregates the result files of a suite into tables (Markdown and CSV) and
// figures.
//
// Per experiment, search dataset and budget: the final report metric of each strategy's incumbent
// (mean, std, 95% CI over seeds), its regret (the benchmark's best report value minus the
// incumbent's; the value itself where the optimum is unknown, as for a surrogate) at budget
// checkpoints, the average rank of the strategies across datasets, and one
// SVG figure per report dataset of the incumbent's report metric versus queries or simulated
// seconds (mean, 95% CI).
#pragma once

#include <string>
#include <vector>

namespace naskit {

struct ReportFiles {
  std::vector<std::string> paths;  // every file written
  std::string summary_markdown;    // the contents of summary.md
  // What `naskit report` prints: the headline and each group's final values (a search suite), or
  // the whole summary (a predictor suite, whose summary is its tables).
  std::string brief_markdown;
};

// Reads every run result under `results_dir` and writes summary.md, summary.csv, regret.csv,
// curves.csv and plots/*.svg into `out_dir`. Throws ConfigError if `results_dir` holds no results.
ReportFiles WriteReport(const std::string& results_dir, const std::string& out_dir);

// A file-name-safe form of `text`: characters other than letters, digits, '-' and '.' become '_'.
std::string Slug(const std::string& text);

}  // namespace naskit
