// The NAS-Bench-201 macro skeleton (Dong & Yang, ICLR 2020, Fig. 1), shared by the LibTorch network
// builder (training/) and the analytic parameter and FLOP counts here, which need no LibTorch.
//
// stem: 3x3 conv (no bias) + BN; three stages of N cells with C, 2C, 4C channels; between stages a
// residual reduction block (ReLU-conv3x3/2-BN, ReLU-conv3x3-BN; shortcut 2x2 average pool + 1x1
// conv); final BN + ReLU, global average pooling, linear classifier. Cell ops: ReLU-Conv-BN 1x1 and
// 3x3, 3x3 average pooling (stride 1, padding 1, padding excluded from the average), identity,
// zero.
#pragma once

#include <cstdint>

#include "core/options.h"
#include "spaces/network_cost.h"
#include "spaces/search_space.h"

namespace naskit {

struct Nb201MacroOptions {
  int channels = 16;  // C
  int cells = 5;      // N per stage
  int classes = 10;
  int in_channels = 3;
  int image_size = 32;  // square input

  template <class V>
  void Visit(V& v) {
    v("channels", channels, "C: channels of the first stage", InRange(1, 4096));
    v("cells", cells, "N: cells per stage", InRange(1, 1000));
    v("classes", classes, "classifier outputs", AtLeast(1));
    v("in_channels", in_channels, "input channels", AtLeast(1));
    v("image_size", image_size, "square input size", AtLeast(1));
  }
};

// Operations follow naskit's convention (spaces/network_cost.h); they agree with
// NAS-Bench-Suite-Zero's `flops` column within 0.05%.
NetworkCost Nb201NetworkCost(ArchId arch, const Nb201MacroOptions& options);

}  // namespace naskit
