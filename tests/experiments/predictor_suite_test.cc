// Predictor suites: splits are disjoint and reproducible per trial, the same for every predictor;
// suite errors name the file, key and value; a suite gives the same results (timings aside) with
// any --jobs and after an interruption; the report has a table and a figure per dataset.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/report.h"
#include "core/errors.h"
#include "experiments/predictor_suite.h"
#include "records/predictor_result.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::string WriteSuite(const std::string& dir, const std::string& body) {
  fs::create_directories(dir);
  std::string path = dir + "/predictors.yaml";
  std::ofstream(path) << body;
  return path;
}

std::string SmallSuite(const std::string& benchmark) {
  return "name: small\ntrials: 0..2\npredictors:\n  - predictor: ridge\n  - predictor: xgboost\n"
         "    options: {rounds: 20, features: [onehot, params]}\n"
         "experiments:\n  - name: toy\n    benchmark: " +
         benchmark +
         "\n    datasets: [toy]\n    metric: test_accuracy\n    train_sizes: [20, 50]\n"
         "    test_size: 100\n";
}

TEST(PoolSplitTest, DisjointReproducibleAndSharedAcrossTrainSizes) {
  const PoolSplit a = SplitPool(1000, 3, "cifar10", 50, 200, false);
  const PoolSplit b = SplitPool(1000, 3, "cifar10", 50, 200, false);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.test, b.test);
  std::set<std::size_t> train(a.train.begin(), a.train.end()), test(a.test.begin(), a.test.end());
  EXPECT_EQ(train.size(), 50u);
  EXPECT_EQ(test.size(), 200u);
  for (std::size_t i : train) EXPECT_FALSE(test.contains(i));
  // The fixed test set does not move with n; the train sets grow.
  const PoolSplit bigger = SplitPool(1000, 3, "cifar10", 100, 200, false);
  EXPECT_EQ(bigger.test, a.test);
  EXPECT_TRUE(std::equal(a.train.begin(), a.train.end(), bigger.train.begin()));
  // Another trial or dataset draws another split.
  EXPECT_NE(SplitPool(1000, 4, "cifar10", 50, 200, false).train, a.train);
  EXPECT_NE(SplitPool(1000, 3, "cifar100", 50, 200, false).train, a.train);
  // "rest": everything not trained on is tested.
  const PoolSplit rest = SplitPool(1000, 3, "cifar10", 50, 0, true);
  EXPECT_EQ(rest.train.size() + rest.test.size(), 1000u);
  std::set<std::size_t> all(rest.train.begin(), rest.train.end());
  all.insert(rest.test.begin(), rest.test.end());
  EXPECT_EQ(all.size(), 1000u);
}

