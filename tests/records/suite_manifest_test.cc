// A results folder's manifest: the suite's name and the order of its labels and experiments, for
// search and predictor suites; none without a suite.yaml; a DataError naming the file otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.h"
#include "records/suite_manifest.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(SuiteManifestTest, ReadsTheOrderOfSearchAndPredictorSuites) {
  const std::string dir = testing::TempDir("manifest");
  EXPECT_FALSE(ReadSuiteManifest(dir));
  std::ofstream(dir + "/suite.yaml") << R"(name: s
strategies: [{strategy: random}, {strategy: bananas, label: bananas_rf}]
experiments: [{name: b}, {name: a}]
)";
  auto m = ReadSuiteManifest(dir);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "s");
  EXPECT_FALSE(m->predictors);
  EXPECT_THAT(m->labels, ElementsAre("random", "bananas_rf"));
  EXPECT_THAT(m->experiments, ElementsAre("b", "a"));

  std::ofstream(dir + "/suite.yaml") << "name: p\npredictors: [{predictor: gp}]\nexperiments: []\n";
  m = ReadSuiteManifest(dir);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->predictors);
  EXPECT_THAT(m->labels, ElementsAre("gp"));
  EXPECT_TRUE(IsPredictorSuite(dir + "/suite.yaml"));

  for (const char* bad : {"name: [unclosed\n", "- a list\n", "strategies: [{label: 3: 4}]\n"}) {
    std::ofstream(dir + "/suite.yaml") << bad;
    EXPECT_THAT([&] { ReadSuiteManifest(dir); },
                ThrowsMessage<DataError>(HasSubstr(dir + "/suite.yaml: not the suite file")))
        << bad;
  }
}

}  // namespace
}  // namespace naskit
