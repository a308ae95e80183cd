// The DARTS network (Liu et al., ICLR 2019) as NASLib builds it for NAS-Bench-301
// (naslib/search_spaces/nasbench301/graph.py), the network NAS-Bench-Suite-Zero scored: its
// parameter count equals the `params` column of zc_nasbench301.json for all 500 cells (a test
// checks it). Shared by the analytic counts here and the LibTorch network (training/).
//
// stem: 3x3 conv to 3C + BN; three stages of `cells` normal cells with C, 2C, 4C channels, a
// reduction cell (stride 2 on the edges leaving the cell inputs) before the second and third;
// global average pooling and a linear classifier on the last cell's 4 x 4C channels. A cell's two
// inputs (the outputs of the two cells before it, or the stem) are brought to its channels by
// ReLU-1x1 conv-BN, or by a factorized reduction (two 1x1 convs of stride 2, offset by one pixel,
// then BN) when the input is twice the cell's resolution. Each intermediate node sums its two
// edges; the cell outputs the concatenation of its 4 nodes. Edge ops, with batch norm that learns
// no scale or shift: ReLU-depthwise-pointwise-BN twice (sep_conv), once with dilation 2 (dil_conv),
// 3x3 pooling then BN, identity (skip_connect; a factorized reduction at stride 2). No auxiliary
// head.
#pragma once

#include <vector>

#include "core/options.h"
#include "spaces/darts/darts_space.h"
#include "spaces/network_cost.h"

namespace naskit {

struct DartsNetworkOptions {
  int channels = 32;  // C
  int cells = 2;      // normal cells per stage
  int classes = 10;
  int in_channels = 3;
  int image_size = 32;  // square input

  template <class V>
  void Visit(V& v) {
    v("channels", channels, "C: channels of the first stage", InRange(2, 4096));
    v("cells", cells, "normal cells per stage", InRange(1, 100));
    v("classes", classes, "classifier outputs", AtLeast(1));
    v("in_channels", in_channels, "input channels", AtLeast(1));
    v("image_size", image_size, "square input size (a multiple of 4: two reductions)", AtLeast(4));
  }
};

// One cell of the network, in order.
struct DartsCellLayout {
  bool reduction = false;
  bool reduction_prev = false;  // the previous cell halved the image: input 0 is reduced too
  int channels = 0;             // C of the cell's edges; its output has 4 x channels
  int prev_prev_channels = 0, prev_channels = 0;  // of inputs 0 and 1
  int input_size = 0;  // of input 1 (input 0 is twice as large after a reduction)
};

// Throws ConfigError when the image cannot be halved twice into even sizes.
std::vector<DartsCellLayout> DartsLayout(const DartsNetworkOptions& options);

// Operations follow naskit's convention (spaces/network_cost.h); they agree with
// NAS-Bench-Suite-Zero's `flops` column within 1%.
NetworkCost DartsNetworkCost(ArchId arch, const DartsNetworkOptions& options);

}  // namespace naskit
