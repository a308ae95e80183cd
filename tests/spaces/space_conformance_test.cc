// Every registered space must satisfy the SearchSpace contract.
#include <gtest/gtest.h>

#include <set>

#include "core/errors.h"
#include "spaces/search_space.h"

namespace naskit {
namespace {

class SpaceConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  const SearchSpace& space() const { return GetSpace(GetParam()); }
};

TEST_P(SpaceConformanceTest, FormatThenParseIsIdentity) {
  Rng rng(1);
  for (int i = 0; i < 500; ++i) {
    const ArchId a = space().Sample(rng);
    EXPECT_EQ(space().Parse(space().Format(a)), a);
  }
}

TEST_P(SpaceConformanceTest, ParseRejectsALetterWhereANumberWas) {
  // A letter standing in for a digit must be an error, never read as a number that is not there.
  Rng rng(7);
  for (int i = 0; i < 50; ++i) {
    std::string text = space().Format(space().Sample(rng));
    const auto digit = text.find_first_of("0123456789");
    if (digit == std::string::npos) continue;
    text[digit] = 'n';
    EXPECT_THROW(space().Parse(text), ConfigError) << text;
  }
}

TEST_P(SpaceConformanceTest, SamplingIsDeterministicPerSeedAndCoversTheSpace) {
  Rng a(5), b(5);
  std::set<ArchId> seen;
  for (int i = 0; i < 2000; ++i) {
    const ArchId x = space().Sample(a);
    EXPECT_EQ(x, space().Sample(b));
    if (space().Dense()) {
      EXPECT_LT(x, space().Size());
    }
    EXPECT_EQ(space().Canonical(x), space().Canonical(space().Parse(space().Format(x))));
    seen.insert(x);
  }
  // Not necessarily uniform over architectures: NB101's sampler, like NAS-Bench-101's, is uniform
  // over specs, and many specs prune to the same small graph (2,000 draws give ~850 graphs).
  EXPECT_GT(seen.size(), std::min<std::size_t>(500, space().Size() / 2));
}

TEST_P(SpaceConformanceTest, MutationIsOneOfTheNeighbours) {
  Rng rng(2);
  for (int i = 0; i < 200; ++i) {
    const ArchId a = space().Sample(rng);
    const auto neighbours = space().Neighbours(a);
    const std::set<ArchId> unique(neighbours.begin(), neighbours.end());
    EXPECT_EQ(unique.size(), neighbours.size());
    EXPECT_FALSE(unique.contains(a));
    const ArchId m = space().Mutate(a, rng);
    EXPECT_TRUE(unique.contains(m)) << space().Format(a) << " -> " << space().Format(m);
  }
}

TEST_P(SpaceConformanceTest, EncodingsHaveTheirDeclaredSize) {
  Rng rng(3);
  for (auto encoding : {Encoding::kOneHot, Encoding::kPath}) {
    const ArchId a = space().Sample(rng);
    EXPECT_EQ(space().Encode(a, encoding).size(), space().EncodingSize(encoding));
  }
}

TEST_P(SpaceConformanceTest, CanonicalIsIdempotentAndChoicesRoundTrip) {
  Rng rng(4);
  for (int i = 0; i < 500; ++i) {
    const ArchId a = space().Sample(rng);
    EXPECT_EQ(space().Canonical(space().Canonical(a)), space().Canonical(a));
    const auto choices = space().ToChoices(a);
    ASSERT_EQ(choices.size(), space().NumDecisions());
    for (std::size_t d = 0; d < choices.size(); ++d)
      EXPECT_LT(choices[d], static_cast<int>(space().NumChoices(d)));
    EXPECT_EQ(space().FromChoices(choices), a);
  }
}

TEST_P(SpaceConformanceTest, GraphIsAcyclicFromInputToOutput) {
  Rng rng(6);
  const auto graph = space().Graph(space().Sample(rng));
  EXPECT_EQ(graph.node_labels.front(), "input");
  EXPECT_EQ(graph.node_labels.back(), "output");
  for (auto [from, to] : graph.edges) {
    EXPECT_LT(from, to);
    EXPECT_LT(to, static_cast<int>(graph.node_labels.size()));
  }
}

INSTANTIATE_TEST_SUITE_P(AllRegistered, SpaceConformanceTest,
                         ::testing::ValuesIn(SpaceRegistry::Global().Keys()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace naskit
