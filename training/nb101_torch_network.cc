// The NAS-Bench-101 network in LibTorch, registered as the nb101 space's network
// (training/network.h); the architecture is spaces/nb101/nb101_network.h's, and so its parameter
// count is Nb101NetworkCost's. Batch norm uses NAS-Bench-101's decay 0.997 and epsilon 1e-5.
#include "spaces/nb101/nb101_network.h"
#include "training/network.h"

namespace naskit {
namespace {

namespace nn = torch::nn;

nn::Sequential ConvBnRelu(int in, int out, int kernel) {
  return nn::Sequential(
      ObservedConv2d(nn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(false)),
      nn::BatchNorm2d(nn::BatchNorm2dOptions(out).momentum(0.003).eps(1e-5)), ObservedRelu());
}

class Nb101CellImpl : public nn::Module {
 public:
  Nb101CellImpl(const Nb101Space::Spec& spec, int in, int out)
      : spec_(spec), channels_(Nb101VertexChannels(spec, in, out)) {
    const int last = spec.vertices - 1;
    ops_.resize(static_cast<std::size_t>(last));
    projections_.resize(static_cast<std::size_t>(last));
    for (int v = 1; v < last; ++v) {
      const int c = channels_[v];
      if (spec.matrix[0][v]) {
        projections_[v] = register_module("projection" + std::to_string(v), ConvBnRelu(in, c, 1));
      }
      nn::Sequential op =
          spec.labels[v] == 2
              ? nn::Sequential(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(1).padding(1)))
              : ConvBnRelu(c, c, spec.labels[v] == 0 ? 3 : 1);
      ops_[v] = register_module("op" + std::to_string(v), op);
    }
    if (spec.matrix[0][last])
      output_projection_ = register_module("output", ConvBnRelu(in, out, 1));
  }

  torch::Tensor forward(const torch::Tensor& x) {
    const int last = spec_.vertices - 1;
    std::vector<torch::Tensor> values(static_cast<std::size_t>(last));
    std::vector<torch::Tensor> concatenated;
    for (int v = 1; v < last; ++v) {
      torch::Tensor sum;
      auto add = [&](const torch::Tensor& t) { sum = sum.defined() ? sum + t : t; };
      // Earlier vertices truncated to this vertex's channels, then the projected cell input.
      for (int from = 1; from < v; ++from) {
        if (spec_.matrix[from][v]) add(values[from].narrow(1, 0, channels_[v]));
      }
      if (spec_.matrix[0][v]) add(projections_[v]->forward(x));
      values[v] = ops_[v]->forward(sum);
      if (spec_.matrix[v][last]) concatenated.push_back(values[v]);
    }
    if (concatenated.empty()) return output_projection_->forward(x);
    torch::Tensor out = torch::cat(concatenated, 1);
    if (spec_.matrix[0][last]) out = out + output_projection_->forward(x);
    return out;
  }

 private:
  Nb101Space::Spec spec_;
  std::vector<int> channels_;
  std::vector<nn::Sequential> ops_, projections_;  // per vertex; null where there is none
  nn::Sequential output_projection_{nullptr};
};
TORCH_MODULE(Nb101Cell);

class Nb101TorchNetwork final : public NetworkImpl {
 public:
  Nb101TorchNetwork(ArchId arch, const Nb101NetworkOptions& o) {
    const Nb101Space::Spec spec = Nb101Space::ToSpec(arch);
    stem_ = register_module("stem", ConvBnRelu(o.in_channels, o.stem_channels, 3));
    body_ = register_module("body", nn::Sequential());
    int in = o.stem_channels, channels = o.stem_channels;
    for (int stack = 0; stack < o.stacks; ++stack) {
      if (stack > 0) {
        body_->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2)));
        channels *= 2;
      }
      for (int cell = 0; cell < o.cells; ++cell) {
        body_->push_back(Nb101Cell(spec, in, channels));
        in = channels;
      }
    }
    classifier_ = register_module("classifier", ObservedLinear(in, o.classes));
  }

  torch::Tensor forward(torch::Tensor x) override {
    x = body_->forward(stem_->forward(x));
    return classifier_->forward(x.mean({2, 3}));  // global average pooling
  }

 private:
  nn::Sequential stem_{nullptr}, body_{nullptr};
  ObservedLinear classifier_{nullptr};
};

}  // namespace

NASKIT_REGISTER_TORCH_NETWORK(
    nb101, "nb101",
    TorchNetworkEntryOf<Nb101TorchNetwork>(&Nb101NetworkOptions::stem_channels,
                                           &Nb101NetworkOptions::cells));

}  // namespace naskit
