#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "analysis/report.h"
#include "analysis/svg_plot.h"
#include "core/errors.h"
#include "experiments/suite_runner.h"
#include "records/run_result.h"
#include "records/statistics.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ReportTest, WritesTablesAndOneFigurePerDatasetWithEveryStrategy) {
  const Suite suite =
      LoadSuite(testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..5", "[30]"));
  RunnerOptions options;
  options.out_dir = testing::TempDir("results");
  options.progress = false;
  RunSuite(suite, options);
  const ReportFiles files = WriteReport(options.out_dir, options.out_dir + "/report");

  // Two experiments (queries, seconds) x one report dataset = two figures.
  std::vector<std::string> svgs;
  for (const auto& p : files.paths) {
    if (p.ends_with(".svg")) svgs.push_back(p);
  }
  ASSERT_EQ(svgs.size(), 2u);
  for (const auto& svg_path : svgs) {
    const std::string svg = Read(svg_path);
    for (const auto& key : StrategyRegistry::Global().Keys()) {
      EXPECT_THAT(svg, HasSubstr("data-series=\"" + key + "\"")) << svg_path;
    }
  }
  // summary.csv: one row per strategy and experiment, each over 6 seeds, and the regret is optimum
  // - mean.
  const std::string csv = Read(options.out_dir + "/report/summary.csv");
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_THAT(line, HasSubstr("strategy,report_dataset,metric,epochs,n,mean,std"));
  int rows = 0;
  while (std::getline(lines, line)) {
    ++rows;
    EXPECT_THAT(line, HasSubstr(",toy,test_accuracy,200,6,"));
  }
  EXPECT_EQ(rows, 2 * static_cast<int>(StrategyRegistry::Global().Keys().size()));
  EXPECT_THAT(files.summary_markdown, HasSubstr("## queries · search on toy · budget 30 queries"));
  EXPECT_THAT(files.summary_markdown, HasSubstr("Average rank"));
  // curves.csv holds each strategy's series at every query 1..30.
  const std::string curves = Read(options.out_dir + "/report/curves.csv");
  EXPECT_THAT(curves, HasSubstr("queries,toy,30,queries,random,toy,30,6,"));
}

// summary.csv's numbers are the runs' own: per strategy, the mean, standard deviation and count of
// the final report values read back from the result files, and the regret against their optimum.
TEST(ReportTest, SummaryNumbersAreThoseOfTheRuns) {
  const Suite suite = LoadSuite(testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..5",
                                                             "[30]", {"random", "local_search"}));
  RunnerOptions options;
  options.out_dir = testing::TempDir("summary-results");
  options.progress = false;
  RunSuite(suite, options);
  WriteReport(options.out_dir, options.out_dir + "/report");
  std::map<std::string, std::vector<double>> finals;  // "experiment/strategy" -> final values
  double optimum = NAN;
  for (const auto& run : PlanRuns(suite)) {
    const RunResult r = ReadRunResult(options.out_dir + "/" + run.key + ".json");
    finals[r.experiment + "/" + r.label].push_back(r.FinalReport(0));
    optimum = r.best[0];
  }
  std::istringstream csv(Read(options.out_dir + "/report/summary.csv"));
  std::string line;
  std::getline(csv, line);
  std::size_t rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 15u) << line;
    const auto& values = finals.at(cells[0] + "/" + cells[4]);
    double mean = 0, squares = 0;
    for (double v : values) mean += v / static_cast<double>(values.size());
    for (double v : values) squares += (v - mean) * (v - mean);
    const double std = std::sqrt(squares / static_cast<double>(values.size() - 1));
    EXPECT_EQ(std::stoul(cells[8]), values.size()) << line;
    EXPECT_NEAR(std::stod(cells[9]), mean, 1e-5 * std::abs(mean)) << line;
    EXPECT_NEAR(std::stod(cells[10]), std, 1e-5 * std + 1e-9) << line;
    EXPECT_NEAR(std::stod(cells[13]), optimum, 1e-5 * std::abs(optimum)) << line;
    EXPECT_NEAR(std::stod(cells[14]), optimum - mean, 1e-4) << line;
    ++rows;
  }
  EXPECT_EQ(rows, finals.size());
}

