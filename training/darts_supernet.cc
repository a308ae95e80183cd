// The DARTS supernet (training/supernet.h), DARTS's own one-shot model (Liu et al., ICLR 2019) on
// NASLib's NAS-Bench-301 network (training/darts_torch_network.h): every cell's node k has an
// edge from each of the cell's two inputs and nodes 0..k-1 (14 edges), each holding the zero
// operation and the 7 of kDartsOps; all normal cells share one row of choices per edge, all
// reduction cells another (28 decisions of 8 choices, the zero operation first). An architecture's
// path runs its two edges per node and leaves the others at zero. Parameter names are the
// stand-alone network's under `network.`, the edge numbered among the cell's 14 and followed by the
// operation's name (`network.cell0.edge3.sep_conv_3x3.0...` for the architecture's edge that feeds
// node 1 from input 1 with sep_conv_3x3).
#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

#include "spaces/darts/darts_network.h"
#include "spaces/darts/darts_space.h"
#include "training/darts_torch_network.h"
#include "training/supernet.h"

namespace naskit {
namespace {

namespace nn = torch::nn;

constexpr int kMixedEdges = 14;              // per cell: 2 + 3 + 4 + 5
constexpr int kChoices = kDartsOpCount + 1;  // the zero operation, then kDartsOps
constexpr int FirstEdge(int node) { return node * (node + 3) / 2; }

class DartsMixedCellImpl : public nn::Module {
 public:
  // `path` is the supernet's, which owns its cells and outlives them; `row` the first of the
  // cell's rows in it (0 normal, 14 reduction).
  DartsMixedCellImpl(const DartsCellLayout& layout, const SupernetPath* path, int row)
      : path_(path), row_(row), reduction_(layout.reduction) {
    const int c = layout.channels;
    input0_ = register_module("input0", DartsCellInput(layout, 0));
    input1_ = register_module("input1", DartsCellInput(layout, 1));
    for (int node = 0; node < kDartsNodes; ++node) {
      for (int input = 0; input < node + 2; ++input) {
        const int m = FirstEdge(node) + input;
        auto edge = register_module("edge" + std::to_string(m), std::make_shared<nn::Module>());
        const int stride = reduction_ && input < 2 ? 2 : 1;
        for (int op = 0; op < kDartsOpCount; ++op) {
          ops_[m][op] = edge->register_module(kDartsOps[op], DartsEdgeOp(op, c, stride));
        }
      }
    }
  }

  torch::Tensor forward(const torch::Tensor& input0, const torch::Tensor& input1) {
    std::vector<torch::Tensor> states = {input0_->forward(input0), input1_->forward(input1)};
    for (int node = 0; node < kDartsNodes; ++node) {
      torch::Tensor sum;
      for (int input = 0; input < node + 2; ++input) {
        torch::Tensor out = Edge(FirstEdge(node) + input, states[input]);
        if (out.defined()) sum = sum.defined() ? sum + out : out;
      }
      // A node whose edges all are the zero operation (or only add zero-valued weights: a sampled
      // path) still has its shape.
      if (!sum.defined() || sum.dim() == 0) {
        const torch::Tensor& x = states[1];
        auto zeros =
            torch::zeros({x.size(0), x.size(1), reduction_ ? (x.size(2) + 1) / 2 : x.size(2),
                          reduction_ ? (x.size(3) + 1) / 2 : x.size(3)},
                         x.options());
        sum = sum.defined() ? zeros + sum : zeros;
      }
      states.push_back(sum);
    }
    return torch::cat(std::vector<torch::Tensor>(states.begin() + 2, states.end()), 1);
  }

 private:
  torch::Tensor Apply(int m, int choice, const torch::Tensor& x) {
    return ops_[m][choice - 1]->forward(x);
  }

  // Mixed edge `m`'s output on `x`; undefined where it adds nothing, a scalar where it adds only
  // zero-valued weights.
  torch::Tensor Edge(int m, const torch::Tensor& x) {
    const SupernetPath& p = *path_;
    const auto row = static_cast<std::size_t>(row_) + static_cast<std::size_t>(m);
    switch (p.kind) {
      case SupernetPath::Kind::kSingle:
        return p.ops[row] == 0 ? torch::Tensor() : Apply(m, p.ops[row], x);
      case SupernetPath::Kind::kMixture: {
        const torch::Tensor w = p.weights[static_cast<std::int64_t>(row)];
        const bool fixed = !w.requires_grad();
        torch::Tensor sum;
        for (int choice = 1; choice < kChoices; ++choice) {
          if (fixed && w[choice].item<double>() == 0) continue;
          torch::Tensor term = w[choice] * Apply(m, choice, x);
          sum = sum.defined() ? sum + term : term;
        }
        return sum;
      }
      case SupernetPath::Kind::kSampled: {
        const torch::Tensor w = p.weights[static_cast<std::int64_t>(row)];
        const int choice = p.ops[row];
        const torch::Tensor others = w.sum() - w[choice];
        return choice == 0 ? others + 0 * w[choice] : Apply(m, choice, x) * w[choice] + others;
      }
    }
    throw std::logic_error("unknown supernet path kind");
  }

