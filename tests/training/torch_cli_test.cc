// The commands `naskit` hands to naskit-torch: a bad value of each kind of option is exit 2 with a
// message naming the option and the value (the option parser is the suites', tested in depth
// there).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "benchmarks_data/tabular_benchmark.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(TorchCliTest, BadOptionValuesAreClearErrors) {
  const std::string arch = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  const std::string dir = testing::TempDir("torch-cli");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"train", "--arch", arch, "--epochs", "0"},
       "option \"epochs\" must be in [1, 100000] (got 0)"},
      {{"train", "--arch", arch, "--epochs", "4294967297"}, "\"epochs\" is out of range"},
      {{"train", "--arch", arch, "--data-dir", ""}, "option --data-dir is empty"},
      {{"train", "--arch", arch, "--data-dir", "/nonexistent"}, "/nonexistent/train-images"},
      {{"train", "--arch", arch, "--device", "tpu"}, "must be one of cpu, cuda (got \"tpu\")"},
      {{"train", "--arch", arch, "--batch-size", "x"},
       "\"batch_size\" is not an integer (got \"x\")"},
      {{"train", "--arch", arch, "--learning-rate", "100"}, "must be in [1e-08, 10] (got 100)"},
      {{"train", "--arch", arch, "--data-dir", dir},
       dir + "/train-images-idx3-ubyte: file not found"},
      {{"train", "--arch", arch, "--bogus", "1"}, "unknown option \"bogus\""},
      {{"train", "--epochs", "1"}, "missing required option --arch"},
      {{"train", "--space", "darts", "--arch", "x"},
       "space \"darts\" has no LibTorch network (spaces with one: nb101, nb201)"},
      {{"bench", "build", "--out", dir + "/b.h5", "--seeds", "a"},
       "comma-separated integers (got \"a\")"},
      {{"bench", "build", "--out", dir + "/b.h5", "--workers", "0"},
       "\"workers\" must be in [1, 1024]"},
      {{"verify", dir + "/none"}, "none: results folder not found"},
      {{"zc", "--benchmark", dir + "/x.h5", "--proxies", "snip,snyflow"},
       "did you mean \"synflow\""},
      {{"zc", "--benchmark", dir + "/x.h5", "--batch-size", "1"}, "\"batch_size\" must be >= 2"},
      {{"zc", "--benchmark", dir + "/x.h5", "--dataset", "none", "--features-of", "cifar10",
        "--proxies", "synflow,snip"},
       "\"snip\" needs a minibatch"},
  };
  for (const auto& c : cases) {
    const auto r = testing::RunCli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message << "\n" << r.err;
    EXPECT_THAT(r.err, StartsWith("naskit: error: ")) << c.message;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// `naskit zc` writes the file after each proxy; rerun, it skips what the file already holds.
TEST(TorchCliTest, ZeroCostRerunSkipsScoredProxies) {
  const std::string file = testing::TempDir("zc-rerun") + "/toy.h5";
  std::filesystem::copy_file(testing::SyntheticNb201File(), file);
  std::vector<std::string> args = {
      "zc", "--benchmark", file, "--dataset", "synthetic", "--features-of", "toy", "--channels",
      "4",  "--cells",     "1",  "--limit",   "6",         "--threads",     "1",   "--proxies"};
  auto with = [&](const std::string& proxies) {
    auto a = args;
    a.push_back(proxies);
    return a;
  };
  const auto first = testing::RunCli(with("synflow"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto second = testing::RunCli(with("synflow,snip,params"));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, HasSubstr("synflow already scored"));
  const std::string bytes = ReadBytes(file);
  const auto third = testing::RunCli(with("synflow,snip,params"));
  EXPECT_THAT(third.err, HasSubstr("snip already scored"));
  EXPECT_EQ(ReadBytes(file), bytes);

  const auto b = TabularBenchmark::Open(file);
  for (const char* proxy : {"synflow", "snip", "params"}) {
    const Table& t = b.Get(std::string("features/toy/naskit_") + proxy);
    for (std::size_t row = 0; row < b.data().archs.size(); ++row)
      EXPECT_EQ(std::isnan(t.At(row)), row >= 6) << proxy << " row " << row;
  }
}

// Rows are scored in parallel, each on one LibTorch thread: --threads changes no byte of the file.
TEST(TorchCliTest, ZeroCostScoresDoNotDependOnThreads) {
  const std::string dir = testing::TempDir("zc-threads");
  std::map<std::string, std::string> files;
  for (const char* threads : {"1", "2"}) {
    const std::string file = dir + "/toy" + threads + ".h5";
    std::filesystem::copy_file(testing::SyntheticNb201File(), file);
    const auto r = testing::RunCli({"zc", "--benchmark", file, "--dataset", "synthetic",
                                    "--features-of", "toy", "--channels", "8", "--cells", "1",
                                    "--limit", "12", "--threads", threads});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files[threads] = ReadBytes(file);
  }
  EXPECT_TRUE(files["1"] == files["2"]) << "the files differ";
}

}  // namespace
}  // namespace naskit
