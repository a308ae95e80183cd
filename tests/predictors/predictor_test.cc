// The predictor registry in the table-driven core: every registered predictor on every registered
// space predicts once per input (the means alone equal the full prediction's), deterministically
// for a seed and any thread count, refuses to predict before a fit it needs, and learns a known
// function of the encoding; features never read metrics; params and flops agree with the analytic
// network counts; the catalogue lists the LibTorch proxies too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"

#include "experiments/catalog.h"
#include "predictors/features.h"
#include "predictors/predictor.h"
#include "predictors/zero_cost_proxies.h"
#include "records/statistics.h"
#include "spaces/nb201/nb201_network.h"
#include "spaces/nb201/nb201_space.h"
#include "tests/fixtures.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

struct PredictorCase {
  std::string predictor, space;
};
// Test names and messages say "xgboost@nb201" rather than the struct's bytes.
void PrintTo(const PredictorCase& c, std::ostream* os) { *os << c.predictor << "@" << c.space; }

class PredictorConformanceTest : public ::testing::TestWithParam<PredictorCase> {
 protected:
  // The predictor, or nullptr when it refuses the space with a ConfigError that names it (params
  // on a space without a network).
  std::unique_ptr<Predictor> Create(const OptionValues& options = {}) {
    const SearchSpace& space = GetSpace(GetParam().space);
    try {
      return PredictorRegistry::Global().Create(GetParam().predictor, options, {space});
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr(Quote(GetParam().space)));
      return nullptr;
    }
  }
};

TEST_P(PredictorConformanceTest, OnePredictionPerInputAndDeterministic) {
  const SearchSpace& space = GetSpace(GetParam().space);
  auto a = Create(), b = Create();
  if (!a) GTEST_SKIP() << GetParam().predictor << " does not apply to " << GetParam().space;
  const auto train = testing::SampleDistinct(space, 60, 1);
  const auto test = testing::SampleDistinct(space, 40, 2);
  if (a->NeedsFit()) {
    EXPECT_THROW(a->Predict(test), std::logic_error) << "Predict() before Fit()";
    EXPECT_THROW(a->PredictMean(test), std::logic_error) << "PredictMean() before Fit()";
    const auto targets = testing::SyntheticTargets(space, train);
    a->Fit(train, targets, 5);
    b->Fit(train, targets, 5);
  } else {
    const std::vector<double> targets = {1.0};
    EXPECT_THROW(a->Fit(std::span(train).first(1), targets, 0), std::logic_error);
  }
  const Prediction p = a->Predict(test), q = b->Predict(test);
  ASSERT_EQ(p.mean.size(), test.size());
  EXPECT_EQ(p.mean, q.mean);
  EXPECT_EQ(p.stddev, q.stddev);
  EXPECT_EQ(a->PredictMean(test), p.mean) << "the means alone are Predict()'s means";
  if (a->HasUncertainty()) {
    ASSERT_EQ(p.stddev.size(), test.size());
    for (double s : p.stddev) EXPECT_GE(s, 0);
  } else {
    EXPECT_TRUE(p.stddev.empty());
  }
  EXPECT_GT(*std::ranges::max_element(p.mean), *std::ranges::min_element(p.mean))
      << "a predictor that scores every architecture alike ranks nothing";
  EXPECT_TRUE(a->Predict(std::span<const ArchId>()).mean.empty());
  EXPECT_TRUE(a->PredictMean(std::span<const ArchId>()).empty());
  // Batches are independent: one architecture alone gets the prediction it gets in a batch.
  // (up to rounding: a matrix product may block a batch differently).
  EXPECT_NEAR(a->Predict(std::span(test).subspan(3, 1)).mean[0], p.mean[3],
              1e-9 * (1 + std::abs(p.mean[3])));
}

TEST_P(PredictorConformanceTest, ThreadCountDoesNotChangeTheFit) {
  const auto& options = PredictorRegistry::Global().Find(GetParam().predictor).options;
  if (std::ranges::none_of(options, [](const OptionInfo& o) { return o.key == "threads"; })) {
    GTEST_SKIP() << GetParam().predictor << " has no thread option";
  }
  const SearchSpace& space = GetSpace(GetParam().space);
  auto one = Create({{"threads", "1"}}), four = Create({{"threads", "4"}});
  if (!one) GTEST_SKIP();
  const auto train = testing::SampleDistinct(space, 80, 3);
  const auto targets = testing::SyntheticTargets(space, train);
  one->Fit(train, targets, 11);
  four->Fit(train, targets, 11);
  const auto test = testing::SampleDistinct(space, 50, 4);
  EXPECT_EQ(one->Predict(test).mean, four->Predict(test).mean);
}

