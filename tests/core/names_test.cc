// Names that become paths: one validator for every command and file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "core/names.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(NamesTest, AcceptsWhatBenchmarksAndSuitesUse) {
  for (const char* name : {"cifar10", "imagenet16-120", "fashion-mnist", "reinforce_lr0.5",
                           "naskit_synflow", "a+b", "X"}) {
    EXPECT_TRUE(IsValidName(name)) << name;
  }
}

TEST(NamesTest, RejectsWhatCouldLeaveItsFolderOrHide) {
  using namespace std::string_literals;
  for (const std::string& name : {""s, "."s, ".."s, "../x"s, "a/b"s, "/abs"s, ".hidden"s, "a b"s,
                                  "a\\b"s, "x\0y"s, std::string(kMaxNameLength + 1, 'a'), "é"s}) {
    EXPECT_FALSE(IsValidName(name)) << name;
  }
  EXPECT_THAT([] { ValidateName("label", std::string("x\0y", 3)); },
              ThrowsMessage<ConfigError>(HasSubstr("label \"x?y\" cannot be part of a path")));
}

// A command that extends a benchmark cannot turn it into a file Open() refuses.
TEST(NamesTest, WriteBenchmarkRefusesTablePathsOutsideTheFormat) {
  const std::string dir = testing::TempDir("names");
  for (const char* bad : {"features/a/b/naskit_x", "features/../naskit_x", "features/.x/y",
                          "extra/cifar10/x", "features/cifar10"}) {
    BenchmarkData data = testing::SyntheticSparse("nb201", 20);
    Table t;
    t.values.assign(20, 1.0f);
    data.tables[bad] = t;
    EXPECT_THROW(WriteBenchmark(data, dir + "/out.h5"), ConfigError) << bad;
    EXPECT_FALSE(std::filesystem::exists(dir + "/out.h5")) << bad;
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  EXPECT_THAT([&] { WriteBenchmark(testing::SyntheticSparse("nb201", 20), dir); },
              ThrowsMessage<ConfigError>(HasSubstr("is a folder")));
}

}  // namespace
}  // namespace naskit
