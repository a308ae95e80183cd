// The zero-cost proxies naskit computes with LibTorch (training/zero_cost.cc registers them as
// predictors in `naskit-torch`), declared here without LibTorch so that `naskit list` and
// `naskit describe` show them too.
//
// Each scores the space's network (training/network.h: nb201, nb101, darts) at initialisation
// (weights from torch::manual_seed(seed)) on one minibatch of `batch_size` training images drawn
// with `seed`, batch norm in training mode and cross-entropy loss, as Abdelfattah et al.
// ("Zero-Cost Proxies for Lightweight NAS", ICLR 2021) and NASLib compute them:
//   synflow    sum |theta * dR/dtheta|, R = sum of outputs with |theta| on an all-ones input, in
//              double precision, batch norm in evaluation mode; no data (Tanaka et al., NeurIPS
//              2020). naskit reports its natural logarithm.
//   snip       sum |theta * dL/dtheta| over conv and linear weights (Lee et al., ICLR 2019)
//   grasp      -sum theta * (H g), g = dL/dtheta, H the Hessian (Wang et al., ICLR 2020)
//   fisher     sum over conv/linear output channels of 0.5 * mean over images of
//              (sum over positions of activation * dL/dactivation)^2 (Turner et al., ICLR 2020)
//   grad_norm  sum over conv and linear layers of ||dL/dW||_2
//   jacob_cov  -sum_i log(v_i + k) + 1 / (v_i + k), v the eigenvalues of the correlation matrix of
//              the per-image input gradients of the summed outputs, k = 1e-5 (Mellor et al., 2020)
//   naswot     log |det K|, K[i][j] = the number of ReLU units on which images i and j agree (both
//              active or both inactive), over every ReLU (Mellor et al., "Neural Architecture
//              Search without Training", ICML 2021)
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/options.h"

namespace naskit {

struct ZeroCostProxyInfo {
  const char* key;
  const char* summary;
  bool needs_data;  // false: computed on a constant input, no minibatch
};

std::span<const ZeroCostProxyInfo> ZeroCostProxies();

struct ZeroCostOptions {
  std::string dataset = "fashion-mnist";
  std::string data_dir{};
  int channels = 0, cells = 0;
  int image_size = 0;
  int in_channels = 3, classes = 10;
  int batch_size = 64;
  std::int64_t seed = 0;

  template <class V>
  void Visit(V& v) {
    v("dataset", dataset,
      "minibatch source: fashion-mnist, cifar10, synthetic, or none (synflow only)",
      OneOf({"fashion-mnist", "cifar10", "synthetic", "none"}));
    v("data_dir", data_dir, "dataset folder (default: Debian's for fashion-mnist)");
    v("channels", channels,
      "network width: NB201's C (16), NB101's stem channels (128), DARTS's C (32); 0: the "
      "space's own",
      AtLeast(0));
    v("cells", cells,
      "network depth: NB201's cells per stage (5), NB101's per stack (3), DARTS's normal "
      "cells per stage (2); 0: the space's own",
      AtLeast(0));
    v("image_size", image_size, "input size (0: the dataset's own; 32 with dataset none)",
      AtLeast(0));
    v("in_channels", in_channels, "input channels with dataset none", AtLeast(1));
    v("classes", classes, "classifier outputs with dataset none", AtLeast(1));
    v("batch_size", batch_size, "images in the minibatch", AtLeast(2));
    v("seed", seed, "seed of the initial weights and of the minibatch", AtLeast(0));
  }
};

}  // namespace naskit
