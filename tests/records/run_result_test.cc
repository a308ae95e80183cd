// The run result reader that report and verify share: every file is checked against its format
// version, and a malformed one is a DataError naming the file and the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/report.h"
#include "core/errors.h"
#include "experiments/suite_runner.h"
#include "records/run_result.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Json = nlohmann::json;

// A result written before the format had a version: the layout of version 1.
const std::string kRecorded = NASKIT_SOURCE_DIR
    "/tests/data/nb201_paper_baseline/paper/cifar10/regularized_evolution/12000s/seed-0.json";

Json Recorded() {
  std::ifstream in(kRecorded);
  return Json::parse(in);
}

std::string WriteJson(const Json& j) {
  std::string path = testing::TempDir("result") + "/seed-0.json";
  std::ofstream(path) << j.dump();
  return path;
}

TEST(RunResultTest, ReadsARecordedResult) {
  const RunResult r = ReadRunResult(kRecorded);
  EXPECT_EQ(r.label, "regularized_evolution");
  EXPECT_EQ(r.budget_unit, "seconds");
  EXPECT_EQ(r.budget, 12000);
  EXPECT_EQ(r.report_datasets.size(), 3u);
  EXPECT_EQ(r.curve[0].size(), r.seconds.size());
  EXPECT_EQ(r.FinalReport(0), Recorded()["final"]["report"]["cifar10"].get<double>());
  EXPECT_EQ(*r.incumbent_index, Recorded()["final"]["incumbent_index"].get<std::uint32_t>());
  EXPECT_FALSE(r.minimize);
}

TEST(RunResultTest, MalformedResultsNameTheFileAndTheKey) {
  struct Case {
    void (*edit)(Json&);
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](Json& j) { j["budget"]["amount"] = 0; }, "key \"budget.amount\": expected a positive"},
      {[](Json& j) { j["budget"]["amount"] = -5; }, "key \"budget.amount\""},
      {[](Json& j) { j["budget"]["amount"] = 1e300; }, "key \"budget.amount\""},
      {[](Json& j) { j["budget"]["unit"] = "hours"; }, "expected queries, seconds or epochs"},
      {[](Json& j) {
         j["budget"] = {{"unit", "queries"}, {"amount", 0.5}};
         j["trajectory"].erase("seconds");
       },
       "expected a whole number of queries (got 0.5)"},
      {[](Json& j) { j["report"]["datasets"].push_back("cifar10"); }, "lists \"cifar10\" twice"},
      {[](Json& j) { j["report"]["datasets"] = Json::array(); },
       "key \"report.datasets\": is empty"},
      {[](Json& j) { j["report"]["datasets"][0] = "mnist"; },
       "key \"report.best_in_benchmark.mnist\": missing"},
      {[](Json& j) { j["trajectory"]["incumbent_report"]["cifar100"].erase(0); },
       "key \"trajectory.incumbent_report.cifar100\": has"},
      {[](Json& j) { j["trajectory"]["seconds"][3] = 0.0; },
       "key \"trajectory.seconds\": decreases"},
      {[](Json& j) { j["report"]["epochs"] = 3.9; }, "key \"report.epochs\": expected a whole"},
      {[](Json& j) { j["format_version"] = 99; }, "needs a newer naskit"},
      {[](Json& j) { j["format_version"] = 4294967297; }, "key \"format_version\": expected 1"},
      {[](Json& j) { j["label"] = "a | b"; }, "key \"label\": expected a name"},
      {[](Json& j) { j["report"]["datasets"][0] = "<b>"; }, "key \"report.datasets\""},
      {[](Json& j) { j["final"]["queries"] = 3; }, "key \"final.queries\": is 3"},
      {[](Json& j) { j["trajectory"]["index"][0] = "row"; }, "key \"trajectory.index\""},
      {[](Json& j) { j["trajectory"]["signal"].erase(0); }, "key \"trajectory.signal\": has"},
      {[](Json& j) { j["format"] = "other"; }, "key \"format\": expected \"naskit-run-result\""},
      {[](Json& j) { j["final"]["incumbent_index"] = -1; }, "key \"final.incumbent_index\""},
      {[](Json& j) { j.erase("trajectory"); }, "key \"trajectory\": missing"},
      {[](Json& j) { j = Json::array(); }, "not a naskit run result"},
  };
  for (const auto& c : cases) {
    Json j = Recorded();
    c.edit(j);
    const std::string path = WriteJson(j);
    EXPECT_THAT([&] { ReadRunResult(path); },
                ThrowsMessage<DataError>(AllOf(HasSubstr(path), HasSubstr(c.message))))
        << c.message;
  }
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One type, one writer, one reader: every result a suite writes reads back into the type, and
// writing it again gives the same bytes; tabular runs on query and seconds budgets, several
// workers, a minimised signal, a constraint, an on-the-fly surrogate that names its architectures
// and a warm start.
TEST(RunResultTest, EveryResultWrittenReadsBackAndWritesTheSameBytes) {
  const std::string dir = testing::TempDir("round-trip");
  const std::string suite_path = dir + "/suite.yaml";
  std::ofstream(suite_path) << "name: round-trip\nbenchmark: " << testing::SyntheticNb201File()
                            << R"(
seeds: 0..1
strategies:
  - strategy: random
  - strategy: regularized_evolution
experiments:
  - {name: queries, datasets: [toy], budgets: [15]}
  - {name: seconds, datasets: [toy], budget_unit: seconds, budgets: [2000], workers: 3,
     charge_repeats: true, zc_seconds_per_score: 0}
  - {name: minimised, datasets: [toy], budgets: [10], direction: minimize,
     constraints: ["valid_accuracy on toy >= 1"]}
  - {name: surrogate, datasets: [toy], budgets: [10], surrogate: ridge}
  - {name: warm, datasets: [toy], budgets: [10], warm_start: {proxy: params, pool: 20000, top: 3}}
)";
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  RunSuite(LoadSuite(suite_path), options);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(options.out_dir)) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "checksums.json") {
      continue;
    }
    const std::string text = FileText(entry.path().string());
    const RunResult r = ReadRunResult(entry.path().string());
    EXPECT_EQ(RunResultJson(r), text) << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 20u);
  // The warm start's pool as scored: every cell has the proxy, fewer than the pool asked for.
  const RunResult warm = ReadRunResult(options.out_dir + "/warm/toy/random/10q/seed-0.json");
  EXPECT_EQ(warm.settings["warm_start"]["pool_scored"], 15625);
}

