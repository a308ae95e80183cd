#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/options.h"
#include "core/rng.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

struct ExampleOptions {
  int population_size = 10;
  double rate = 0.5;
  std::string mode = "fast";
  bool verbose = false;
  template <class V>
  void Visit(V& v) {
    v("population_size", population_size, "individuals kept", AtLeast(2));
    v("rate", rate, "a probability", InRange(0, 1));
    v("mode", mode, "how", OneOf({"fast", "slow"}));
    v("verbose", verbose, "print more");
  }
};

TEST(OptionsTest, DefaultsComeFromTheStruct) {
  const auto infos = DescribeOptions<ExampleOptions>();
  ASSERT_EQ(infos.size(), 4u);
  EXPECT_EQ(infos[0].key, "population_size");
  EXPECT_EQ(infos[0].default_value, "10");
  EXPECT_EQ(infos[0].constraint, ">= 2");
  EXPECT_EQ(infos[1].type, "real");
  EXPECT_EQ(infos[2].constraint, "one of fast, slow");
}

TEST(OptionsTest, ParsesGivenValues) {
  const auto o =
      ParseOptions<ExampleOptions>("x", {{"population_size", "20"}, {"verbose", "true"}});
  EXPECT_EQ(o.population_size, 20);
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.mode, "fast");
  EXPECT_EQ(RecordOptions(o).at("population_size"), "20");
}

TEST(OptionsTest, RejectsUnknownKeyWithSuggestion) {
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("strategy \"x\"", {{"popsize", "3"}});
      },
      ThrowsMessage<ConfigError>(AllOf(HasSubstr("strategy \"x\": unknown option \"popsize\""),
                                       HasSubstr("population_size"))));
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("x", {{"populaton_size", "3"}});
      },
      ThrowsMessage<ConfigError>(HasSubstr("did you mean \"population_size\"?")));
}

TEST(OptionsTest, RejectsOutOfBoundValues) {
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("x", {{"population_size", "1"}});
      },
      ThrowsMessage<ConfigError>(HasSubstr("option \"population_size\" must be >= 2 (got 1)")));
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("x", {{"rate", "1.5"}});
      },
      ThrowsMessage<ConfigError>(HasSubstr("must be in [0, 1] (got 1.5)")));
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("x", {{"mode", "fats"}});
      },
      ThrowsMessage<ConfigError>(HasSubstr("did you mean \"fast\"?")));
}

TEST(OptionsTest, RejectsValuesOfTheWrongType) {
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("x", {{"population_size", "ten"}});
      },
      ThrowsMessage<ConfigError>(HasSubstr("is not an integer (got \"ten\")")));
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("x", {{"rate", "nan"}});
      },
      ThrowsMessage<ConfigError>(HasSubstr("is not a finite number")));
  EXPECT_THAT(
      [] {
        ParseOptions<ExampleOptions>("x", {{"verbose", "maybe"}});
      },
      ThrowsMessage<ConfigError>(HasSubstr("is not a boolean")));
}

TEST(ErrorsTest, DidYouMeanOnlySuggestsPlausibleTypos) {
  EXPECT_EQ(DidYouMean("xgbost", {"gnn", "knn", "xgboost"}), "xgboost");
  EXPECT_EQ(DidYouMean("transformer", {"gnn", "knn", "xgboost"}), "");
  EXPECT_EQ(UnknownNameMessage("predictor", "xgbost", {"gnn", "xgboost"}),
            "unknown predictor \"xgbost\"; known: gnn, xgboost (did you mean \"xgboost\"?)");
}

TEST(RngTest, SameSeedSameStreamAndPurposesDiffer) {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.NextU64(), b.NextU64());
  Rng root(7);
  EXPECT_NE(root.Derive("sample").NextU64(), root.Derive("mutate").NextU64());
  EXPECT_EQ(root.Derive("sample").NextU64(), Rng(7).Derive("sample").NextU64());
  EXPECT_NE(root.Derive(0).NextU64(), root.Derive(1).NextU64());
}

TEST(RngTest, UniformIntCoversRangeEvenly) {
  Rng rng(1);
  std::vector<int> counts(5);
  for (int i = 0; i < 50000; ++i) ++counts[rng.UniformInt(5)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.UniformReal();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(RngTest, CategoricalFollowsWeights) {
  Rng rng(3);
  const std::vector<double> weights = {1, 0, 3};
  std::vector<int> counts(3);
  for (int i = 0; i < 40000; ++i) ++counts[rng.Categorical(weights)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[2] / 40000.0, 0.75, 0.02);
}

}  // namespace
}  // namespace naskit