  const SupernetPath* path_;
  int row_;
  bool reduction_;
  nn::Sequential input0_{nullptr}, input1_{nullptr};
  std::array<std::array<nn::Sequential, kDartsOpCount>, kMixedEdges> ops_;
};
TORCH_MODULE(DartsMixedCell);

class DartsSupernetImpl : public SupernetImpl {
 public:
  explicit DartsSupernetImpl(const NetworkShape& shape) {
    path_.ops = OpsOf(0);
    network_ = register_module(
        "network",
        std::make_shared<DartsNetworkImpl>(
            ShapedOptions(shape, &DartsNetworkOptions::channels, &DartsNetworkOptions::cells),
            [this](const DartsCellLayout& layout) {
              reduction_.push_back(layout.reduction);
              return nn::AnyModule(
                  DartsMixedCell(layout, &path_, layout.reduction ? kMixedEdges : 0));
            }));
  }

  torch::Tensor forward(torch::Tensor x) override { return network_->forward(std::move(x)); }

  std::size_t NumDecisions() const override { return std::size_t{2} * kMixedEdges; }
  std::size_t NumChoices() const override { return kChoices; }
  std::string ChoiceName(std::size_t choice) const override {
    return choice == 0 ? "none" : kDartsOps.at(choice - 1);
  }
  bool ChoosesEdges() const override { return true; }

  std::vector<int> OpsOf(ArchId arch) const override {
    const DartsCells cells = DecodeDarts(arch);
    std::vector<int> ops(NumDecisions(), 0);
    for (int c = 0; c < 2; ++c) {
      for (int e = 0; e < 2 * kDartsNodes; ++e) {
        const DartsEdge& edge = cells[c][e];
        ops[c * kMixedEdges + FirstEdge(e / 2) + edge.input] = edge.op + 1;
      }
    }
    return ops;
  }

  std::vector<int> SamplePath(Rng& rng) const override {
    return OpsOf(GetSpace("darts").Sample(rng));
  }

  // DARTS's genotype (its model_search.py): per node, the two incoming edges whose strongest
  // operation other than zero is strongest (ties: the earlier input), each with that operation.
  ArchId Derive(const torch::Tensor& weights) const override {
    const auto w = weights.detach().cpu().to(torch::kFloat64).contiguous();
    DartsCells cells{};
    for (int c = 0; c < 2; ++c) {
      for (int node = 0; node < kDartsNodes; ++node) {
        std::vector<std::pair<double, int>> strength;  // (-weight, input): sorts strongest first
        std::vector<int> best_op(static_cast<std::size_t>(node + 2));
        for (int input = 0; input < node + 2; ++input) {
          const auto row = w[c * kMixedEdges + FirstEdge(node) + input];
          double best = -1;
          for (int choice = 1; choice < kChoices; ++choice) {
            if (row[choice].item<double>() > best) {
              best = row[choice].item<double>();
              best_op[static_cast<std::size_t>(input)] = choice - 1;
            }
          }
          strength.emplace_back(-best, input);
        }
        std::sort(strength.begin(), strength.end());
        int a = strength[0].second, b = strength[1].second;
        if (b < a) std::swap(a, b);
        const std::size_t first = std::size_t{2} * static_cast<std::size_t>(node);
        cells[c][first] = {a, best_op[static_cast<std::size_t>(a)]};
        cells[c][first + 1] = {b, best_op[static_cast<std::size_t>(b)]};
      }
    }
    return EncodeDarts(cells);
  }

  void CopyPathInto(ArchId arch, NetworkImpl& network) override {
    const DartsCells cells = DecodeDarts(arch);
    CopyRenamed(network, [&](const std::string& name) -> std::optional<std::string> {
      const std::string target = name.substr(std::string("network.").size());
      const std::size_t edge_at = target.find(".edge");
      if (edge_at == std::string::npos) return target;  // stem, cell inputs, classifier
      // cell<i>.edge<m>.<op>.<rest> -> cell<i>.edge<e>.<rest> for the architecture's edge e.
      const int cell = std::stoi(target.substr(4, edge_at - 4));
      const std::size_t m_begin = edge_at + 5, m_end = target.find('.', m_begin);
      const int m = std::stoi(target.substr(m_begin, m_end - m_begin));
      const std::size_t op_end = target.find('.', m_end + 1);
      const std::string op = target.substr(m_end + 1, op_end - m_end - 1);
      const DartsCell& genotype = cells[reduction_[static_cast<std::size_t>(cell)] ? 1 : 0];
      for (int e = 0; e < 2 * kDartsNodes; ++e) {
        if (FirstEdge(e / 2) + genotype[e].input == m && op == kDartsOps[genotype[e].op]) {
          return target.substr(0, edge_at) + ".edge" + std::to_string(e) + target.substr(op_end);
        }
      }
      return std::nullopt;  // not on the architecture's path
    });
  }

 private:
  std::vector<bool> reduction_;  // per cell
  std::shared_ptr<DartsNetworkImpl> network_;
};

}  // namespace

NASKIT_REGISTER_SUPERNET(darts, "darts",
                         SupernetEntry{
                             [](const NetworkShape& shape) -> std::shared_ptr<SupernetImpl> {
                               return std::make_shared<DartsSupernetImpl>(shape);
                             }});

}  // namespace naskit
