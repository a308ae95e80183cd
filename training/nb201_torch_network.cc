// The NAS-Bench-201 network; see nb201_torch_network.h.
#include "training/nb201_torch_network.h"

#include "spaces/nb201/nb201_space.h"

namespace naskit {
namespace nn = torch::nn;

nn::Sequential Nb201ReluConvBn(int in, int out, int kernel, int stride, bool affine) {
  return nn::Sequential(
      ObservedRelu(),
      ObservedConv2d(
          nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false)),
      nn::BatchNorm2d(nn::BatchNorm2dOptions(out).affine(affine)));
}

Nb201CellImpl::Nb201CellImpl(ArchId arch, int channels) : ops_(Nb201Space::Ops(arch)) {
  for (int e = 0; e < Nb201Space::kNumEdges; ++e) {
    const std::string name = "edge" + std::to_string(e);
    switch (ops_[e]) {
      case Nb201Space::kConv1x1:
        edges_[e] = register_module(name, Nb201ReluConvBn(channels, channels, 1, 1));
        break;
      case Nb201Space::kConv3x3:
        edges_[e] = register_module(name, Nb201ReluConvBn(channels, channels, 3, 1));
        break;
      case Nb201Space::kAvgPool:
        edges_[e] = register_module(
            name, nn::Sequential(nn::AvgPool2d(
                      nn::AvgPool2dOptions(3).stride(1).padding(1).count_include_pad(false))));
        break;
      default:
        break;  // none and skip_connect have no module
    }
  }
}

torch::Tensor Nb201CellImpl::forward(const torch::Tensor& x) {
  std::array<torch::Tensor, 4> nodes;
  nodes[0] = x;
  for (int target = 1; target < 4; ++target) {
    torch::Tensor sum;
    for (int e = 0; e < Nb201Space::kNumEdges; ++e) {
      if (Nb201Space::kEdges[e].second != target || ops_[e] == Nb201Space::kNone) continue;
      const torch::Tensor& input = nodes[Nb201Space::kEdges[e].first];
      torch::Tensor out = ops_[e] == Nb201Space::kSkip ? input : edges_[e]->forward(input);
      sum = sum.defined() ? sum + out : out;
    }
    // A node whose every input edge is `none` outputs zeros, as NB201's Zero op does.
    nodes[target] = sum.defined() ? sum : torch::zeros_like(x);
  }
  return nodes[3];
}

ResidualReductionImpl::ResidualReductionImpl(int in, int out) {
  conv_a_ = register_module("conv_a", Nb201ReluConvBn(in, out, 3, 2));
  conv_b_ = register_module("conv_b", Nb201ReluConvBn(out, out, 3, 1));
  // ceil_mode: an odd input (a 14-pixel image's 7) halves to the size the strided convolution gives
  // (4, not 3); even inputs, NB201's own, are unchanged.
  shortcut_ = register_module(
      "shortcut", nn::Sequential(nn::AvgPool2d(nn::AvgPool2dOptions(2).stride(2).ceil_mode(true)),
                                 ObservedConv2d(nn::Conv2dOptions(in, out, 1).bias(false))));
}

torch::Tensor ResidualReductionImpl::forward(const torch::Tensor& x) {
  return shortcut_->forward(x) + conv_b_->forward(conv_a_->forward(x));
}

Nb201NetworkImpl::Nb201NetworkImpl(ArchId arch, const Nb201MacroOptions& o)
    : Nb201NetworkImpl(o,
                       [arch](int channels) { return nn::AnyModule(Nb201Cell(arch, channels)); }) {}

Nb201NetworkImpl::Nb201NetworkImpl(const Nb201MacroOptions& o,
                                   const std::function<nn::AnyModule(int)>& cell) {
  stem_ = register_module(
      "stem",
      nn::Sequential(
          ObservedConv2d(nn::Conv2dOptions(o.in_channels, o.channels, 3).padding(1).bias(false)),
          nn::BatchNorm2d(o.channels)));
  body_ = register_module("body", nn::Sequential());
  int c = o.channels;
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      body_->push_back(ResidualReduction(c, 2 * c));
      c *= 2;
    }
    for (int i = 0; i < o.cells; ++i) body_->push_back(cell(c));
  }
  head_ = register_module("head",
                          nn::Sequential(nn::BatchNorm2d(c), ObservedRelu(),
                                         nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1))));
  classifier_ = register_module("classifier", ObservedLinear(c, o.classes));
}

torch::Tensor Nb201NetworkImpl::forward(torch::Tensor x) {
  x = head_->forward(body_->forward(stem_->forward(x)));
  return classifier_->forward(x.flatten(1));
}

Nb201MacroOptions Nb201Macro(const NetworkShape& shape) {
  return ShapedOptions(shape, &Nb201MacroOptions::channels, &Nb201MacroOptions::cells);
}

NASKIT_REGISTER_TORCH_NETWORK(nb201, "nb201",
                              TorchNetworkEntryOf<Nb201NetworkImpl>(&Nb201MacroOptions::channels,
                                                                    &Nb201MacroOptions::cells));

}  // namespace naskit
