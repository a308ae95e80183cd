#include <gtest/gtest.h>

#include <cmath>

#include "benchmarks_data/csv_table.h"
#include "spaces/nb201/nb201_network.h"
#include "spaces/nb201/nb201_space.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

TEST(Nb201MacroTest, ParamsAndFlopsMatchThePublishedZeroCostTable) {
  NASKIT_REQUIRE_SHARED(path, "derived/nb201_zero_cost.csv");
  const CsvTable csv = CsvTable::Read(path);
  const Nb201Space space;
  int checked = 0;
  double worst_flops_error = 0;
  for (std::size_t row = 0; row < csv.NumRows(); ++row) {
    const std::string& dataset = csv.Cell(row, csv.Column("dataset"));
    Nb201MacroOptions options;
    options.classes = dataset == "cifar10" ? 10 : dataset == "cifar100" ? 100 : 120;
    options.image_size = dataset == "ImageNet16-120" ? 16 : 32;
    const NetworkCost cost =
        Nb201NetworkCost(space.Parse(csv.Cell(row, csv.Column("arch_str"))), options);
    // The table gives millions with six decimals: params must agree exactly.
    EXPECT_NEAR(cost.params / 1e6, csv.Real(row, csv.Column("params")), 5e-7) << csv.Cell(row, 2);
    const double flops = csv.Real(row, csv.Column("flops")) * 1e6;
    worst_flops_error = std::max(worst_flops_error, std::abs(cost.flops - flops) / flops);
    ++checked;
  }
  EXPECT_EQ(checked, 1473);
  EXPECT_LT(worst_flops_error, 1e-3);
  RecordProperty("worst_relative_flops_error", std::to_string(worst_flops_error));
}

}  // namespace
}  // namespace naskit
