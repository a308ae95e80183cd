// The DARTS importer reads NAS-Bench-Suite-Zero's JSON: values the format cannot hold faithfully
// (a finite number beyond float32, a negative parameter count) are errors naming the file and the
// architecture or table, never stored.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "benchmarks_data/importer.h"
#include "core/errors.h"
#include "core/rng.h"
#include "spaces/search_space.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// A folder holding zc_nasbench301.json with three cells; `edit` changes the first cell's scores.
std::string ZeroCostFolder(const std::function<void(nlohmann::json&)>& edit) {
  const SearchSpace& space = GetSpace("darts");
  Rng rng(3);
  nlohmann::json cells = nlohmann::json::object();
  for (int i = 0; i < 3; ++i) {
    cells[space.Format(space.Sample(rng))] = {
        {"val_accuracy", 90.0 + i}, {"params", 1.5}, {"synflow", 10.0 * i}};
  }
  edit(cells.begin().value());
  std::string dir = testing::TempDir("darts-import");
  std::ofstream(dir + "/zc_nasbench301.json")
      << nlohmann::json{{"nasbench301", {{"cifar10", cells}}}}.dump();
  return dir;
}

BenchmarkData Import(const std::string& dir) {
  return ImporterRegistry::Global().Create("darts", OptionValues{})->Import(dir);
}

TEST(DartsImporterTest, ValuesTheFormatCannotHoldAreErrors) {
  const BenchmarkData good = Import(ZeroCostFolder([](nlohmann::json&) {}));
  EXPECT_EQ(good.archs.size(), 3u);
  EXPECT_NO_THROW(TabularBenchmark(good, "imported.h5"));

  EXPECT_THAT([] { Import(ZeroCostFolder([](nlohmann::json& s) { s["synflow"] = 1e300; })); },
              ThrowsMessage<DataError>(
                  AllOf(HasSubstr("zc_nasbench301.json: architecture"),
                        HasSubstr("\"synflow\": 1e+300 does not fit the format's 32-bit floats"))));
  EXPECT_THAT([] { Import(ZeroCostFolder([](nlohmann::json& s) { s["params"] = "big"; })); },
              ThrowsMessage<DataError>(HasSubstr("\"params\" is \"big\" (expected a number)")));
  const BenchmarkData negative =
      Import(ZeroCostFolder([](nlohmann::json& s) { s["params"] = -2; }));
  EXPECT_THAT(
      [&] { TabularBenchmark(negative, "imported.h5"); },
      ThrowsMessage<DataError>(HasSubstr(
          "\"/features/cifar10/params\" holds -2 at row 0 (expected a finite value >= 0)")));
}

}  // namespace
}  // namespace naskit
