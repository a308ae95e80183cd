// Options that hold a plugin with its own options (a strategy's predictor), and integers that do
// not fit their field. A test strategy, "delegate", runs the strategy its option `inner` names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.h"
#include "core/registry.h"
#include "experiments/suite.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

struct DelegateOptions {
  PluginOptions inner{"random", {}};
  template <class V>
  void Visit(V& v) {
    v("inner", inner, "the strategy that decides", PluginOf<StrategyRegistry>());
  }
};

class Delegate final : public SearchStrategy {
 public:
  Delegate(const DelegateOptions& options, const StrategyContext& context)
      : inner_(
            StrategyRegistry::Global().Create(options.inner.key, options.inner.options, context)) {}
  std::vector<Proposal> Ask(std::size_t n) override { return inner_->Ask(n); }
  void Tell(std::span<const Observation> results) override { inner_->Tell(results); }
  bool MayRepeat() const override { return inner_->MayRepeat(); }

 private:
  std::unique_ptr<SearchStrategy> inner_;
};

NASKIT_REGISTER_STRATEGY(Delegate, DelegateOptions, "delegate",
                         "test strategy: runs the strategy named by its option \"inner\"");

TEST(NestedOptionsTest, ANestedPluginIsParsedCheckedAndRecordedWithItsDefaults) {
  const auto& entry = StrategyRegistry::Global().Find("delegate");
  const OptionValues resolved =
      entry.resolve({{"inner", "regularized_evolution"}, {"inner.population_size", "5"}});
  EXPECT_EQ(resolved.at("inner"), "regularized_evolution");
  EXPECT_EQ(resolved.at("inner.population_size"), "5");
  // REA's other options are recorded with their defaults.
  for (const auto& info : StrategyRegistry::Global().Find("regularized_evolution").options) {
    if (info.key != "population_size") {
      EXPECT_EQ(resolved.at("inner." + info.key), info.default_value);
    }
  }
  EXPECT_THAT(
      [&] {
        entry.resolve({{"inner", "regularized_evolutoin"}});
      },
      ThrowsMessage<ConfigError>(
          AllOf(HasSubstr("strategy \"delegate\": option \"inner\": unknown strategy"),
                HasSubstr("did you mean \"regularized_evolution\"?"))));
  EXPECT_THAT(
      [&] {
        entry.resolve({{"inner", "random"}, {"inner.population_size", "5"}});
      },
      ThrowsMessage<ConfigError>(
          HasSubstr("strategy \"random\": unknown option \"population_size\"")));
  EXPECT_EQ(entry.options.front().type, "plugin");
  EXPECT_THAT(entry.options.front().constraint, HasSubstr("a registered strategy"));
}

TEST(NestedOptionsTest, ASuiteNestsOptionsAndTheRunEqualsTheInnerStrategyAlone) {
  const std::string dir = testing::TempDir("nested");
  std::ofstream(dir + "/suite.yaml")
      << "name: nested\nbenchmark: " << testing::SyntheticNb201File() << "\nseeds: [0]\n"
      << "strategies:\n"
      << "  - strategy: delegate\n"
      << "    options: {inner: {name: regularized_evolution, population_size: 7}}\n"
      << "experiments:\n  - name: q\n    datasets: [toy]\n    budgets: [40]\n";
  const Suite suite = LoadSuite(dir + "/suite.yaml");
  EXPECT_EQ(suite.strategies[0].resolved.at("inner.population_size"), "7");
  const Suite overridden =
      LoadSuite(dir + "/suite.yaml", {"strategies.delegate.options.inner.population_size=9"});
  EXPECT_EQ(overridden.strategies[0].resolved.at("inner.population_size"), "9");

  const TabularBenchmark benchmark(testing::SyntheticNb201());
  const PreparedSearch search(benchmark, SettingsOf(suite, PlanRuns(suite)[0]));
  const RunTrace nested =
      ExecuteRun(search, "delegate", suite.strategies[0].options, PlanRuns(suite)[0].seed);
  const RunTrace direct = ExecuteRun(search, "regularized_evolution", {{"population_size", "7"}},
                                     PlanRuns(suite)[0].seed);
  EXPECT_EQ(nested.arch, direct.arch);

  std::ofstream(dir + "/bad.yaml")
      << "name: nested\nbenchmark: x.h5\nseeds: [0]\nstrategies:\n"
      << "  - strategy: delegate\n"
      << "    options: {inner: {name: regularized_evolution, population_size: 0}}\n"
      << "experiments:\n  - name: q\n    datasets: [toy]\n    budgets: [40]\n";
  EXPECT_THAT([&] { LoadSuite(dir + "/bad.yaml"); },
              ThrowsMessage<ConfigError>(
                  AllOf(HasSubstr("bad.yaml:5"), HasSubstr("option \"population_size\" must be"))));
}

TEST(NestedOptionsTest, IntegersThatDoNotFitTheirFieldAreErrors) {
  const auto& entry = StrategyRegistry::Global().Find("regularized_evolution");
  EXPECT_THAT(
      [&] {
        entry.resolve({{"population_size", "4294967306"}});
      },
      ThrowsMessage<ConfigError>(
          AllOf(HasSubstr("\"population_size\" is out of range"), HasSubstr("4294967306"))));
}

}  // namespace
}  // namespace naskit
