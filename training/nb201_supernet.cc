// The NAS-Bench-201 supernet (training/supernet.h): NB201's skeleton (training/
// nb201_torch_network.h) whose cells hold, on each of their 6 edges, a 1x1 and a 3x3 ReLU-conv-BN
// (batch norm without affine transform, as in NAS-Bench-201's search models), a 3x3 average pool,
// the identity and the zero operation. Parameter names are the stand-alone network's with the
// operation's name inserted after the edge (`edge3.nor_conv_3x3.1.weight` for `edge3.1.weight`),
// which is how an architecture's weights are copied out.
#include <torch/torch.h>

#include <stdexcept>

#include "core/errors.h"
#include "spaces/nb201/nb201_space.h"
#include "training/nb201_torch_network.h"
#include "training/supernet.h"

namespace naskit {
namespace {

namespace nn = torch::nn;
using Space = Nb201Space;

class Nb201MixedCellImpl : public nn::Module {
 public:
  // `path` is the supernet's, which owns its cells and outlives them.
  Nb201MixedCellImpl(int channels, const SupernetPath* path) : path_(path) {
    for (int e = 0; e < Space::kNumEdges; ++e) {
      auto edge = register_module("edge" + std::to_string(e), std::make_shared<nn::Module>());
      ops_[e][Space::kConv1x1] = edge->register_module(
          Space::kOps[Space::kConv1x1], Nb201ReluConvBn(channels, channels, 1, 1, false));
      ops_[e][Space::kConv3x3] = edge->register_module(
          Space::kOps[Space::kConv3x3], Nb201ReluConvBn(channels, channels, 3, 1, false));
      ops_[e][Space::kAvgPool] = edge->register_module(
          Space::kOps[Space::kAvgPool],
          nn::Sequential(nn::AvgPool2d(
              nn::AvgPool2dOptions(3).stride(1).padding(1).count_include_pad(false))));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) {
    std::array<torch::Tensor, 4> nodes;
    nodes[0] = x;
    for (int target = 1; target < 4; ++target) {
      torch::Tensor sum;
      for (int e = 0; e < Space::kNumEdges; ++e) {
        if (Space::kEdges[e].second != target) continue;
        torch::Tensor out = Edge(e, nodes[Space::kEdges[e].first]);
        if (out.defined()) sum = sum.defined() ? sum + out : out;
      }
      // A node whose every input is the zero operation outputs zeros, as in the stand-alone cell.
      nodes[target] = sum.defined() ? sum : torch::zeros_like(x);
    }
    return nodes[3];
  }

 private:
  // Operation `op` (not none) of edge `e`.
  torch::Tensor Apply(int e, int op, const torch::Tensor& x) {
    return op == Space::kSkip ? x : ops_[e][op]->forward(x);
  }

  // Edge `e`'s output on `x`; undefined where it adds nothing (the zero operation alone).
  torch::Tensor Edge(int e, const torch::Tensor& x) {
    const SupernetPath& p = *path_;
    switch (p.kind) {
      case SupernetPath::Kind::kSingle:
        return p.ops[e] == Space::kNone ? torch::Tensor() : Apply(e, p.ops[e], x);
      case SupernetPath::Kind::kMixture: {
        const torch::Tensor w = p.weights[e];
        // Fixed weights (DARTS-PT's projected and masked edges) skip their zero terms.
        const bool fixed = !w.requires_grad();
        torch::Tensor sum;
        for (int op = 0; op < Space::kNumOps; ++op) {
          if (op == Space::kNone || (fixed && w[op].item<double>() == 0)) continue;
          torch::Tensor term = w[op] * Apply(e, op, x);
          sum = sum.defined() ? sum + term : term;
        }
        return sum;
      }
      case SupernetPath::Kind::kSampled: {
        // NAS-Bench-201's GDAS cell: the sampled operation times its (straight-through, one in
        // value) weight, plus the other weights (zero in value), so that all receive gradients.
        const torch::Tensor w = p.weights[e];
        const int op = p.ops[e];
        const torch::Tensor others = w.sum() - w[op];
        const torch::Tensor chosen =
            op == Space::kNone ? torch::zeros_like(x) : Apply(e, op, x) * w[op];
        return chosen + others;
      }
    }
    throw std::logic_error("unknown supernet path kind");
  }

  const SupernetPath* path_;
  std::array<std::array<nn::Sequential, Space::kNumOps>, Space::kNumEdges> ops_;
};
TORCH_MODULE(Nb201MixedCell);

class Nb201SupernetImpl : public SupernetImpl {
 public:
  explicit Nb201SupernetImpl(const NetworkShape& shape) {
    path_.ops.assign(Space::kNumEdges, Space::kSkip);
    network_ = register_module(
        "network", std::make_shared<Nb201NetworkImpl>(Nb201Macro(shape), [this](int channels) {
          return nn::AnyModule(Nb201MixedCell(channels, &path_));
        }));
  }

  torch::Tensor forward(torch::Tensor x) override { return network_->forward(std::move(x)); }
  std::size_t NumDecisions() const override { return Space::kNumEdges; }
  std::size_t NumChoices() const override { return Space::kNumOps; }
  std::string ChoiceName(std::size_t choice) const override { return Space::kOps.at(choice); }

  std::vector<int> OpsOf(ArchId arch) const override {
    const auto a = Space::Ops(arch);
    return {a.begin(), a.end()};
  }
  std::vector<int> SamplePath(Rng& rng) const override {
    std::vector<int> ops(Space::kNumEdges);
    for (int& op : ops) op = static_cast<int>(rng.UniformInt(Space::kNumOps));
    return ops;
  }
  ArchId Derive(const torch::Tensor& weights) const override {
    std::array<int, Space::kNumEdges> ops{};
    const auto argmax = weights.argmax(1).cpu();
    for (int e = 0; e < Space::kNumEdges; ++e) ops[e] = argmax[e].item<int>();
    return Space::FromOps(ops);
  }

  void CopyPathInto(ArchId arch, NetworkImpl& network) override {
    const auto ops = Space::Ops(arch);
    CopyRenamed(network, [&](const std::string& name) -> std::optional<std::string> {
      std::string target = name.substr(std::string("network.").size());
      for (int e = 0; e < Space::kNumEdges; ++e) {
        const std::string edge = ".edge" + std::to_string(e) + ".";
        const std::size_t at = target.find(edge);
        if (at == std::string::npos) continue;
        const std::size_t op_begin = at + edge.size(), op_end = target.find('.', op_begin);
        if (target.substr(op_begin, op_end - op_begin) != Space::kOps[ops[e]]) return std::nullopt;
        target.erase(op_begin - 1, op_end - op_begin + 1);  // drop ".<op>"
      }
      return target;
    });
  }

 private:
  std::shared_ptr<Nb201NetworkImpl> network_;
};

}  // namespace

NASKIT_REGISTER_SUPERNET(nb201, "nb201",
                         SupernetEntry{
                             [](const NetworkShape& shape) -> std::shared_ptr<SupernetImpl> {
                               return std::make_shared<Nb201SupernetImpl>(shape);
                             }});

}  // namespace naskit
