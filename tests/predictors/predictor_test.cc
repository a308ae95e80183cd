// The predictor registry in the table-driven core: every registered predictor is deterministic and
// honest about needing a fit; params and flops agree with the analytic network counts; the
// catalogue lists the LibTorch proxies too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/errors.h"
#include "experiments/catalog.h"
#include "predictors/predictor.h"
#include "predictors/zero_cost_proxies.h"
#include "spaces/nb201/nb201_macro.h"
#include "spaces/nb201/nb201_space.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class PredictorConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PredictorConformanceTest, DeterministicAndFitOnlyWhenNeeded) {
  const Nb201Space space;
  auto a = PredictorRegistry::Global().Create(GetParam(), {}, {space});
  auto b = PredictorRegistry::Global().Create(GetParam(), {}, {space});
  Rng rng(7);
  std::vector<double> scores;
  for (int i = 0; i < 20; ++i) {
    const ArchId arch = space.Sample(rng);
    scores.push_back(a->Predict(arch));
    EXPECT_EQ(scores.back(), b->Predict(arch));
  }
  EXPECT_GT(*std::ranges::max_element(scores), *std::ranges::min_element(scores))
      << "a predictor that scores every architecture alike ranks nothing";
  if (!a->NeedsFit()) {
    const std::vector<ArchId> archs = {0};
    const std::vector<double> targets = {1.0};
    EXPECT_THROW(a->Fit(archs, targets), std::logic_error);
  }
}

INSTANTIATE_TEST_SUITE_P(Registered, PredictorConformanceTest,
                         ::testing::ValuesIn(PredictorRegistry::Global().Keys()));

TEST(ModelSizePredictorTest, CountsTheNetworkOfItsOptions) {
  const Nb201Space space;
  const ArchId arch = space.Parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|");
  auto params = PredictorRegistry::Global().Create("params", {{"network.channels", "8"}}, {space});
  auto flops = PredictorRegistry::Global().Create("flops", {}, {space});
  Nb201MacroOptions narrow;
  narrow.channels = 8;
  EXPECT_EQ(params->Predict(arch), Nb201NetworkCost(arch, narrow).params);
  EXPECT_EQ(flops->Predict(arch), Nb201NetworkCost(arch, Nb201MacroOptions{}).flops);
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
  EXPECT_THAT([] { PredictorRegistry::Global().Create("params", {}, {GetSpace("nb101")}); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("space \"nb101\" has no registered network to count (spaces with "
                            "one: nb201)")));
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
