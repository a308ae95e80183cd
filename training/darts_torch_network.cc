// The DARTS network in LibTorch, registered as the darts space's network (training/network.h); the
// architecture is spaces/darts/darts_network.h's, and so its parameter count is
// DartsNetworkCost's.
#include "training/darts_torch_network.h"

#include <string_view>

#include "spaces/darts/darts_network.h"

namespace naskit {

namespace nn = torch::nn;
using torch::indexing::None;
using torch::indexing::Slice;

nn::BatchNorm2d DartsBatchNorm(int channels, bool affine) {
  return nn::BatchNorm2d(nn::BatchNorm2dOptions(channels).affine(affine));
}

nn::Sequential DartsReluConvBn(int in, int out) {
  return nn::Sequential(ObservedRelu(), ObservedConv2d(nn::Conv2dOptions(in, out, 1).bias(false)),
                        DartsBatchNorm(out, true));
}

DartsFactorizedReduceImpl::DartsFactorizedReduceImpl(int in, int out, bool affine)
    : relu_(register_module("relu", ObservedRelu())),
      conv_a_(register_module(
          "conv_a", ObservedConv2d(nn::Conv2dOptions(in, out / 2, 1).stride(2).bias(false)))),
      conv_b_(register_module(
          "conv_b", ObservedConv2d(nn::Conv2dOptions(in, out / 2, 1).stride(2).bias(false)))),
      batch_norm_(register_module("bn", DartsBatchNorm(out, affine))) {}

torch::Tensor DartsFactorizedReduceImpl::forward(const torch::Tensor& input) {
  const torch::Tensor x = relu_->forward(input);
  const torch::Tensor shifted = x.index({Slice(), Slice(), Slice(1, None), Slice(1, None)});
  return batch_norm_->forward(torch::cat({conv_a_->forward(x), conv_b_->forward(shifted)}, 1));
}

nn::Sequential DartsCellInput(const DartsCellLayout& layout, int input) {
  if (input == 1) return DartsReluConvBn(layout.prev_channels, layout.channels);
  return layout.reduction_prev ? nn::Sequential(DartsFactorizedReduce(layout.prev_prev_channels,
                                                                      layout.channels, true))
                               : DartsReluConvBn(layout.prev_prev_channels, layout.channels);
}

namespace {

// ReLU, depthwise `kernel` x `kernel` convolution, pointwise convolution, batch norm.
void AddSeparableBlock(nn::Sequential& op, int channels, int kernel, int stride, int dilation) {
  op->push_back(ObservedRelu());
  op->push_back(ObservedConv2d(nn::Conv2dOptions(channels, channels, kernel)
                                   .stride(stride)
                                   .padding(dilation * (kernel - 1) / 2)
                                   .dilation(dilation)
                                   .groups(channels)
                                   .bias(false)));
  op->push_back(ObservedConv2d(nn::Conv2dOptions(channels, channels, 1).bias(false)));
  op->push_back(DartsBatchNorm(channels, false));
}

}  // namespace

nn::Sequential DartsEdgeOp(int op_index, int channels, int stride) {
  const std::string_view op = kDartsOps[static_cast<std::size_t>(op_index)];
  nn::Sequential edge;
  if (op == "max_pool_3x3") {
    edge->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(stride).padding(1)));
    edge->push_back(DartsBatchNorm(channels, false));
  } else if (op == "avg_pool_3x3") {
    edge->push_back(
        nn::AvgPool2d(nn::AvgPool2dOptions(3).stride(stride).padding(1).count_include_pad(false)));
    edge->push_back(DartsBatchNorm(channels, false));
  } else if (op == "skip_connect") {
    if (stride == 1) {
      edge->push_back(nn::Identity());
    } else {
      edge->push_back(DartsFactorizedReduce(channels, channels, false));
    }
  } else {
    const int kernel = op.ends_with("3x3") ? 3 : 5;
    if (op.starts_with("sep_conv")) {
      AddSeparableBlock(edge, channels, kernel, stride, 1);
      AddSeparableBlock(edge, channels, kernel, 1, 1);
    } else {
      AddSeparableBlock(edge, channels, kernel, stride, 2);
    }
  }
  return edge;
}

DartsNetworkImpl::DartsNetworkImpl(
    const DartsNetworkOptions& o,
    const std::function<nn::AnyModule(const DartsCellLayout&)>& cell) {
  const int stem_channels = 3 * o.channels;
  stem_ = register_module(
      "stem",
      nn::Sequential(
          ObservedConv2d(nn::Conv2dOptions(o.in_channels, stem_channels, 3).padding(1).bias(false)),
          DartsBatchNorm(stem_channels, true)));
  int out_channels = 0;
  for (const DartsCellLayout& layout : DartsLayout(o)) {
    nn::AnyModule module = cell(layout);
    register_module("cell" + std::to_string(cells_.size()), module.ptr());
    cells_.push_back(std::move(module));
    out_channels = 4 * layout.channels;
  }
  classifier_ = register_module("classifier", ObservedLinear(out_channels, o.classes));
}

torch::Tensor DartsNetworkImpl::forward(torch::Tensor x) {
  torch::Tensor previous = stem_->forward(x), current = previous;
  for (auto& cell : cells_) {
    torch::Tensor next = cell.forward(previous, current);
    previous = current;
    current = next;
  }
  return classifier_->forward(current.mean({2, 3}));  // global average pooling
}

namespace {

// A cell: its two inputs brought to its channels, then 4 nodes, each the sum of two edges.
class DartsCellModuleImpl : public nn::Module {
 public:
  DartsCellModuleImpl(const DartsCell& edges, const DartsCellLayout& layout) : edges_(edges) {
    const int c = layout.channels;
    input0_ = register_module("input0", DartsCellInput(layout, 0));
    input1_ = register_module("input1", DartsCellInput(layout, 1));
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const int stride = layout.reduction && edges[e].input < 2 ? 2 : 1;
      ops_.push_back(
          register_module("edge" + std::to_string(e), DartsEdgeOp(edges[e].op, c, stride)));
    }
  }

  torch::Tensor forward(const torch::Tensor& input0, const torch::Tensor& input1) {
    std::vector<torch::Tensor> states = {input0_->forward(input0), input1_->forward(input1)};
    for (std::size_t node = 0; node < kDartsNodes; ++node) {
      const std::size_t a = 2 * node, b = a + 1;
      states.push_back(ops_[a]->forward(states[static_cast<std::size_t>(edges_[a].input)]) +
                       ops_[b]->forward(states[static_cast<std::size_t>(edges_[b].input)]));
    }
    return torch::cat(std::vector<torch::Tensor>(states.begin() + 2, states.end()), 1);
  }

 private:
  DartsCell edges_;
  nn::Sequential input0_{nullptr}, input1_{nullptr};
  std::vector<nn::Sequential> ops_;
};
TORCH_MODULE(DartsCellModule);

// The stand-alone network: its cells follow the architecture.
class DartsTorchNetwork final : public DartsNetworkImpl {
 public:
  DartsTorchNetwork(ArchId arch, const DartsNetworkOptions& o)
      : DartsNetworkImpl(o, [cells = DecodeDarts(arch)](const DartsCellLayout& layout) {
          return nn::AnyModule(DartsCellModule(cells[layout.reduction ? 1 : 0], layout));
        }) {}
};

}  // namespace

NASKIT_REGISTER_TORCH_NETWORK(darts, "darts",
                              TorchNetworkEntryOf<DartsTorchNetwork>(&DartsNetworkOptions::channels,
                                                                     &DartsNetworkOptions::cells));

}  // namespace naskit
