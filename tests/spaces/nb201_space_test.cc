#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <unordered_map>

#include "benchmarks_data/csv_table.h"
#include "core/errors.h"
#include "spaces/nb201/nb201_space.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr const char* kIndex0 =
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~"
    "2|";

TEST(Nb201SpaceTest, IdIsBaseFiveArithmeticOnTheOpsInStringOrder) {
  const Nb201Space space;
  const ArchId a = space.Parse(kIndex0);
  EXPECT_EQ(Nb201Space::Ops(a), (std::array<int, 6>{4, 2, 1, 2, 1, 1}));
  EXPECT_EQ(a, 4 + 2 * 5 + 1 * 25 + 2 * 125 + 1 * 625 + 1 * 3125);
  EXPECT_EQ(space.Format(a), kIndex0);
  EXPECT_EQ(space.Format(0), "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
}

TEST(Nb201SpaceTest, MalformedStringsNameTheTokenAndPosition) {
  const Nb201Space space;
  EXPECT_THAT([&] { space.Parse("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"); },
              ThrowsMessage<ConfigError>(HasSubstr("unknown op \"conv\" at position 1")));
  EXPECT_THAT([&] { space.Parse("|none~0|+|none~0|none~2|+|none~0|none~1|none~2|"); },
              ThrowsMessage<ConfigError>(HasSubstr("has input \"2\" where node 1 was expected")));
  EXPECT_THAT([&] { space.Parse("|none~0|+|none~0|none~1|"); },
              ThrowsMessage<ConfigError>(HasSubstr("missing '+' between nodes at position 24")));
  EXPECT_THAT([&] { space.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x"); },
              ThrowsMessage<ConfigError>(HasSubstr("unexpected trailing text \"x\"")));
  EXPECT_THAT([&] { space.Parse(""); },
              ThrowsMessage<ConfigError>(HasSubstr("missing '|' at position 0")));
  EXPECT_THAT([&] { space.Parse("|none0|+"); },
              ThrowsMessage<ConfigError>(HasSubstr("has no '~input'")));
}

TEST(Nb201SpaceTest, HasTwentyFourNeighboursDifferingInOneEdge) {
  const Nb201Space space;
  Rng rng(9);
  const ArchId a = space.Sample(rng);
  const auto neighbours = space.Neighbours(a);
  ASSERT_EQ(neighbours.size(), 24u);
  for (ArchId n : neighbours) {
    int differing = 0;
    for (int e = 0; e < 6; ++e) differing += Nb201Space::OpOf(a, e) != Nb201Space::OpOf(n, e);
    EXPECT_EQ(differing, 1);
  }
}

TEST(Nb201SpaceTest, PathEncodingHasOneFeaturePerPath) {
  const Nb201Space space;
  const auto x = space.Encode(space.Parse(kIndex0), Encoding::kPath);
  ASSERT_EQ(x.size(), 155u);
  float total = 0;
  for (float v : x) total += v;
  EXPECT_EQ(total, 4.0f);  // four input-to-output paths
  // The single-edge path 0→3 carries nor_conv_1x1 (op 2).
  EXPECT_EQ(x[2], 1.0f);
  const auto onehot = space.Encode(space.Parse(kIndex0), Encoding::kOneHot);
  EXPECT_EQ(onehot.size(), 30u);
  EXPECT_EQ(onehot[0 * 5 + 4], 1.0f);
}

TEST(Nb201SpaceTest, GraphPutsOpsOnNodes) {
  const Nb201Space space;
  const auto graph = space.Graph(space.Parse(kIndex0));
  ASSERT_EQ(graph.node_labels.size(), 8u);
  EXPECT_EQ(graph.node_labels[1], "avg_pool_3x3");
  // Input feeds the three edges leaving node 0; edges into node 3 feed the output.
  int from_input = 0, to_output = 0;
  for (auto [f, t] : graph.edges) {
    from_input += f == 0;
    to_output += t == 7;
  }
  EXPECT_EQ(from_input, 3);
  EXPECT_EQ(to_output, 3);
}

TEST(Nb201SpaceTest, IsomorphismClassesMatchThePublishedTable) {
  NASKIT_REQUIRE_SHARED(csv_path, "derived/nb201.csv");
  const CsvTable csv = CsvTable::Read(csv_path);
  ASSERT_EQ(csv.NumRows(), 15625u);
  const Nb201Space space;
  const std::size_t arch_col = csv.Column("arch_str"), iso_col = csv.Column("iso_class");
  std::set<ArchId> classes;
  std::unordered_map<std::string, ArchId> class_of_string;
  for (std::size_t row = 0; row < csv.NumRows(); ++row) {
    const ArchId a = space.Parse(csv.Cell(row, arch_col));
    EXPECT_EQ(Nb201Space::IsomorphismString(a), csv.Cell(row, iso_col)) << csv.Cell(row, arch_col);
    // Same published class <=> same canonical id.
    auto [it, inserted] = class_of_string.emplace(csv.Cell(row, iso_col), space.Canonical(a));
    EXPECT_EQ(it->second, space.Canonical(a));
    classes.insert(space.Canonical(a));
  }
  EXPECT_EQ(class_of_string.size(), 6466u);
  EXPECT_EQ(classes.size(), 6466u);
}

}  // namespace
}  // namespace naskit
