// The NAS-Bench-201 network in LibTorch, faithful to Dong & Yang's macro skeleton (see
// spaces/nb201/nb201_macro.h); with C=16, N=5, 10 classes and 32x32x3 input its parameter count
// equals NB201's published `params` for every cell.
#pragma once

#include <torch/torch.h>

#include "spaces/nb201/nb201_macro.h"

namespace naskit {

// Sees intermediate tensors of every NB201 network forward pass on this thread while a
// ScopedForwardObserver holds it; zero-cost proxies use it (as PyTorch code uses hooks). Costs one
// thread-local read per layer when none is set.
class ForwardObserver {
 public:
  virtual ~ForwardObserver() = default;
  virtual void OnReluInput(const torch::Tensor& /*input*/) {}
  // The output of every convolution and of the classifier.
  virtual void OnLayerOutput(const torch::Tensor& /*output*/) {}
};

class ScopedForwardObserver {
 public:
  explicit ScopedForwardObserver(ForwardObserver* observer);
  ~ScopedForwardObserver();
  ScopedForwardObserver(const ScopedForwardObserver&) = delete;
  ScopedForwardObserver& operator=(const ScopedForwardObserver&) = delete;

 private:
  ForwardObserver* previous_;
};

// ReLU, convolution and linear layers that report to the current ForwardObserver; parameters and
// initialisation as torch::nn's.
class ObservedReluImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(ObservedRelu);

class ObservedConv2dImpl : public torch::nn::Conv2dImpl {
 public:
  using Conv2dImpl::Conv2dImpl;
  torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(ObservedConv2d);

class ObservedLinearImpl : public torch::nn::LinearImpl {
 public:
  using LinearImpl::LinearImpl;
  torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(ObservedLinear);

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

// ResNet basic block with stride 2 between stages (NB201's ResNetBasicblock).
class ResidualReductionImpl : public torch::nn::Module {
 public:
  ResidualReductionImpl(int in, int out);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential conv_a_{nullptr}, conv_b_{nullptr}, shortcut_{nullptr};
};
TORCH_MODULE(ResidualReduction);

class Nb201NetworkImpl : public torch::nn::Module {
 public:
  Nb201NetworkImpl(ArchId arch, const Nb201MacroOptions& options);
  torch::Tensor forward(torch::Tensor x);
  std::int64_t NumParameters();

 private:
  torch::nn::Sequential stem_{nullptr}, body_{nullptr}, head_{nullptr};
  ObservedLinear classifier_{nullptr};
};
TORCH_MODULE(Nb201Network);

}  // namespace naskit
