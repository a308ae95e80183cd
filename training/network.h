// A search space's network in LibTorch, for zero-cost proxies and training.
//
// A space that has one registers a factory under its own key (NASKIT_REGISTER_TORCH_NETWORK, in
// the file that builds the network), as it registers its analytic counts (spaces/network_cost.h);
// callers build a network through the space's name and get a clear error for a space without one.
// The layers that zero-cost proxies observe (ReLU inputs, convolution and classifier outputs)
// report to the thread's ForwardObserver, whichever space built them.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/options.h"
#include "spaces/search_space.h"

namespace naskit {

// Sees intermediate tensors of every network forward pass on this thread while a
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

// A network mapping images [B, in_channels, size, size] to class scores [B, classes].
class NetworkImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  std::int64_t NumParameters();
};

// The shape every space's network takes: width and depth in the space's own terms (NB201: C and N
// cells per stage; NB101: stem channels and cells per stack; DARTS: C and normal cells per stage),
// 0 for the space's published default;
// the classes and input from the data.
struct NetworkShape {
  int channels = 0;
  int cells = 0;
  int classes = 10;
  int in_channels = 3;
  int image_size = 32;  // square input
};

struct TorchNetworkEntry {
  std::function<std::shared_ptr<NetworkImpl>(ArchId, const NetworkShape&)> build;
  // The options of the space's NetworkCounter that count the network of this shape.
  std::function<OptionValues(const NetworkShape&)> counter_options;
};

bool RegisterTorchNetwork(const std::string& space, TorchNetworkEntry entry);
// Throws ConfigError naming the space, and the spaces that have a network, if it has none.
const TorchNetworkEntry& FindTorchNetwork(const std::string& space);
std::vector<std::string> TorchNetworkSpaces();

// A space's network options (with classes, in_channels and image_size members) for `shape`: its
// `width` and `depth` members where the shape sets them, the space's defaults where it leaves 0.
template <class Options>
Options ShapedOptions(const NetworkShape& shape, int Options::*width, int Options::*depth) {
  Options o;
  if (shape.channels > 0) o.*width = shape.channels;
  if (shape.cells > 0) o.*depth = shape.cells;
  o.classes = shape.classes;
  o.in_channels = shape.in_channels;
  o.image_size = shape.image_size;
  return o;
}

// The entry of `Network`, constructed from (ArchId, Options), whose NetworkCounter takes the same
// Options.
template <class Network, class Options>
TorchNetworkEntry TorchNetworkEntryOf(int Options::*width, int Options::*depth) {
  return {
      [=](ArchId arch, const NetworkShape& shape) -> std::shared_ptr<NetworkImpl> {
        return std::make_shared<Network>(arch, ShapedOptions(shape, width, depth));
      },
      [=](const NetworkShape& shape) { return RecordOptions(ShapedOptions(shape, width, depth)); }};
}

#define NASKIT_REGISTER_TORCH_NETWORK(name, space, ...)                       \
  static const bool naskit_registered_torch_network_##name [[maybe_unused]] = \
      ::naskit::RegisterTorchNetwork(space, __VA_ARGS__)

}  // namespace naskit
