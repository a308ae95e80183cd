// The NAS-Bench-101 network (Ying et al., ICML 2019, §2.1; nasbench/lib/model_builder.py), shared
// by the analytic parameter and operation counts here and any network builder that trains it.
//
// stem: 3x3 conv-BN-ReLU to `stem_channels`; `stacks` stacks of `cells` cells, the channels doubled
// and the image halved by a 2x2 max pool before every stack but the first; global average pooling
// and a linear classifier. In a cell, each operation vertex receives the sum of its inputs (earlier
// vertices truncated to its channels, the cell input through a 1x1 conv-BN-ReLU projection); the
// vertices feeding the output are concatenated (their channels split the cell's output channels),
// plus a projection of the cell input when it feeds the output directly. Convolutions have no
// bias; batch norm learns a scale and a shift.
#pragma once

#include <vector>

#include "core/options.h"
#include "spaces/nb101/nb101_space.h"
#include "spaces/network_cost.h"

namespace naskit {

struct Nb101NetworkOptions {
  int stem_channels = 128;
  int stacks = 3;
  int cells = 3;  // per stack
  int classes = 10;
  int in_channels = 3;
  int image_size = 32;  // square input

  template <class V>
  void Visit(V& v) {
    v("stem_channels", stem_channels, "channels of the stem and the first stack", InRange(1, 4096));
    v("stacks", stacks, "stacks of cells, each halving the image", InRange(1, 8));
    v("cells", cells, "cells per stack", InRange(1, 100));
    v("classes", classes, "classifier outputs", AtLeast(1));
    v("in_channels", in_channels, "input channels", AtLeast(1));
    v("image_size", image_size, "square input size", AtLeast(1));
  }
};

// The channels of every vertex of a cell with `in` input and `out` output channels
// (model_builder.py, compute_vertex_channels): the output's channels split evenly among the
// vertices that feed it, the first ones taking one more for a remainder; a vertex that feeds only
// other vertices takes the largest of their channels.
std::vector<int> Nb101VertexChannels(const Nb101Space::Spec& spec, int in, int out);

// Parameters as NAS-Bench-101 counts them (`trainable_parameters`: convolution weights, batch-norm
// scales and shifts, the classifier's weights and bias); operations in naskit's convention
// (spaces/network_cost.h). The count depends on the order of the vertices (which of them take the
// remainder of the output channels), so isomorphic specs may differ by a few parameters: a spec is
// counted as written (NAS-Bench-101 counted the spec it stored), an ArchId as its canonical spec.
NetworkCost Nb101NetworkCost(const Nb101Space::Spec& spec, const Nb101NetworkOptions& options);
NetworkCost Nb101NetworkCost(ArchId arch, const Nb101NetworkOptions& options);

}  // namespace naskit