TEST_P(PredictorConformanceTest, LearnsAKnownFunctionOfTheEncoding) {
  const SearchSpace& space = GetSpace(GetParam().space);
  auto predictor = Create();
  if (!predictor || !predictor->NeedsFit()) GTEST_SKIP() << "not a learned predictor";
  const auto archs = testing::SampleDistinct(space, 700, 6);
  const std::span train(archs.data(), 500), test(archs.data() + 500, 200);
  predictor->Fit(train, testing::SyntheticTargets(space, train), 1);
  const double tau =
      KendallTau(predictor->Predict(test).mean, testing::SyntheticTargets(space, test));
  EXPECT_GE(tau, 0.9) << GetParam().predictor << " on " << GetParam().space;
}

// The predictors this process builds; deferred ones (LibTorch) are tested in the LibTorch tests.
std::vector<PredictorCase> AllCases() {
  std::vector<PredictorCase> cases;
  for (const auto& predictor : PredictorRegistry::Global().Keys()) {
    if (!PredictorRegistry::Global().Find(predictor).library.empty()) continue;
    for (const auto& space : SpaceRegistry::Global().Keys()) cases.push_back({predictor, space});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Registered, PredictorConformanceTest, ::testing::ValuesIn(AllCases()),
                         [](const auto& info) {
                           return info.param.predictor + "_" + info.param.space;
                         });

TEST(PredictorOptionsTest, BoundsAreChecked) {
  const Nb201Space space;
  for (const auto& key : PredictorRegistry::Global().Keys()) {
    for (const OptionInfo& option : PredictorRegistry::Global().Find(key).options) {
      if (option.type != "int" && option.type != "real") continue;
      if (option.constraint.empty()) continue;
      EXPECT_THROW(PredictorRegistry::Global().Create(key, {{option.key, "-1e12"}}, {space}),
                   ConfigError)
          << key << "." << option.key;
    }
  }
}

TEST(FeatureEncoderTest, ReadsAllowedBenchmarkFeaturesOnly) {
  const Nb201Space space;
  EXPECT_THAT(
      [&] { FeatureEncoder("onehot,zc:synflow", {space}, "predictor \"x\""); },
      ThrowsMessage<ConfigError>(HasSubstr("reads a benchmark, and this predictor has none")));
  EXPECT_THAT([&] { FeatureEncoder("onehot,valid_accuracy", {space}, "predictor \"x\""); },
              ThrowsMessage<ConfigError>(HasSubstr("feature \"valid_accuracy\" is unknown")));
  EXPECT_THAT([&] { FeatureEncoder("onehot,,path", {space}, "predictor \"x\""); },
              ThrowsMessage<ConfigError>(HasSubstr("empty entry")));
  const FeatureEncoder both("onehot, path", {space}, "predictor \"x\"");
  EXPECT_EQ(both.Width(),
            space.EncodingSize(Encoding::kOneHot) + space.EncodingSize(Encoding::kPath));
}

// A feature that is NaN or ±inf is missing: the cell leaves the pool (Covers) and encoding it is an
// error naming the cell and the table, never a value handed to a model.
TEST(FeatureEncoderTest, NonFiniteFeaturesAreMissing) {
  BenchmarkData data = testing::SyntheticNb201();
  Table proxy;
  proxy.values.assign(data.archs.size(), 1.0f);
  proxy.values[0] = -INFINITY;
  proxy.values[1] = NAN;
  data.tables["features/toy/proxy"] = proxy;
  const TabularBenchmark benchmark(std::move(data));
  const FeatureEncoder encoder("onehot,zc:proxy", {benchmark.space(), &benchmark, "toy"},
                               "predictor \"x\"");
  const auto& archs = benchmark.data().archs;
  EXPECT_FALSE(encoder.Covers(archs[0]));
  EXPECT_FALSE(encoder.Covers(archs[1]));
  EXPECT_TRUE(encoder.Covers(archs[2]));
  EXPECT_THAT(
      [&] {
        encoder.Encode({&archs[0], 1});
      },
      ThrowsMessage<DataError>(HasSubstr("features/toy/proxy has no finite value for")));
  EXPECT_EQ(encoder.Encode({&archs[2], 1}).back(), 1.0f);
}

// An exact GP's kernel grows with the square of its training set: past its bound the fit is a clear
// error, before anything is allocated.
TEST(PredictorOptionsTest, AGaussianProcessRefusesATrainingSetPastItsBound) {
  const Nb201Space space;
  auto gp = PredictorRegistry::Global().Create("gp", {}, {space});
  std::vector<ArchId> archs(5001);
  for (std::size_t i = 0; i < archs.size(); ++i) archs[i] = i;
  const std::vector<double> targets(archs.size(), 1.0);
  EXPECT_THAT([&] { gp->Fit(archs, targets, 0); },
              ThrowsMessage<ConfigError>(HasSubstr("it fits at most 5000")));
}

TEST(ModelSizePredictorTest, CountsTheNetworkOfItsOptions) {
  const Nb201Space space;
  const ArchId arch = space.Parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|");
  auto params = PredictorRegistry::Global().Create("params", {{"network.channels", "8"}}, {space});
  auto flops = PredictorRegistry::Global().Create("flops", {}, {space});
  Nb201MacroOptions narrow;
  narrow.channels = 8;
  EXPECT_EQ(params->Predict({&arch, 1}).mean[0], Nb201NetworkCost(arch, narrow).params);
  EXPECT_EQ(flops->Predict({&arch, 1}).mean[0], Nb201NetworkCost(arch, Nb201MacroOptions{}).flops);
}

TEST(PredictorRegistryTest, BadKeysAndOptionsAreClearErrors) {
  const Nb201Space space;
  EXPECT_THAT([&] { PredictorRegistry::Global().Create("parms", {}, {space}); },
              ThrowsMessage<ConfigError>(HasSubstr("did you mean \"params\"")));
  EXPECT_THAT(
      [&] {
        PredictorRegistry::Global().Create("flops", {{"network.channels", "0"}}, {space});
      },
      ThrowsMessage<ConfigError>(HasSubstr("predictor \"flops\"")));
  EXPECT_THAT(
      [&] {
        PredictorRegistry::Global().Create("flops", {{"network.chanels", "8"}}, {space});
      },
      ThrowsMessage<ConfigError>(HasSubstr("chanels")));
}

TEST(ModelSizePredictorTest, ASpaceWithoutANetworkIsAClearError) {
  // toy_bits: the test space of tests/spaces/toy_space_test.cc.
  EXPECT_THAT([] { PredictorRegistry::Global().Create("params", {}, {GetSpace("toy_bits")}); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("space \"toy_bits\" has no registered network to count (spaces with "
                            "one: darts, nb101, nb201)")));
  // Another space's network is refused; left at its default, the option counts the space's own.
  EXPECT_THAT(
      [] {
        PredictorRegistry::Global().Create("params", {{"network", "nb201"}, {"network.cells", "2"}},
                                           {GetSpace("nb101")});
      },
      ThrowsMessage<ConfigError>(HasSubstr("option \"network\" is \"nb201\", but the space is")));
  const auto nb101 = PredictorRegistry::Global().Create("params", {}, {GetSpace("nb101")});
  const ArchId arch = GetSpace("nb101").Parse(
      "0100001|0010000|0001000|0000100|0000010|0000001|0000000;"
      "input,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,"
      "output");
  EXPECT_GT(nb101->Predict({&arch, 1}).mean[0], 1e6);
}

TEST(PredictorRegistryTest, CatalogueListsTheLibTorchProxiesWithTheirOptions) {
  const CatalogKind kind = FindKind("predictors");
  for (const auto& proxy : ZeroCostProxies()) {
    const CatalogEntry& entry = FindEntry(kind, proxy.key);
    EXPECT_FALSE(entry.options.empty()) << proxy.key;
  }
  EXPECT_NO_THROW(FindEntry(kind, "params"));
}

}  // namespace
}  // namespace naskit
