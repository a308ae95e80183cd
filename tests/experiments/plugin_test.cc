// Plugins through the CLI: the example plugin loads with --plugin and with a suite's plugins: key
// and its predictor runs in a suite; a plugin that is missing, not a library, or registers a key
// that is taken is a clear error (exit 2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
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

// Registrations that fail are reported with the library's path, one mechanism for every kind of
// failure: a key that is not a name (a default label, hence part of result paths), options whose
// declaration throws (naskit used to abort inside dlopen), a library that registers nothing.
TEST(PluginTest, FailedRegistrationsNameTheLibraryAndEveryProblem) {
  const auto bad = testing::RunCli({"--plugin", NASKIT_BAD_REGISTRATION_PLUGIN, "list"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr(std::string(NASKIT_BAD_REGISTRATION_PLUGIN) +
                                 ": registers predictor \"../escape\", which is not a name"));
  EXPECT_THAT(bad.err, HasSubstr("predictor \"throwing\", whose registration failed: options "
                                 "cannot be described"));
  const auto empty = testing::RunCli({"--plugin", NASKIT_EMPTY_PLUGIN, "list"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr(std::string(NASKIT_EMPTY_PLUGIN) + ": registers nothing"));
}

// Predictors that return fewer predictions than asked, none, or throw from Fit: every caller gets a
// clear error naming the predictor (and the run), exit 2, and no crash or fabricated statistic.
TEST(PluginTest, APredictorThatBreaksItsContractIsAClearError) {
  const std::string dir = testing::TempDir("plugin-contract");
  const std::string benchmark = testing::SyntheticNb201File();
  for (const std::string key : {"short_predictions", "no_predictions", "failing_fit"}) {
    const std::string suite = dir + "/" + key + ".yaml";
    std::ofstream(suite) << "name: contract\ntrials: 0\npredictors:\n  - predictor: " << key
                         << "\nexperiments:\n  - name: toy\n    benchmark: " << benchmark
                         << "\n    datasets: [toy]\n    metric: test_accuracy\n"
                            "    train_sizes: [30]\n    test_size: 50\n";
    const auto run = testing::RunCli({"--plugin", NASKIT_MISBEHAVING_PLUGIN, "eval-predictors",
                                      suite, "--out", dir + "/out-" + key, "--quiet"});
    EXPECT_EQ(run.exit_code, 2) << key << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr("eval-predictors toy/toy/" + key + "/n-30/trial-0: predictor " +
                                   Quote(key)))
        << key;
    EXPECT_FALSE(
        std::filesystem::exists(dir + "/out-" + key + "/toy/toy/" + key + "/n-30/trial-0.json"));
    const auto surrogate =
        testing::RunCli({"--plugin", NASKIT_MISBEHAVING_PLUGIN, "surrogate", benchmark, "--dataset",
                         "toy", "--metric", "test_accuracy", "--predictor", key, "--extra", "10",
                         "--out", dir + "/" + key + ".h5"});
    EXPECT_EQ(surrogate.exit_code, 2) << key << ": " << surrogate.err;
    EXPECT_THAT(surrogate.err, HasSubstr("predictor " + Quote(key))) << key;
  }
  // Values that are not numbers: the surrogate refuses them (it wrote an all-NaN benchmark and
  // reported "Kendall tau 1.000").
  const auto nan = testing::RunCli({"--plugin", NASKIT_MISBEHAVING_PLUGIN, "surrogate", benchmark,
                                    "--dataset", "toy", "--metric", "test_accuracy", "--predictor",
                                    "nan_predictions", "--out", dir + "/nan.h5"});
  EXPECT_EQ(nan.exit_code, 2) << nan.err;
  EXPECT_THAT(nan.err, HasSubstr("predicted NaN or ±inf for "));
  EXPECT_FALSE(std::filesystem::exists(dir + "/nan.h5"));
  EXPECT_THAT(testing::RunCli({"--plugin", NASKIT_MISBEHAVING_PLUGIN, "eval-predictors",
                               dir + "/failing_fit.yaml", "--out", dir + "/again", "--quiet"})
                  .err,
              HasSubstr("its fit on 30 architectures failed: plugin fit failed"));
}

// naskit hands train, bench, verify and zc to naskit-torch with the plugins it loaded, and
// naskit-torch loads them (its --help says which).
TEST(PluginTest, TheLibTorchCommandsGetThePluginsLoaded) {
  if (!std::filesystem::exists(std::filesystem::path(testing::NaskitBinary()).parent_path() /
                               "naskit-torch")) {
    GTEST_SKIP() << "naskit-torch is not built (NASKIT_TORCH=OFF)";
  }
  const std::string loaded =
      "plugin loaded: " + std::filesystem::canonical(NASKIT_EXAMPLE_PLUGIN).string();
  for (const char* command : {"train", "zc", "verify"}) {
    const auto help = testing::RunCli({"--plugin", NASKIT_EXAMPLE_PLUGIN, command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command << ": " << help.err;
    EXPECT_THAT(help.out, HasSubstr(loaded)) << command;
  }
}

TEST(PluginTest, BuiltInKeysAreRegisteredOnce) { EXPECT_NO_THROW(CheckBuiltInRegistrations()); }

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
