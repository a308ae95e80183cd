// A MobileNet-style search space, as a plugin (Sandler et al., "MobileNetV2", CVPR 2018; the
// block choices of MnasNet, Tan et al., CVPR 2019): a fixed stem, reductions and head around four
// searchable inverted-residual blocks, each choosing its depthwise kernel (3, 5 or 7) and its
// expansion ratio (1, 3 or 6), or to be skipped (the identity). 10^4 architectures.
//
//   stem 3x3 conv (C) - block 0 (C) - reduce (2C, stride 2) - block 1, block 2 (2C)
//   - reduce (4C, stride 2) - block 3 (4C) - global average pool - linear
//
// The space and its parameter/FLOP counts (mobilenet_space.cc) need no LibTorch and are loaded by
// `naskit`; the network (mobilenet_network.cc) is a second plugin, loaded by the training workers.
#pragma once

#include <array>
#include <string>

#include "core/options.h"

namespace mobilenet {

inline constexpr int kBlocks = 4;
inline constexpr int kChoices = 10;  // 0: skip; 1 + 3 * kernel index + expansion index
inline constexpr std::array<int, 3> kKernels = {3, 5, 7};
inline constexpr std::array<int, 3> kExpansions = {1, 3, 6};

struct Block {
  bool skip = true;
  int kernel = 0, expansion = 0;
};

inline Block BlockOf(int choice) {
  if (choice == 0) return {};
  return {false, kKernels[(choice - 1) / 3], kExpansions[(choice - 1) % 3]};
}

// The width of each searchable block for base width `c`.
inline int BlockChannels(int block, int c) { return block == 0 ? c : block < 3 ? 2 * c : 4 * c; }

// The network's shape, shared by the counter and the LibTorch network.
struct NetworkOptions {
  int channels = 16;
  int classes = 10;
  int in_channels = 3;
  int image_size = 32;
  template <class V>
  void Visit(V& v) {
    v("channels", channels, "base width C", naskit::InRange(1, 4096));
    v("classes", classes, "output classes", naskit::InRange(1, 100000));
    v("in_channels", in_channels, "input channels", naskit::InRange(1, 64));
    v("image_size", image_size, "input height and width", naskit::InRange(1, 4096));
  }
};

}  // namespace mobilenet
