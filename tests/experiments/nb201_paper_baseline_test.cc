// The NB201 paper suite gives the runs it gave before spaces became generic (sparse benchmarks,
// non-dense ids): the result files of three seeds were recorded with the earlier naskit and are
// compared here value by value, on the NB201 file naskit ships.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "experiments/suite_runner.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

TEST(Nb201PaperBaselineTest, TrajectoriesAndValuesAreUnchanged) {
  const std::string source = NASKIT_SOURCE_DIR;
  const Suite suite =
      LoadSuite(source + "/experiments/nb201_paper.yaml",
                {"seeds=[0, 1, 499]", "benchmark=" + source + "/benchmarks_data/nb201.h5"});
  RunnerOptions options;
  options.out_dir = testing::TempDir("nb201-baseline");
  options.jobs = 2;
  options.progress = false;
  RunSuite(suite, options);
  const fs::path baseline = source + "/tests/data/nb201_paper_baseline";
  std::size_t compared = 0;
  for (const auto& entry : fs::recursive_directory_iterator(baseline)) {
    if (entry.path().extension() != ".json") continue;
    json expected = ReadJson(entry.path());
    json actual = ReadJson(fs::path(options.out_dir) / fs::relative(entry.path(), baseline));
    // Where the benchmark file lay differs, and so does its checksum: the file has gained naskit's
    // zero-cost feature tables since (`naskit zc`), which no search here reads; a change to a table
    // it does read shows in the values compared. The result format gained its name, its version and
    // the run's wall-clock timing since.
    for (json* result : {&expected, &actual}) {
      (*result)["benchmark"].erase("path");
      (*result)["benchmark"].erase("checksum");
    }
    EXPECT_EQ(actual["format_version"], 1) << entry.path();
    actual.erase("format");
    actual.erase("format_version");
    actual.erase("timing");
    EXPECT_EQ(actual, expected) << entry.path();
    ++compared;
  }
  EXPECT_EQ(compared, 48u);  // 4 strategies x 4 experiments x 3 seeds
}

}  // namespace
}  // namespace naskit
