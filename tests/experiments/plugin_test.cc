// Plugins through the CLI: the example plugin loads with --plugin and with a suite's plugins: key
// and its predictor runs in a suite; a plugin that is missing, not a library, or registers a key
// that is taken is a clear error (exit 2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/plugins.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;

TEST(PluginTest, ExamplePluginRegistersItsPredictor) {
  const auto listed =
      testing::RunCli({"--plugin", NASKIT_EXAMPLE_PLUGIN, "describe", "predictor", "knn"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("neighbours averaged"));
  const auto without = testing::RunCli({"describe", "predictor", "knn"});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_THAT(without.err, HasSubstr("unknown predictor \"knn\""));
}

TEST(PluginTest, ASuiteLoadsItsPluginsAndRunsTheirPredictors) {
  const std::string dir = testing::TempDir("plugin-suite");
  const std::string suite = dir + "/suite.yaml";
  std::ofstream(suite) << "name: plugin\ntrials: 0..1\nplugins: [" << NASKIT_EXAMPLE_PLUGIN
                       << "]\npredictors:\n  - predictor: knn\n    options: {k: 3}\n"
                          "experiments:\n  - name: toy\n    benchmark: "
                       << testing::SyntheticNb201File()
                       << "\n    datasets: [toy]\n    metric: test_accuracy\n"
                          "    train_sizes: [30]\n    test_size: 50\n";
  const auto run = testing::RunCli({"eval-predictors", suite, "--out", dir + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/toy/toy/knn/n-30/trial-1.json"));
  const auto report = testing::RunCli({"report", dir + "/out"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("| knn |"));
}

TEST(PluginTest, BadPluginsAreClearErrors) {
  const auto taken = testing::RunCli({"--plugin", NASKIT_CONFLICTING_PLUGIN, "list"});
  EXPECT_EQ(taken.exit_code, 2);
  EXPECT_THAT(taken.err, HasSubstr("registers predictor \"xgboost\", already registered"));
  const auto missing = testing::RunCli({"--plugin", "/no/such/plugin.so", "list"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("/no/such/plugin.so: plugin not found"));
  const std::string text = testing::TempDir("plugin-text") + "/not_a_library.so";
  std::ofstream(text) << "not a shared library\n";
  const auto bad = testing::RunCli({"--plugin", text, "list"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("cannot load plugin"));
}

TEST(PluginTest, BuiltInKeysAreRegisteredOnce) { EXPECT_NO_THROW(CheckRegistrationConflicts()); }

// A naskit without its LibTorch layer beside it says which library a predictor needs.
TEST(PluginTest, AMissingLibTorchLayerIsAClearError) {
  const std::string dir = testing::TempDir("no-torch");
  const std::string binary = dir + "/naskit";
  std::filesystem::copy_file(testing::NaskitBinary(), binary);
  const std::string suite = dir + "/suite.yaml";
  std::ofstream(suite) << "name: gnn\ntrials: 0\npredictors:\n  - predictor: gin\n"
                          "experiments:\n  - name: toy\n    benchmark: "
                       << testing::SyntheticNb201File()
                       << "\n    datasets: [toy]\n    metric: test_accuracy\n"
                          "    train_sizes: [20]\n";
  const std::string command = "env -u NASKIT_PLUGIN_PATH " + binary + " eval-predictors " + suite +
                              " --out " + dir + "/out 2>" + dir + "/err";
  EXPECT_EQ(WEXITSTATUS(std::system(command.c_str())), 2);
  std::ifstream err(dir + "/err");
  const std::string message((std::istreambuf_iterator<char>(err)),
                            std::istreambuf_iterator<char>());
  EXPECT_THAT(message, HasSubstr("predictor \"gin\" is built by libnaskit_torch.so, which was not "
                                 "found (searched " +
                                 dir));
}

}  // namespace
}  // namespace naskit