TEST(PredictorSuiteTest, ErrorsNameTheFileKeyAndValue) {
  const std::string dir = testing::TempDir("predictor-suite-errors");
  const std::string benchmark = testing::SyntheticNb201File();
  EXPECT_THAT(
      [&] {
        LoadPredictorSuite(WriteSuite(
            dir, "name: x\ntrials: 0\npredictors:\n  - predictor: xgbost\nexperiments: []\n"));
      },
      ThrowsMessage<ConfigError>(HasSubstr("did you mean \"xgboost\"")));
  // A trial listed twice names the key it is under, and a range ending at 2^64 - 1 ends.
  std::string twice = SmallSuite(benchmark);
  twice.replace(twice.find("trials: 0..2"), 12, "trials: [3, 1, 3]");
  EXPECT_THAT([&] { LoadPredictorSuite(WriteSuite(dir, twice)); },
              ThrowsMessage<ConfigError>(HasSubstr("key \"trials\": lists 3 twice")));
  std::string last = SmallSuite(benchmark);
  last.replace(last.find("trials: 0..2"), 12, "trials: 18446744073709551613..18446744073709551615");
  EXPECT_EQ(LoadPredictorSuite(WriteSuite(dir, last)).trials,
            (std::vector<std::uint64_t>{18446744073709551613u, 18446744073709551614u,
                                        18446744073709551615u}));
  std::string text = SmallSuite(benchmark);
  text += "    predictors: [ridge, gp]\n";
  EXPECT_THAT([&] { LoadPredictorSuite(WriteSuite(dir, text)); },
              ThrowsMessage<ConfigError>(HasSubstr("unknown predictor label \"gp\"")));
  const PredictorSuite too_big = LoadPredictorSuite(WriteSuite(dir, SmallSuite(benchmark)),
                                                    {"experiments.toy.test_size=15600"});
  RunnerOptions options;
  options.out_dir = dir + "/out";
  options.progress = false;
  EXPECT_THAT([&] { RunPredictorSuite(too_big, options); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("15625 architectures have test_accuracy and every feature the "
                            "predictors read; train size 50 and test_size 15600 need 15650")));
  EXPECT_THAT(
      [&] {
        LoadPredictorSuite(WriteSuite(dir, SmallSuite(benchmark)),
                           {"predictors.ridge.options.alpha=-1"});
      },
      ThrowsMessage<ConfigError>(HasSubstr("alpha")));
  // NB201 records validation accuracy at 12 and 200 epochs: the suite names which it predicts.
  std::string fidelities = SmallSuite(std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5");
  fidelities.replace(fidelities.find("[toy]"), 5, "[cifar10]");
  fidelities.replace(fidelities.find("test_accuracy"), 13, "valid_accuracy");
  EXPECT_THAT([&] { RunPredictorSuite(LoadPredictorSuite(WriteSuite(dir, fidelities)), options); },
              ThrowsMessage<ConfigError>(HasSubstr(
                  "key \"epochs\": metric \"cifar10/valid_accuracy\" records several epoch "
                  "counts (12, 200): name one")));
}

// The result files without their wall-clock timings.
std::map<std::string, nlohmann::json> Results(const std::string& dir) {
  std::map<std::string, nlohmann::json> results;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    auto j = nlohmann::json::parse(std::ifstream(entry.path()));
    j.erase("timing");
    results[fs::relative(entry.path(), dir).string()] = j;
  }
  return results;
}

TEST(PredictorSuiteTest, SameResultsWithAnyJobsAndAfterAnInterruption) {
  const std::string dir = testing::TempDir("predictor-suite-jobs");
  const PredictorSuite suite =
      LoadPredictorSuite(WriteSuite(dir, SmallSuite(testing::SyntheticNb201File())));
  RunnerOptions one;
  one.out_dir = dir + "/one";
  one.progress = false;
  EXPECT_EQ(RunPredictorSuite(suite, one).completed, 12u);
  RunnerOptions two = one;
  two.out_dir = dir + "/two";
  two.jobs = 2;
  RunPredictorSuite(suite, two);
  // Half of the runs, then the rest: a resumed suite.
  RunnerOptions shard = one;
  shard.out_dir = dir + "/resumed";
  shard.shard_count = 2;
  RunPredictorSuite(suite, shard);
  shard.shard_count = 1;
  const RunnerSummary resumed = RunPredictorSuite(suite, shard);
  EXPECT_EQ(resumed.already_done, 6u);
  EXPECT_EQ(resumed.completed, 6u);
  const auto expected = Results(one.out_dir);
  EXPECT_EQ(Results(two.out_dir), expected);
  EXPECT_EQ(Results(shard.out_dir), expected);
  const auto& result = expected.at("toy/toy/xgboost/n-50/trial-1.json");
  EXPECT_EQ(result["train_size"], 50);
  EXPECT_EQ(result["test_size"], 100);
  EXPECT_EQ(result["target"]["epochs"], 200) << "the only epoch count the metric records";
  EXPECT_GT(result["metrics"]["kendall_tau"].get<double>(), 0.3)
      << "the synthetic values are a function of the ops: a fitted predictor ranks them";
  EXPECT_GT(result["metrics"]["rmse"].get<double>(), 0);
  EXPECT_GT(result["metrics"]["rmse_top_10"].get<double>(), 0);

  const ReportFiles report = WriteReport(one.out_dir, dir + "/report");
  EXPECT_THAT(report.summary_markdown, HasSubstr("| predictor | n = 20 | n = 50 |"));
  EXPECT_THAT(report.summary_markdown, HasSubstr("| xgboost |"));
  EXPECT_THAT(report.summary_markdown, HasSubstr("| RMSE | RMSE, best 10% |"));
  std::stringstream csv;
  csv << std::ifstream(dir + "/report/predictors.csv").rdbuf();
  EXPECT_THAT(csv.str(), HasSubstr(",rmse_mean,rmse_top_10_mean,"));
  EXPECT_TRUE(fs::exists(dir + "/report/plots/toy__toy__kendall_tau.svg"));
  EXPECT_TRUE(fs::exists(dir + "/report/predictors.csv"));
}

