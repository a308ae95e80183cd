// The run result reader that report and verify share: every file is checked against its format
// version, and a malformed one is a DataError naming the file and the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "records/run_result.h"
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
      {[](Json& j) { j["budget"]["unit"] = "hours"; }, "expected queries or seconds"},
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
      {[](Json& j) { j["report"]["epochs"] = 3.9; }, "expected a whole number of epochs"},
      {[](Json& j) { j["format_version"] = 99; }, "upgrade naskit"},
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

}  // namespace
}  // namespace naskit
