// The NAS-Bench-201 network in LibTorch, faithful to Dong & Yang's macro skeleton (see
// spaces/nb201/nb201_network.h); with C=16, N=5, 10 classes and 32x32x3 input its parameter count
// equals NB201's published `params` for every cell. Registered as the nb201 space's network
// (training/network.h).
#pragma once

#include <torch/torch.h>

#include "spaces/nb201/nb201_network.h"
#include "training/network.h"

namespace naskit {

class Nb201CellImpl : public torch::nn::Module {
 public:
  Nb201CellImpl(ArchId arch, int channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  std::array<int, 6> ops_;
  std::array<torch::nn::Sequential, 6> edges_{nullptr, nullptr, nullptr,
                                              nullptr, nullptr, nullptr};  // null for none, skip
};
TORCH_MODULE(Nb201Cell);

// ReLU, convolution (no bias, "same" padding) and batch norm: NB201's ReLUConvBN; the supernet's
// edges use it without the affine transform, as NB201's and DARTS's search models do.
torch::nn::Sequential Nb201ReluConvBn(int in, int out, int kernel, int stride, bool affine = true);

// ResNet basic block with stride 2 between stages (NB201's ResNetBasicblock).
class ResidualReductionImpl : public torch::nn::Module {
 public:
  ResidualReductionImpl(int in, int out);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential conv_a_{nullptr}, conv_b_{nullptr}, shortcut_{nullptr};
};
TORCH_MODULE(ResidualReduction);

class Nb201NetworkImpl : public NetworkImpl {
 public:
  Nb201NetworkImpl(ArchId arch, const Nb201MacroOptions& options);
  // The skeleton around cells of another kind (the supernet's): `cell(channels)` builds each.
  Nb201NetworkImpl(const Nb201MacroOptions& options,
                   const std::function<torch::nn::AnyModule(int channels)>& cell);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential stem_{nullptr}, body_{nullptr}, head_{nullptr};
  ObservedLinear classifier_{nullptr};
};
TORCH_MODULE(Nb201Network);

// The NB201 skeleton of a network shape (channels and cells 0: NB201's C=16, N=5).
Nb201MacroOptions Nb201Macro(const NetworkShape& shape);

}  // namespace naskit
