#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "analysis/report.h"
#include "analysis/svg_plot.h"
#include "core/errors.h"
#include "experiments/suite_runner.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
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

}  // namespace
}  // namespace naskit
