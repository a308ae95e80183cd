// Zero-cost proxies: registered as predictors, reproducible, and checked against independent
// computations (finite differences, Euler's identity for linear layers, Hadamard's bound) and
// against NAS-Bench-Suite-Zero's published synflow scores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "benchmarks_data/csv_table.h"
#include "core/errors.h"
#include "predictors/predictor.h"
#include "records/statistics.h"
#include "spaces/nb201/nb201_space.h"
#include "tests/test_util.h"
#include "training/nb201_torch_network.h"
#include "training/zero_cost.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const char* const kCell =
    "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|";

// A small double-precision problem: C=4, N=1, 8x8x1 input, 4 classes, `batch` random images.
ZeroCostInput SmallInput(std::int64_t batch) {
  torch::manual_seed(11);
  ZeroCostInput input;
  input.network = {.channels = 4, .cells = 1, .classes = 4, .in_channels = 1, .image_size = 8};
  input.batch.images = torch::randn({batch, 1, 8, 8}, torch::kFloat64);
  input.batch.labels = torch::randint(0, 4, {batch}, torch::kInt64);
  return input;
}

Nb201Network SmallNetwork(const ZeroCostInput& input, std::uint64_t seed = 3) {
  torch::manual_seed(seed);
  const NetworkShape& shape = input.network;
  Nb201Network net(Nb201Space().Parse(kCell), Nb201MacroOptions{.channels = shape.channels,
                                                                .cells = shape.cells,
                                                                .classes = shape.classes,
                                                                .in_channels = shape.in_channels,
                                                                .image_size = shape.image_size});
  net->to(torch::kFloat64);
  net->train();
  return net;
}

torch::Tensor Loss(Nb201Network& net, const Minibatch& batch) {
  return torch::nn::functional::cross_entropy(net->forward(batch.images), batch.labels);
}

std::vector<torch::Tensor> LayerWeights(Nb201Network& net) {
  std::vector<torch::Tensor> weights;
  for (const auto& p : net->parameters()) {
    if (p.dim() >= 2) weights.push_back(p);
  }
  return weights;
}

// On every space that registers a LibTorch network.
TEST(ZeroCostTest, EveryProxyIsARegisteredReproduciblePredictor) {
  ASSERT_EQ(TorchNetworkSpaces(), (std::vector<std::string>{"darts", "nb101", "nb201"}));
  for (const std::string& key : TorchNetworkSpaces()) {
    const SearchSpace& space = GetSpace(key);
    const OptionValues options = {
        {"dataset", "synthetic"}, {"channels", "4"}, {"cells", "1"}, {"batch_size", "16"}};
    Rng rng(5);
    std::vector<ArchId> archs;
    for (int i = 0; i < 6; ++i) archs.push_back(space.Sample(rng));
    for (const auto& proxy : ZeroCostProxies()) {
      auto a = PredictorRegistry::Global().Create(proxy.key, options, {space});
      auto b = PredictorRegistry::Global().Create(proxy.key, options, {space});
      EXPECT_FALSE(a->NeedsFit());
      std::set<double> distinct;
      for (ArchId arch : archs) {
        const double score = a->Predict({&arch, 1}).mean[0];
        EXPECT_FALSE(std::isnan(score)) << proxy.key << " " << space.Format(arch);
        EXPECT_EQ(score, b->Predict({&arch, 1}).mean[0]) << proxy.key;
        distinct.insert(score);
      }
      EXPECT_GT(distinct.size(), 1u) << proxy.key << " scores every architecture alike on " << key;
    }
  }
}