// The average rank follows the objective's direction: when minimising, the lowest mean ranks 1.
TEST(ReportTest, AverageRanksFollowTheDirection) {
  for (const std::string direction : {"maximize", "minimize"}) {
    const std::string path = testing::TempDir("rank-suite") + "/suite.yaml";
    std::ofstream(path) << "name: ranks\nbenchmark: " << testing::SyntheticNb201File()
                        << "\nseeds: 0..3\nstrategies:\n  - strategy: random\n"
                           "  - strategy: regularized_evolution\n  - strategy: local_search\n"
                           "experiments:\n  - name: q\n    datasets: [toy]\n    direction: "
                        << direction << "\n    budgets: [20]\n";
    RunnerOptions options;
    options.out_dir = testing::TempDir("rank-results");
    options.progress = false;
    RunSuite(LoadSuite(path), options);
    const ReportFiles files = WriteReport(options.out_dir, options.out_dir + "/report");
    // The means, from summary.csv: strategy is the 5th column, mean the 10th.
    std::map<std::string, double> means;
    std::istringstream csv(Read(options.out_dir + "/report/summary.csv"));
    std::string line;
    std::getline(csv, line);
    while (std::getline(csv, line)) {
      std::vector<std::string> cells;
      std::stringstream row(line);
      for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
      means[cells[4]] = std::stod(cells[9]);
    }
    ASSERT_EQ(means.size(), 3u);
    for (const auto& [label, mean] : means) {
      double better = 0, equal = 0;
      for (const auto& [other, m] : means) {
        better += direction == "minimize" ? m < mean : m > mean;
        equal += other != label && m == mean;
      }
      EXPECT_THAT(files.summary_markdown,
                  HasSubstr(fmt::format("| {} | {:.2f} | 1 |", label, 1 + better + equal / 2)))
          << direction;
    }
  }
}

// Runs that found no feasible cell have no final value: the table says how many runs it averaged
// of how many it saw, and the mean is over those with an incumbent only.
TEST(ReportTest, RunsWithoutAnIncumbentAreCountedNotAveraged) {
  const std::string path = testing::TempDir("infeasible-suite") + "/suite.yaml";
  // About one cell in ten is feasible: three queries often find none.
  std::ofstream(path) << "name: rare\nbenchmark: " << testing::SyntheticNb201File() << R"(
seeds: 0..19
strategies:
  - strategy: random
experiments:
  - {name: rare, datasets: [toy], budgets: [3], constraints: ["valid_accuracy on toy >= 73"]}
)";
  RunnerOptions options;
  options.out_dir = testing::TempDir("infeasible-results");
  options.progress = false;
  RunSuite(LoadSuite(path), options);
  std::size_t with = 0;
  double total = 0;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const RunResult r =
        ReadRunResult(fmt::format("{}/rare/toy/random/3q/seed-{}.json", options.out_dir, seed));
    if (!r.incumbent) continue;
    ++with;
    total += r.FinalReport(0);
  }
  ASSERT_GT(with, 0u);
  ASSERT_LT(with, 20u) << "every run found a feasible cell: tighten the constraint";
  const ReportFiles files = WriteReport(options.out_dir, options.out_dir + "/report");
  EXPECT_THAT(files.summary_markdown,
              HasSubstr(fmt::format("| random | {} of 20 | {:.2f} ±", with, total / with)));
  EXPECT_THAT(files.summary_markdown, HasSubstr("\"n of N\": N runs, n of them with an incumbent"));
}

TEST(ReportTest, EmptyOrMissingFolderIsAnError) {
  EXPECT_THROW(WriteReport("/nonexistent", "/tmp/x"), ConfigError);
  const std::string empty = testing::TempDir("empty");
  EXPECT_THAT([&] { WriteReport(empty, empty + "/report"); },
              ::testing::ThrowsMessage<ConfigError>(HasSubstr("no run results found")));
}

TEST(ReportTest, StudentQuantilesApproachTheNormal) {
  EXPECT_NEAR(StudentT95(1), 12.706, 1e-3);
  EXPECT_NEAR(StudentT95(10), 2.228, 1e-3);
  EXPECT_NEAR(StudentT95(499), 1.96, 1e-3);
}

