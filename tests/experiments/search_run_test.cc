// A search run on a benchmark with holes: a signal the benchmark never measured stops the run with
// a DataError naming the architecture, instead of steering the search with a made-up value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "experiments/search_run.h"
#include "tests/fixtures.h"

namespace naskit {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(SearchRunTest, AnUnmeasuredSignalIsADataErrorNamingTheArchitecture) {
  BenchmarkData data = testing::SyntheticNb201();
  for (float& v : data.tables["metrics/toy/valid_accuracy"].values) v = NAN;
  const TabularBenchmark benchmark(std::move(data));
  SearchSettings settings;
  settings.dataset = "toy";
  settings.budget = 10;
  const PreparedSearch search(benchmark, settings);
  EXPECT_THAT([&] { ExecuteRun(search, "random", {}, 0); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("toy/valid_accuracy was not measured for"),
                                             HasSubstr("|"), HasSubstr("at 12 epochs"))));
}

}  // namespace
}  // namespace naskit
