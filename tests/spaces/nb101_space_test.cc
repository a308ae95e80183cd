// NB101: the module hash and the network's parameter count against every published key and count
// in the shared data, pruning, isomorphism and string errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "benchmarks_data/importer.h"
#include "core/errors.h"
#include "spaces/nb101/nb101_network.h"
#include "spaces/nb101/nb101_space.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using json = nlohmann::json;

Nb101Space::Spec SpecOf(const std::vector<std::vector<double>>& matrix,
                        const std::vector<int>& labels) {
  Nb101Space::Spec spec;
  spec.vertices = static_cast<int>(labels.size());
  for (int i = 0; i < spec.vertices; ++i) {
    spec.labels[i] = labels[i];
    for (int j = 0; j < spec.vertices; ++j) spec.matrix[i][j] = matrix[i][j] != 0;
  }
  return spec;
}

TEST(Nb101SpaceTest, HashAndParametersEqualThePublishedOnesForAllThousandVisArchitectures) {
  NASKIT_REQUIRE_SHARED(path, "nas-bench-101/nasbench-vis-data-1k.json");
  std::ifstream in(path);
  const json vis = json::parse(in);
  ASSERT_EQ(vis["key"].size(), 1000u);
  std::size_t equal = 0, equal_params = 0;
  for (std::size_t i = 0; i < vis["key"].size(); ++i) {
    const auto ops = vis["operations"][i].get<std::vector<int>>();
    const auto matrix = vis["adjacency"][i].get<std::vector<std::vector<double>>>();
    std::vector<int> kept;  // -3 pads modules with fewer than 7 vertices
    for (std::size_t v = 0; v < ops.size(); ++v)
      if (ops[v] != -3) kept.push_back(static_cast<int>(v));
    std::vector<std::vector<double>> m;
    std::vector<int> labels;
    for (int a : kept) {
      labels.push_back(ops[a]);
      m.emplace_back();
      for (int b : kept) m.back().push_back(matrix[a][b]);
    }
    const Nb101Space::Spec spec = SpecOf(m, labels);
    const auto arch = Nb101Space::FromSpec(spec);
    ASSERT_TRUE(arch) << i;
    equal += Nb101Space::ModuleHash(*arch) == vis["key"][i].get<std::string>();
    const std::int64_t params = Nb101NetworkCost(spec, {}).params;
    equal_params += params == vis["trainable_parameters"][i].get<std::int64_t>();
    EXPECT_EQ(params, vis["trainable_parameters"][i].get<std::int64_t>()) << i;
  }
  EXPECT_EQ(equal, 1000u);
  EXPECT_EQ(equal_params, 1000u);
}

TEST(Nb101SpaceTest, HashAndParametersEqualThePublishedOnesForTheThirtyNaslibArchitectures) {
  NASKIT_REQUIRE_SHARED(path, "nas-bench-101/nb101_dummy.pkl");
  const std::string command =
      "python3 " NASKIT_SOURCE_DIR "/tests/spaces/nb101_pickle_specs.py '" + path + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  ASSERT_TRUE(pipe);
  std::string text;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe.get())) text.append(buffer, n);
  const SearchSpace& space = GetSpace("nb101");
  std::size_t equal = 0, equal_params = 0, total = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line); ++total) {
    const json entry = json::parse(line);
    std::string spec;  // naskit's string form, so Parse() is tested too
    const auto matrix = entry["matrix"].get<std::vector<std::vector<int>>>();
    for (std::size_t i = 0; i < matrix.size(); ++i) {
      if (i) spec += '|';
      for (int v : matrix[i]) spec += static_cast<char>('0' + v);
    }
    spec += ';';
    for (const auto& op : entry["ops"]) spec += op.get<std::string>() + ",";
    spec.pop_back();
    equal += Nb101Space::ModuleHash(space.Parse(spec)) == entry["key"].get<std::string>();
    // Parameters depend on the vertex order: count the spec as the file writes it.
    std::vector<int> labels;
    for (const auto& op : entry["ops"]) {
      const std::string name = op.get<std::string>();
      const auto it = std::find(Nb101Space::kOps.begin(), Nb101Space::kOps.end(), name);
      labels.push_back(name == "input"    ? Nb101Space::kInput
                       : name == "output" ? Nb101Space::kOutput
                                          : static_cast<int>(it - Nb101Space::kOps.begin()));
    }
    std::vector<std::vector<double>> m;
    for (const auto& row : matrix) m.emplace_back(row.begin(), row.end());
    equal_params +=
        Nb101NetworkCost(SpecOf(m, labels), {}).params == entry["params"].get<std::int64_t>();
  }
  EXPECT_EQ(total, 30u);
  EXPECT_EQ(equal, 30u);
  EXPECT_EQ(equal_params, 30u);
}

