// The DARTS network's pieces in LibTorch (spaces/darts/darts_network.h describes the network),
// shared by the stand-alone network and the darts supernet (darts_supernet.cc).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

#include "spaces/darts/darts_network.h"
#include "training/network.h"

namespace naskit {

torch::nn::BatchNorm2d DartsBatchNorm(int channels, bool affine);

// ReLU, 1x1 convolution, batch norm: a cell input brought to the cell's channels.
torch::nn::Sequential DartsReluConvBn(int in, int out);

// Halves the image with two 1x1 convolutions of stride 2, the second offset by one pixel, whose
// outputs are concatenated.
class DartsFactorizedReduceImpl : public torch::nn::Module {
 public:
  DartsFactorizedReduceImpl(int in, int out, bool affine);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  ObservedRelu relu_;
  ObservedConv2d conv_a_, conv_b_;
  torch::nn::BatchNorm2d batch_norm_;
};
TORCH_MODULE(DartsFactorizedReduce);

// Cell input `input` (0: the output of the cell two before, 1: of the cell before) brought to the
// cell's channels and resolution.
torch::nn::Sequential DartsCellInput(const DartsCellLayout& layout, int input);

// Operation `op_index` of kDartsOps on an edge of `channels`, with `stride` (2 on a reduction
// cell's edges from its inputs).
torch::nn::Sequential DartsEdgeOp(int op_index, int channels, int stride);

// The network's skeleton (stem, the cells of DartsLayout, global pooling and classifier) around
// cells that `cell(layout)` builds, modules whose forward takes the two previous cells' outputs:
// the architecture's (the stand-alone network) or every edge's choices (the supernet).
class DartsNetworkImpl : public NetworkImpl {
 public:
  DartsNetworkImpl(const DartsNetworkOptions& options,
                   const std::function<torch::nn::AnyModule(const DartsCellLayout&)>& cell);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential stem_{nullptr};
  std::vector<torch::nn::AnyModule> cells_;
  ObservedLinear classifier_{nullptr};
};

}  // namespace naskit