TEST(SvgPlotTest, DrawsOnePathPerSeriesAndABand) {
  PlotSpec spec{
      "t",   "x",
      "y",   false,
      false, {{"a", {1, 2, 3}, {1, 2, 3}, {0, 1, 2}, {2, 3, 4}}, {"b<&>", {1, 2}, {3, 1}, {}, {}}}};
  const std::string svg = RenderSvg(spec);
  EXPECT_THAT(svg, HasSubstr("data-series=\"a\""));
  EXPECT_THAT(svg, HasSubstr("data-series=\"b&lt;&amp;&gt;\""));
  EXPECT_THAT(svg, HasSubstr("fill-opacity=\"0.15\""));
  EXPECT_TRUE(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
}

// A log axis spans the data (with a margin), not whole decades: values in [0.4, 12] get no tick at
// 100 or at 0.1.
TEST(SvgPlotTest, LogAxesFitTheDataAndSeriesDifferByMoreThanColour) {
  PlotSpec spec{
      "t",  "x",
      "y",  false,
      true, {{"a", {1, 2, 3}, {12, 3, 0.4}, {}, {}}, {"b", {1, 2, 3}, {11, 3, 0.5}, {}, {}}}};
  const std::string svg = RenderSvg(spec);
  EXPECT_THAT(svg, HasSubstr(">10</text>"));
  EXPECT_THAT(svg, HasSubstr(">0.5</text>"));
  EXPECT_THAT(svg, AllOf(Not(HasSubstr(">100</text>")), Not(HasSubstr(">0.1</text>"))));
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray"));  // the second series is dashed
}

// Figures for papers: a PDF beside each SVG, the same bytes for the same figure. Needs
// rsvg-convert (scripts/setup.sh installs it; CI requires it).
TEST(SvgPlotTest, FiguresAreAlsoWrittenAsPdf) {
  if (std::system("command -v rsvg-convert >/dev/null") != 0) {
    if (testing::InCi()) FAIL() << "rsvg-convert is missing (Debian's librsvg2-bin)";
    GTEST_SKIP() << "rsvg-convert is missing (Debian's librsvg2-bin)";
  }
  const std::string dir = testing::TempDir("figure");
  PlotSpec spec{"t", "x", "y", false, false, {{"a", {1, 2, 3}, {1, 2, 3}, {}, {}}}};
  const auto written = WriteFigure(spec, dir + "/f.svg");
  ASSERT_EQ(written, (std::vector<std::string>{dir + "/f.svg", dir + "/f.pdf"}));
  const std::string pdf = Read(dir + "/f.pdf");
  EXPECT_TRUE(pdf.starts_with("%PDF"));
  WriteFigure(spec, dir + "/f.svg");
  EXPECT_EQ(Read(dir + "/f.pdf"), pdf);
}

// Experiments that search the same dataset with the same budget and report (warm against cold
// start) are drawn together: a colour per strategy, a line style per experiment.
TEST(ReportTest, ExperimentsSharingABudgetAreOverlaid) {
  const std::string dir = testing::TempDir("report-overlay");
  std::ofstream(dir + "/suite.yaml")
      << "name: overlay\nbenchmark: " << testing::SyntheticNb201File()
      << "\nseeds: 0..2\nstrategies:\n  - strategy: random\n"
         "  - strategy: local_search\nexperiments:\n"
         "  - {name: cold, datasets: [toy], budgets: [10]}\n"
         "  - {name: warm, datasets: [toy], budgets: [10]}\n";
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  RunSuite(LoadSuite(dir + "/suite.yaml"), options);
  const std::string md = WriteReport(options.out_dir, dir + "/report").summary_markdown;
  EXPECT_THAT(md, HasSubstr("## Experiments compared · search on toy · budget 10 queries"));
  const std::string svg = Read(dir + "/report/plots/overlay__toy__10q__toy.svg");
  for (const char* series :
       {"random · cold", "local_search · cold", "random · warm", "local_search · warm"}) {
    EXPECT_THAT(svg, HasSubstr(fmt::format("data-series=\"{}\"", series)));
  }
}

// Every result file is untrusted input: a folder mixing suites, results that disagree on what they
// report, a corrupt suite.yaml or a malformed file are DataErrors naming the file, never a crash
// or a silent average.
TEST(ReportTest, InconsistentResultFoldersAreErrorsNamingTheFile) {
  const std::string suite_path =
      testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..1", "[10]", {"random"});
  auto fresh_results = [&](const std::vector<std::string>& overrides) {
    RunnerOptions options;
    options.out_dir = testing::TempDir("report-input");
    options.progress = false;
    RunSuite(LoadSuite(suite_path, overrides), options);
    return options.out_dir;
  };
  using ::testing::ThrowsMessage;
  const std::string run = "/queries/toy/random/10q/seed-0.json";
  auto edit = [](const std::string& path, const std::string& from, const std::string& to) {
    std::string text = Read(path);
    ASSERT_NE(text.find(from), std::string::npos) << from;
    text.replace(text.find(from), from.size(), to);
    std::ofstream(path) << text;
  };

  // A run of another suite copied in.
  std::string dir = fresh_results({});
  edit(dir + run, "\"suite\":\"synthetic\"", "\"suite\":\"other\"");
  EXPECT_THAT([&] { WriteReport(dir, dir + "/report"); },
              ThrowsMessage<DataError>(HasSubstr("a results folder holds one suite")));

  // Two runs of one group reporting different things.
  dir = fresh_results({});
  edit(dir + run, "\"metric\":\"test_accuracy\"", "\"metric\":\"valid_accuracy\"");
  EXPECT_THAT([&] { WriteReport(dir, dir + "/report"); },
              ThrowsMessage<DataError>(HasSubstr("of the same experiment")));

  // A budget of 0 (it once made the report divide by zero).
  dir = fresh_results({});
  edit(dir + run, "\"amount\":10.0", "\"amount\":0");
  EXPECT_THAT([&] { WriteReport(dir, dir + "/report"); },
              ThrowsMessage<DataError>(AllOf(HasSubstr(dir + run), HasSubstr("budget.amount"))));

  // A corrupt suite.yaml.
  dir = fresh_results({});
  std::ofstream(dir + "/suite.yaml") << "name: [unclosed";
  EXPECT_THAT([&] { WriteReport(dir, dir + "/report"); },
              ThrowsMessage<DataError>(HasSubstr("suite.yaml: not the suite file")));
}

// A report killed while writing leaves a temporary; the next report removes it.
TEST(ReportTest, MissingPlannedRunsAreCountedAndNamed) {
  RunnerOptions options;
  options.out_dir = testing::TempDir("report-planned");
  options.progress = false;
  RunSuite(LoadSuite(testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..3", "[10]",
                                                  {"random", "regularized_evolution"})),
           options);
  std::size_t results = 0;
  for (const auto& entry : fs::recursive_directory_iterator(options.out_dir)) {
    results += entry.path().filename().string().starts_with("seed-");
  }
  ASSERT_EQ(results, 16u);  // 2 experiments × 2 strategies × 4 seeds
  EXPECT_THAT(WriteReport(options.out_dir, options.out_dir + "/report").summary_markdown,
              AllOf(HasSubstr("16 of 16 planned runs"), Not(HasSubstr("missing"))));
  // Two runs of one strategy in one experiment lost (a suite stopped early, a folder copied in
  // part).
  for (const char* seed : {"seed-1.json", "seed-3.json"}) {
    for (const auto& entry : fs::recursive_directory_iterator(options.out_dir)) {
      if (entry.path().filename() == seed &&
          entry.path().string().find("/queries/") != std::string::npos &&
          entry.path().string().find("/random/") != std::string::npos) {
        fs::remove(entry.path());
        break;
      }
    }
  }
  const std::string md = WriteReport(options.out_dir, options.out_dir + "/report").summary_markdown;
  EXPECT_THAT(md, HasSubstr("14 of 16 planned runs"));
  EXPECT_THAT(md, HasSubstr("**2 of the 16 planned runs are missing**"));
  EXPECT_THAT(md, HasSubstr("**Runs missing** (the values above average the runs present): "
                            "random: 2 of 4 planned."));
}

TEST(ReportTest, TemporariesOfAKilledReportAreRemoved) {
  RunnerOptions options;
  options.out_dir = testing::TempDir("report-killed");
  options.progress = false;
  RunSuite(LoadSuite(testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..1", "[10]",
                                                  {"random"})),
           options);
  const std::string report = options.out_dir + "/report";
  fs::create_directories(report);
  testing::WriteTemporaryOfAKilledWriter(report + "/summary.md", "half a report");
  WriteReport(options.out_dir, report);
  for (const auto& entry : fs::recursive_directory_iterator(report)) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace naskit