TEST(Nb101SpaceTest, PrunedAndRelabelledSpecsAreTheSameArchitecture) {
  const SearchSpace& space = GetSpace("nb101");
  // input -> conv3x3 -> output and input -> maxpool -> output; vertex order swapped.
  const ArchId a = space.Parse("0110|0001|0001|0000;input,conv3x3-bn-relu,maxpool3x3,output");
  const ArchId b = space.Parse("0110|0001|0001|0000;input,maxpool3x3,conv3x3-bn-relu,output");
  EXPECT_EQ(a, b);
  // A vertex with no path to the output is pruned away.
  const ArchId c = space.Parse(
      "01100|00001|00011|00000|00000;input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,"
      "output");
  EXPECT_EQ(space.Format(c), "0110|0001|0001|0000;input,maxpool3x3,conv3x3-bn-relu,output");
  EXPECT_EQ(Nb101Space::ModuleHash(a), Nb101Space::ModuleHash(c));
}

TEST(Nb101SpaceTest, BadStringsNameWhatIsWrong) {
  const SearchSpace& space = GetSpace("nb101");
  EXPECT_THAT([&] { space.Parse("01|00"); }, ThrowsMessage<ConfigError>(HasSubstr("expected '")));
  EXPECT_THAT([&] { space.Parse("01|10;input,output"); },
              ThrowsMessage<ConfigError>(HasSubstr("upper-triangular")));
  EXPECT_THAT([&] { space.Parse("011|001|000;input,conv5x5,output"); },
              ThrowsMessage<ConfigError>(HasSubstr("unknown op \"conv5x5\"")));
  EXPECT_THAT([&] { space.Parse("010|000|000;input,maxpool3x3,output"); },
              ThrowsMessage<ConfigError>(HasSubstr("no path from input to output")));
  // Ten edges that all lie on input-output paths.
  EXPECT_THAT(
      [&] {
        space.Parse(
            "0111100|0011110|0000011|0000011|0000001|0000001|0000000;input,"
            "conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,"
            "conv3x3-bn-relu,output");
      },
      ThrowsMessage<ConfigError>(HasSubstr("more than 9 edges")));
}

TEST(Nb101SpaceTest, ImportedBenchmarkHoldsFourFidelitiesAndZeroCostRows) {
  NASKIT_REQUIRE_SHARED(vis, "nas-bench-101/nasbench-vis-data-1k.json");
  NASKIT_REQUIRE_SHARED(zc, "nas-bench-suite-zero/zc_nasbench101.json");
  const auto importer = ImporterRegistry::Global().Create("nb101", {});
  const TabularBenchmark b(importer->Import(testing::SharedDataFile("").value()));
  EXPECT_EQ(b.NumRows(), 1291u);  // 1,000 + 291 zero-cost graphs not among them
  EXPECT_FALSE(b.Complete());
  const Table& valid = b.Metric("cifar10", "valid_accuracy");
  EXPECT_EQ(valid.epochs, (std::vector<int>{4, 12, 36, 108}));
  // The first architecture of the vis file, in percent.
  EXPECT_NEAR(valid.At(0, 3), 93.04887652397156, 1e-4);
  EXPECT_NEAR(valid.At(0, 0), 36.04767620563507, 1e-4);
  EXPECT_TRUE(std::isnan(valid.At(1290, 0)));
  EXPECT_FALSE(std::isnan(valid.At(1290, 3)));
}

}  // namespace
}  // namespace naskit
