// The DARTS network's analytic counts against NAS-Bench-Suite-Zero's columns for its 500 cells.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "spaces/darts/darts_network.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

TEST(DartsNetworkTest, ParamsAndFlopsMatchThePublishedZeroCostTable) {
  NASKIT_REQUIRE_SHARED(path, "nas-bench-suite-zero/zc_nasbench301.json");
  std::ifstream in(path);
  const auto cells = nlohmann::json::parse(in)["nasbench301"]["cifar10"];
  const SearchSpace& space = GetSpace("darts");
  int checked = 0;
  double worst_flops_error = 0;
  for (const auto& [arch, values] : cells.items()) {
    const NetworkCost cost = DartsNetworkCost(space.Parse(arch), {});
    // The file gives millions with six decimals: params must agree exactly.
    EXPECT_NEAR(cost.params / 1e6, values["params"].get<double>(), 5e-7) << arch;
    const double flops = values["flops"].get<double>() * 1e6;
    worst_flops_error = std::max(worst_flops_error, std::abs(cost.flops - flops) / flops);
    ++checked;
  }
  EXPECT_EQ(checked, 500);
  // The file counts operations by another convention (naskit's: spaces/network_cost.h).
  EXPECT_LT(worst_flops_error, 0.01);
  RecordProperty("worst_relative_flops_error", std::to_string(worst_flops_error));
}

TEST(DartsNetworkTest, TheImageMustHalveTwice) {
  DartsNetworkOptions options;
  options.image_size = 30;
  EXPECT_THROW(DartsLayout(options), ConfigError);
  options.image_size = 28;  // Fashion-MNIST: 28, 14, 7
  const auto layout = DartsLayout(options);
  ASSERT_EQ(layout.size(), 8u);  // n n r n n r n n
  EXPECT_TRUE(layout[2].reduction && layout[5].reduction && layout[3].reduction_prev);
  EXPECT_EQ(layout.back().input_size, 7);
  EXPECT_EQ(layout.back().channels, 128);
}

}  // namespace
}  // namespace naskit
