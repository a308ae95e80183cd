// The LibTorch network of the MobileNet-style space (mobilenet_space.h): a second plugin, loaded
// by naskit-torch (the training evaluator's workers: `worker_plugins`; `naskit verify --plugin`).
#include <torch/torch.h>

#include "mobilenet_space.h"
#include "training/network.h"

namespace mobilenet {
namespace {

namespace nn = torch::nn;

// Appends convolution, batch norm and (optionally) ReLU6 to `s`.
void AddConvBn(nn::Sequential& s, int in, int out, int kernel, int stride, int groups, bool relu) {
  s->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, kernel)
                              .stride(stride)
                              .padding(kernel / 2)
                              .groups(groups)
                              .bias(false)));
  s->push_back(nn::BatchNorm2d(out));
  if (relu) s->push_back(nn::ReLU6());
}

nn::Sequential ConvBn(int in, int out, int kernel, int stride) {
  nn::Sequential s;
  AddConvBn(s, in, out, kernel, stride, 1, true);
  return s;
}

// MobileNetV2's inverted residual at stride 1: 1x1 expansion, k x k depthwise, linear 1x1
// projection (the identity shortcut is added in forward).
nn::Sequential InvertedResidual(int width, Block block) {
  const int hidden = width * block.expansion;
  nn::Sequential s;
  if (block.expansion != 1) AddConvBn(s, width, hidden, 1, 1, 1, true);
  AddConvBn(s, hidden, hidden, block.kernel, 1, hidden, true);
  AddConvBn(s, hidden, width, 1, 1, 1, false);
  return s;
}

class MobileNet : public naskit::NetworkImpl {
 public:
  MobileNet(naskit::ArchId arch, const NetworkOptions& o) {
    const int c = o.channels;
    stem_ = register_module("stem", ConvBn(o.in_channels, c, 3, 1));
    for (int b = 0; b < kBlocks; ++b, arch /= kChoices) {
      if (b == 1 || b == 3) {
        const int in = BlockChannels(b - 1, c);
        reductions_.push_back(
            register_module("reduce" + std::to_string(b), ConvBn(in, 2 * in, 3, 2)));
      }
      const Block block = BlockOf(static_cast<int>(arch % kChoices));
      blocks_.push_back(block.skip ? nullptr
                                   : register_module("block" + std::to_string(b),
                                                     InvertedResidual(BlockChannels(b, c), block)));
    }
    classifier_ = register_module("classifier", nn::Linear(4 * c, o.classes));
  }

  torch::Tensor forward(torch::Tensor x) override {
    x = stem_->forward(x);
    for (int b = 0, r = 0; b < kBlocks; ++b) {
      if (b == 1 || b == 3) x = reductions_[r++]->forward(x);
      if (blocks_[b]) x = x + blocks_[b]->forward(x);  // a skipped block is the identity
    }
    return classifier_->forward(x.mean({2, 3}));
  }

 private:
  nn::Sequential stem_{nullptr};
  std::vector<nn::Sequential> reductions_, blocks_;
  nn::Linear classifier_{nullptr};
};

NetworkOptions Shaped(const naskit::NetworkShape& shape) {
  NetworkOptions o;
  if (shape.channels > 0) o.channels = shape.channels;
  o.classes = shape.classes;
  o.in_channels = shape.in_channels;
  o.image_size = shape.image_size;
  return o;
}

NASKIT_REGISTER_TORCH_NETWORK(
    mobilenet, "mobilenet",
    naskit::TorchNetworkEntry{
        [](naskit::ArchId arch,
           const naskit::NetworkShape& shape) -> std::shared_ptr<naskit::NetworkImpl> {
          return std::make_shared<MobileNet>(arch, Shaped(shape));
        },
        [](const naskit::NetworkShape& shape) { return naskit::RecordOptions(Shaped(shape)); }});

}  // namespace
}  // namespace mobilenet
