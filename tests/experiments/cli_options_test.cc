// Every option of every `naskit` command, given a bad value: exit 2 (1 for an I/O fault) and a
// message that names the option or file and the value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using testing::RunCli;
using ::testing::StartsWith;

struct Case {
  std::vector<std::string> args;
  int exit_code;
  std::string message;
};

void ExpectAll(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    const auto r = RunCli(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.message << "\n" << r.err;
    EXPECT_THAT(r.err, StartsWith("naskit: error: ")) << c.message;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

TEST(CliOptionsTest, ListAndDescribe) {
  ExpectAll({
      {{"list", "bogus"}, 2, "unknown kind \"bogus\""},
      {{"list", "--kind"}, 2, "--kind"},
      {{"describe", "strategy"}, 2, "describe KIND KEY: missing the KEY"},
      {{"describe", "strategies", "rando"}, 2, "did you mean \"random\""},
      {{"describe", "predictor", "snipp"}, 2, "did you mean \"snip\""},
  });
}

TEST(CliOptionsTest, InfoQueryImport) {
  NASKIT_REQUIRE_NB201(bench);
  const std::vector<std::string> q = {"query",   "--benchmark", bench,          "--dataset",
                                      "cifar10", "--metric",    "test_accuracy"};
  auto query = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), q.begin(), q.end());
    return extra;
  };
  const std::string dir = testing::TempDir("cli-options");
  ExpectAll({
      {{"info", dir + "/none.h5"}, 2, "none.h5: benchmark file not found"},
      {{"info"}, 2, "'--benchmark' is required"},
      {query({"--index", "abc"}), 2, "--index is not an integer (got \"abc\")"},
      {query({"--index", "-1"}), 2, "--index must be >= 0 (got -1)"},
      {query({"--index", "1", "--epochs", "x"}), 2,
       "option \"epochs\" is not an integer (got \"x\")"},
      {query({"--index", "1", "--epochs", "-5"}), 2, "no column for -5 epochs"},
      {query({"--arch", "|x~0|"}), 2, "unknown op \"x\""},
      {{"query", "--benchmark", bench, "--index", "1", "--metric", "test_accuracy"},
       2,
       "'--dataset' is required"},
      {{"query", "--benchmark", dir + "/x.h5", "--index", "1", "--dataset", "d", "--metric", "m"},
       2,
       "x.h5: benchmark file not found"},
      {{"import", "nb102", "--from", dir, "--out", dir + "/o.h5"}, 2, "unknown importer"},
      {{"import", "nb201", "--from", dir + "/missing", "--out", dir + "/o.h5"},
       2,
       "missing: source file \"derived/nb201.csv\" not found"},
      {{"import", "nb201", "--from", dir}, 2, "'--out' is required"},
      {{"surrogate", bench, "--out", dir + "/s.h5", "--holdout", "2"},
       2,
       "surrogate: option \"holdout\" must be in [0.01, 0.99] (got 2)"},
      {{"surrogate", bench, "--out", dir + "/s.h5", "--predictor-option", "depth"},
       2,
       "--predictor-option: expected key=value (got \"depth\")"},
      {{"surrogate", bench, "--out", dir + "/s.h5", "--predictor-option", "dept=3"},
       2,
       "predictor \"xgboost\": unknown option \"dept\""},
      {{"surrogate", bench, "--out", dir + "/s.h5", "--predictor", "xgbost"}, 2, "xgbost"},
      {{"surrogate", bench, "--out", dir + "/s.h5", "--extra", "-1"},
       2,
       "option \"extra\" must be in [0, 10000000] (got -1)"},
      {{"surrogate", bench, "--out", bench}, 2, "is the benchmark it is fitted on"},
      {{"surrogate", bench, "--out", dir + "/s.h5", "--extra", "20000000"},
       2,
       "option \"extra\" must be in [0, "},
  });
}

TEST(CliOptionsTest, RunAndReport) {
  const std::string dir = testing::TempDir("cli-options-run");
  const std::string suite = dir + "/suite.yaml";
  std::ofstream(suite) << "name: s\nbenchmark: " NASKIT_SOURCE_DIR
                          "/benchmarks_data/nb201_fashion_mnist.h5\nseeds: 0..1\n"
                          "strategies:\n  - strategy: random\nexperiments:\n"
                          "  - name: e\n    datasets: [fashion-mnist]\n    signal_epochs: 4\n"
                          "    report_epochs: 4\n    budgets: [3]\n";
  std::ofstream(dir + "/broken.yaml") << "name: p\npredictors: [unclosed\n";
  ExpectAll({
      {{"eval-predictors", dir + "/broken.yaml"}, 2, "broken.yaml"},
      {{"eval-predictors", suite}, 2, "not a predictor suite (it has no \"predictors\" key)"},
      {{"run", dir + "/none.yaml"}, 2, "none.yaml: suite file not found"},
      {{"run", suite, "--jobs", "0"}, 2, "option \"jobs\" must be in [1, 1024] (got 0)"},
      {{"run", suite, "--jobs", "100000"}, 2, "option \"jobs\" must be in [1, 1024] (got 100000)"},
      {{"run", suite, "--jobs", "many"}, 2, "option \"jobs\" is not an integer (got \"many\")"},
      {{"run", suite, "--shard", "3/2"}, 2, "--shard: expected i/n with 1 <= i <= n"},
      {{"run", suite, "--shard", "half"}, 2, "(got \"half\")"},
      {{"run", suite, "--shard", "1x/2"}, 2, "(got \"1x/2\")"},
      {{"run", suite, "--shard", "1/2/3"}, 2, "(got \"1/2/3\")"},
      {{"run", suite, "--out", ""}, 2, "--out is empty (expected a value)"},
      {{"run", dir}, 2, "is a folder, not a suite file"},
      {{"info", dir}, 2, "not a regular file"},
      {{"run", suite, "--set", "seeds"}, 2, "--set: expected key=value (got \"seeds\")"},
      {{"run", suite, "--set", "seeds=5..1"}, 2, "key \"seeds\": empty range (got \"5..1\""},
      {{"run", suite, "--set", "sedes=1"}, 2, "unknown key \"sedes\""},
      {{"run", suite, "--out", "/proc/naskit-results"}, 1, "/proc/naskit-results: cannot create"},
      {{"report", dir + "/missing"}, 2, "missing: results folder not found"},
  });
}

}  // namespace
}  // namespace naskit