// A multi-objective run's result: objective vectors, the archive, the scalarisation and the
// hypervolume block read back into the same bytes; ratios without their block, negative ones or
// a list of another length are errors naming the key.
TEST(RunResultTest, AMultiObjectiveResultReadsBackAndItsRatiosAreChecked) {
  const std::string dir = testing::TempDir("multi-objective");
  std::ofstream(dir + "/suite.yaml") << "name: mo\nbenchmark: " << *testing::ImportedNb201() << R"(
seeds: 0..1
strategies:
  - strategy: nsga2
  - strategy: random
experiments:
  - {name: front, datasets: [cifar10], signal_epochs: 12, report_epochs: 200, budgets: [30],
     objectives: ["min latency_ms on fpga"], hypervolume_floor: 90}
  - {name: reward, datasets: [cifar10], signal_epochs: 12, report_epochs: 200, budgets: [20],
     objectives: ["min latency_ms on pixel3"], scalarization: {name: mnasnet, target: 10}}
)";
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  RunSuite(LoadSuite(dir + "/suite.yaml"), options);
  const std::string path = options.out_dir + "/front/cifar10/nsga2/30q/seed-1.json";
  const RunResult r = ReadRunResult(path);
  EXPECT_EQ(RunResultJson(r), FileText(path));
  ASSERT_EQ(r.search_hv_ratio.size(), 30u);
  EXPECT_GT(r.search_hv_ratio.back(), 0);
  EXPECT_GT(r.report_hv_ceiling, 0.5);
  EXPECT_EQ(r.hypervolume["report_reference"][0], 90.0);
  const std::string reward = options.out_dir + "/reward/cifar10/random/20q/seed-0.json";
  EXPECT_EQ(RunResultJson(ReadRunResult(reward)), FileText(reward));
  EXPECT_EQ(ReadRunResult(reward).settings["scalarization"]["name"], "mnasnet");

  // The report tabulates both ratios at checkpoints, with the ceiling, and writes them as CSV.
  const ReportFiles report = WriteReport(options.out_dir, dir + "/report");
  EXPECT_THAT(report.summary_markdown, HasSubstr("Hypervolume ratio, found front over true front"));
  EXPECT_THAT(report.summary_markdown, HasSubstr("| nsga2 | reported |"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/report/plots/front__cifar10__30q__fronts.svg"));
  ASSERT_FALSE(r.true_search_front.empty());
  EXPECT_EQ(r.search_hv_reference.size(), 2u);
  EXPECT_THAT(FileText(dir + "/report/hypervolume.csv"),
              HasSubstr("front,cifar10,30,queries,nsga2,search,30,2,0,"));

  const Json written = Json::parse(FileText(path));
  const std::vector<std::pair<void (*)(Json&), std::string>> cases = {
      {[](Json& j) { j["trajectory"]["search_hv_ratio"][3] = -0.5; },
       "key \"trajectory.search_hv_ratio\": expected a non-negative ratio"},
      {[](Json& j) { j["trajectory"]["report_hv_ratio"].erase(0); },
       "key \"trajectory.report_hv_ratio\": has 29 entries for 30 queries"},
      {[](Json& j) { j.erase("hypervolume"); },
       "key \"trajectory.search_hv_ratio\": is given without the \"hypervolume\" block"},
      {[](Json& j) { j["hypervolume"]["report_ceiling"] = nullptr; },
       "key \"hypervolume.report_ceiling\": expected a finite number"},
      {[](Json& j) { j["hypervolume"]["search_front"][0] = "x"; },
       "key \"hypervolume.search_front\": expected a list"},
      {[](Json& j) { j["hypervolume"]["search_front"][1] = Json::array({1.0}); },
       "key \"hypervolume.search_front\": expected points of one dimension each"},
      {[](Json& j) { j["trajectory"].erase("search_hv_ratio"); },
       "key \"trajectory.search_hv_ratio\": missing"},
  };
  for (const auto& [edit, message] : cases) {
    Json j = written;
    edit(j);
    const std::string bad = WriteJson(j);
    EXPECT_THAT([&] { ReadRunResult(bad); },
                ThrowsMessage<DataError>(AllOf(HasSubstr(bad), HasSubstr(message))))
        << message;
  }
}

// Results written before the format was named read into the same type and write back the same
// values, with the format's name and version added.
TEST(RunResultTest, ARecordedResultWritesBackTheSameValues) {
  Json recorded = Recorded();
  Json again = Json::parse(RunResultJson(ReadRunResult(kRecorded)));
  for (const char* added : {"format", "format_version", "naskit_version"}) {
    recorded.erase(added);
    again.erase(added);
  }
  EXPECT_EQ(again, recorded);
}

}  // namespace
}  // namespace naskit