// Computed together, the proxies share one forward pass and its backward passes; each score must
// equal the one computed alone, in any order, and a network whose output ignores its input (all
// `none`) must not disturb the others.
TEST(ZeroCostTest, ProxiesScoredTogetherEqualEachScoredAlone) {
  std::vector<std::string> keys;
  for (const auto& proxy : ZeroCostProxies()) keys.emplace_back(proxy.key);
  ZeroCostOptions options{.dataset = "synthetic", .channels = 4, .cells = 1, .batch_size = 8};
  const ZeroCostInput input = LoadZeroCostInput(options);
  for (const std::string& space_name : TorchNetworkSpaces()) {
    const SearchSpace& space = GetSpace(space_name);
    Rng rng(9);
    std::vector<ArchId> archs = {space.Sample(rng), space.Sample(rng)};
    if (space_name == "nb201")
      archs.push_back(space.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"));
    for (ArchId arch : archs) {
      const std::vector<double> together = ZeroCostScores(keys, space_name, arch, input, 4);
      std::vector<std::string> reversed(keys.rbegin(), keys.rend());
      const std::vector<double> backwards = ZeroCostScores(reversed, space_name, arch, input, 4);
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const double alone = ZeroCostScores({keys[i]}, space_name, arch, input, 4)[0];
        const std::string where = keys[i] + " of " + space.Format(arch);
        if (std::isnan(alone)) {
          EXPECT_TRUE(std::isnan(together[i])) << where;
          continue;
        }
        EXPECT_EQ(together[i], alone) << where;
        EXPECT_EQ(backwards[keys.size() - 1 - i], alone) << where;
      }
    }
  }
}

TEST(ZeroCostTest, DataDependentProxiesNeedAMinibatch) {
  const Nb201Space space;
  EXPECT_THAT(
      [&] {
        PredictorRegistry::Global().Create("snip", {{"dataset", "none"}}, {space});
      },
      ThrowsMessage<ConfigError>(HasSubstr("\"snip\" needs a minibatch")));
  EXPECT_NO_THROW(PredictorRegistry::Global().Create("synflow", {{"dataset", "none"}}, {space}));
  EXPECT_THAT(
      [&] {
        PredictorRegistry::Global().Create("snip", {{"dataset", "mnist"}}, {space});
      },
      ThrowsMessage<ConfigError>(HasSubstr("\"mnist\"")));
}

// grasp = -theta . (H g); H g checked by central differences of the gradient along g.
TEST(ZeroCostTest, GraspMatchesAFiniteDifferenceHessianVectorProduct) {
  const ZeroCostInput input = SmallInput(6);
  Nb201Network scored = SmallNetwork(input);
  const double grasp = ScoreNetwork({"grasp"}, *scored, input)[0];

  Nb201Network net = SmallNetwork(input);
  const auto weights = LayerWeights(net);
  // The cell's node 2 feeds only a `none` edge: its convolution gets no gradient.
  auto gradient = [&] {
    auto grads = torch::autograd::grad({Loss(net, input.batch)}, weights, {}, false, false, true);
    for (std::size_t i = 0; i < grads.size(); ++i) {
      if (!grads[i].defined()) grads[i] = torch::zeros_like(weights[i]);
    }
    return grads;
  };
  const auto g = gradient();
  double g_norm = 0;
  for (const auto& t : g) g_norm += t.pow(2).sum().item<double>();
  // A step small enough to cross no ReLU kink (1e-4 already crosses some).
  const double eps = 1e-6 / std::sqrt(g_norm);
  auto gradient_at = [&](double step) {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i].add_(g[i], step);
    torch::GradMode::set_enabled(true);
    auto result = gradient();
    torch::GradMode::set_enabled(false);
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i].sub_(g[i], step);
    return result;
  };
  const auto plus = gradient_at(eps), minus = gradient_at(-eps);
  double expected = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto hg = (plus[i] - minus[i]) / (2 * eps);
    expected -= (weights[i].detach() * hg).sum().item<double>();
  }
  EXPECT_NEAR(grasp, expected, 1e-4 * std::abs(expected));
  EXPECT_NE(grasp, 0);
}

// For a single image, sum over positions of activation * dL/dactivation of a linear layer equals
// sum of W * dL/dW (+ b * dL/db) over the output channel's weights: fisher from weight gradients.
TEST(ZeroCostTest, FisherMatchesTheWeightGradientIdentity) {
  const ZeroCostInput input = SmallInput(1);
  Nb201Network scored = SmallNetwork(input);
  const double fisher = ScoreNetwork({"fisher"}, *scored, input)[0];

  Nb201Network net = SmallNetwork(input);
  Loss(net, input.batch).backward();
  const auto params = net->named_parameters();
  double expected = 0;
  for (const auto& item : params) {
    const torch::Tensor& w = item.value();
    if (w.dim() < 2 || !w.grad().defined()) continue;  // no gradient: node 2 feeds `none` only
    std::vector<std::int64_t> inner;
    for (std::int64_t d = 1; d < w.dim(); ++d) inner.push_back(d);
    torch::Tensor per_channel = (w * w.grad()).sum(inner);
    if (item.key() == "classifier.weight") {
      const auto& b = params["classifier.bias"];
      per_channel = per_channel + b * b.grad();
    }
    expected += 0.5 * per_channel.pow(2).sum().item<double>();
  }
  EXPECT_NEAR(fisher, expected, 1e-9 * expected);
  EXPECT_GT(fisher, 0);
}

