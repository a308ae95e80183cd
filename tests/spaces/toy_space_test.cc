// Adding a space touches nothing outside its own files: this test registers a space of its own
// (12 on/off decisions, 4,096 architectures), and the conformance suites of spaces and strategies,
// the benchmark format and the suite runner take it as they take nb201.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "experiments/suite_runner.h"
#include "spaces/search_space.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

class ToyBitsSpace final : public SearchSpace {
 public:
  static constexpr int kBits = 12;
  explicit ToyBitsSpace(NoOptions) {}
  std::string Name() const override { return "toy_bits"; }
  std::uint64_t Size() const override { return 1u << kBits; }
  ArchId Sample(Rng& rng) const override { return rng.UniformInt(Size()); }
  ArchId Mutate(ArchId arch, Rng& rng) const override {
    return arch ^ (ArchId{1} << rng.UniformInt(kBits));
  }
  std::vector<ArchId> Neighbours(ArchId arch) const override {
    std::vector<ArchId> n;
    for (int b = 0; b < kBits; ++b) n.push_back(arch ^ (ArchId{1} << b));
    return n;
  }
  std::size_t EncodingSize(Encoding) const override { return kBits; }
  std::vector<float> Encode(ArchId arch, Encoding) const override {
    std::vector<float> x(kBits);
    for (int b = 0; b < kBits; ++b) x[b] = static_cast<float>((arch >> b) & 1);
    return x;
  }
  ArchGraph Graph(ArchId) const override { return {{"input", "output"}, {{0, 1}}}; }
  ArchId Canonical(ArchId arch) const override { return arch; }
  std::string Format(ArchId arch) const override {
    std::string s;
    for (int b = 0; b < kBits; ++b) s += ((arch >> b) & 1) ? '1' : '0';
    return s;
  }
  ArchId Parse(std::string_view text) const override {
    if (text.size() != kBits || text.find_first_not_of("01") != std::string_view::npos) {
      throw ConfigError("toy_bits: expected 12 digits 0 or 1 (got " + Quote(std::string(text)) +
                        ")");
    }
    ArchId arch = 0;
    for (int b = 0; b < kBits; ++b) arch |= ArchId(text[b] == '1') << b;
    return arch;
  }
  std::size_t NumDecisions() const override { return kBits; }
  std::size_t NumChoices(std::size_t) const override { return 2; }
  std::vector<int> ToChoices(ArchId arch) const override {
    std::vector<int> c;
    for (int b = 0; b < kBits; ++b) c.push_back(static_cast<int>((arch >> b) & 1));
    return c;
  }
  std::optional<ArchId> FromChoices(const std::vector<int>& choices) const override {
    ArchId arch = 0;
    for (int b = 0; b < kBits; ++b) arch |= ArchId(choices[b] != 0) << b;
    return arch;
  }
};

NASKIT_REGISTER_SPACE(ToyBitsSpace, NoOptions, "toy_bits", "test space: 12 on/off decisions");

TEST(ToySpaceTest, ASuiteRunsOnASpaceRegisteredOutsideTheFramework) {
  const std::string dir = testing::TempDir("toy-space");
  WriteBenchmark(testing::SyntheticSparse("toy_bits", 1000), dir + "/toy.h5");
  const std::string suite_path = testing::WriteSyntheticSuite(dir + "/toy.h5", "0..2", "[20]");
  const Suite suite = LoadSuite(suite_path);
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  const RunnerSummary summary = RunSuite(suite, options);
  EXPECT_EQ(summary.completed, PlanRuns(suite).size());
  EXPECT_EQ(summary.completed, std::size_t{2} * 3 * StrategyRegistry::Global().Keys().size());
  const SearchSpace& space = GetSpace("toy_bits");
  for (const auto& run : PlanRuns(suite)) {
    std::ifstream in(options.out_dir + "/" + run.key + ".json");
    const auto result = nlohmann::json::parse(in);
    // The incumbent is named in the space's own string form.
    EXPECT_NO_THROW(space.Parse(result["final"]["incumbent"].get<std::string>())) << run.key;
  }
}

}  // namespace
}  // namespace naskit