// One type, one writer, one reader: every trial's file reads back and writes the same bytes; a
// tampered one is refused naming the key (an impossible statistic, a label that would break the
// report's Markdown and CSV, a version that wraps, counts that do not add up).
TEST(PredictorResultTest, ReadsBackWhatItWroteAndRefusesWhatItCouldNotHave) {
  const std::string dir = testing::TempDir("predictor-result");
  const PredictorSuite suite =
      LoadPredictorSuite(WriteSuite(dir, SmallSuite(testing::SyntheticNb201File())));
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  RunPredictorSuite(suite, options);
  std::string one;
  for (const auto& entry : fs::recursive_directory_iterator(options.out_dir)) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "checksums.json") {
      continue;
    }
    std::stringstream text;
    text << std::ifstream(entry.path()).rdbuf();
    EXPECT_EQ(PredictorResultJson(ReadPredictorResult(entry.path().string())), text.str());
    one = entry.path().string();
  }
  ASSERT_FALSE(one.empty());
  const nlohmann::json good = nlohmann::json::parse(std::ifstream(one));

  // A trial whose tau is undefined (a constant prediction) is counted and shown, not averaged in.
  nlohmann::json undefined = good;
  undefined["metrics"]["kendall_tau"] = nullptr;
  std::ofstream(one) << undefined.dump();
  const ReportFiles report = WriteReport(options.out_dir, dir + "/report");
  EXPECT_THAT(report.summary_markdown, HasSubstr("(1 of 3 undefined)"));
  // A file of a naskit that recorded no errors reads, and its errors are undefined, not zero.
  nlohmann::json older = good;
  older["metrics"].erase("rmse");
  older["metrics"].erase("rmse_top_10");
  std::ofstream(one) << older.dump();
  EXPECT_TRUE(std::isnan(ReadPredictorResult(one).rmse));
  EXPECT_THAT(WriteReport(options.out_dir, dir + "/report").summary_markdown,
              HasSubstr("(1 undefined)"));
  std::ofstream(one) << good.dump();
  const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases = {
      {[](auto& j) { j["metrics"]["kendall_tau"] = 1.7e308; }, "key \"metrics.kendall_tau\""},
      {[](auto& j) { j["metrics"]["precision_at_10"] = -0.5; }, "metrics.precision_at_10"},
      {[](auto& j) { j["metrics"]["rmse_top_10"] = -1; }, "key \"metrics.rmse_top_10\""},
      {[](auto& j) { j["label"] = "x | y\n"; }, "key \"label\": expected a name"},
      {[](auto& j) { j["format_version"] = 4294967297; }, "key \"format_version\""},
      {[](auto& j) { j["train_size"] = 100000; }, "key \"train_size\""},
      {[](auto& j) { j["test"] = "all"; }, "expected rest or fixed"},
      {[](auto& j) { j["timing"]["fit_seconds"] = -1; }, "key \"timing.fit_seconds\""},
      {[](auto& j) { j.erase("metrics"); }, "key \"metrics.kendall_tau\": missing"},
  };
  for (const auto& [edit, message] : cases) {
    nlohmann::json j = good;
    edit(j);
    const std::string path = dir + "/tampered.json";
    std::ofstream(path) << j.dump();
    EXPECT_THAT([&] { ReadPredictorResult(path); },
                ThrowsMessage<DataError>(AllOf(HasSubstr(path), HasSubstr(message))))
        << message;
  }
}

}  // namespace
}  // namespace naskit