class ReluElementCount final : public ForwardObserver {
 public:
  void OnReluInput(const torch::Tensor& x) override { count += x.numel() / x.size(0); }
  std::int64_t count = 0;
};

// K is a sum of Gram matrices with diagonal = number of ReLU units N: Hadamard's inequality bounds
// log det K by B log N, and two equal images make K singular.
TEST(ZeroCostTest, NaswotObeysHadamardsBoundAndIsSingularOnARepeatedImage) {
  ZeroCostInput input = SmallInput(8);
  Nb201Network net = SmallNetwork(input);
  ReluElementCount relus;
  {
    torch::NoGradGuard no_grad;
    ScopedForwardObserver observe(&relus);
    net->forward(input.batch.images);
  }
  const double naswot = ScoreNetwork({"naswot"}, *net, input)[0];
  EXPECT_TRUE(std::isfinite(naswot));
  EXPECT_LE(naswot, 8 * std::log(static_cast<double>(relus.count)));

  input.batch.images[7] = input.batch.images[0];
  const double repeated = ScoreNetwork({"naswot"}, *net, input)[0];
  EXPECT_TRUE(std::isinf(repeated) && repeated < 0) << repeated;
}

// Spearman with NAS-Bench-Suite-Zero's synflow column over a sample of its 491 CIFAR-10 cells
// (0.999 over all 491, BENCHMARKS.md).
TEST(ZeroCostTest, SynflowRanksLikeThePublishedScores) {
  NASKIT_REQUIRE_SHARED(path, "derived/nb201_zero_cost.csv");
  const CsvTable csv = CsvTable::Read(path);
  const Nb201Space space;
  const ZeroCostInput input = LoadZeroCostInput({.dataset = "none"});  // NB201 CIFAR-10 shape
  std::vector<double> ours, published;
  for (std::size_t row = 0; row < csv.NumRows() && ours.size() < 40; row += 3) {
    if (csv.Cell(row, csv.Column("dataset")) != "cifar10") continue;
    ours.push_back(ZeroCostScores({"synflow"}, "nb201",
                                  space.Parse(csv.Cell(row, csv.Column("arch_str"))), input, 0)[0]);
    published.push_back(csv.Real(row, csv.Column("synflow")));
  }
  ASSERT_EQ(ours.size(), 40u);
  EXPECT_GE(Spearman(ours, published), 0.9);
}

// The DARTS network is NASLib's NAS-Bench-301 network: naskit's synflow ranks
// NAS-Bench-Suite-Zero's scored cells as its own synflow does (1.000 over all 500, BENCHMARKS.md).
TEST(ZeroCostTest, DartsSynflowRanksLikeThePublishedScores) {
  NASKIT_REQUIRE_SHARED(path, "nas-bench-suite-zero/zc_nasbench301.json");
  std::ifstream in(path);
  const auto cells = nlohmann::json::parse(in)["nasbench301"]["cifar10"];
  const SearchSpace& space = GetSpace("darts");
  const ZeroCostInput input = LoadZeroCostInput({.dataset = "none"});  // CIFAR-10's shape
  std::vector<double> ours, published;
  std::size_t i = 0;
  for (const auto& [arch, values] : cells.items()) {
    if (i++ % 40 != 0) continue;
    ours.push_back(ZeroCostScores({"synflow"}, "darts", space.Parse(arch), input, 0)[0]);
    published.push_back(values["synflow"].get<double>());
  }
  ASSERT_EQ(ours.size(), 13u);
  EXPECT_GE(Spearman(ours, published), 0.95);
}

}  // namespace
}  // namespace naskit
