// Zero-cost proxies (see predictors/zero_cost_proxies.h for their definitions and papers),
// registered as predictors in this library: `PredictorRegistry::Global().Create("snip", ...)`.
#pragma once

#include <string>

#include "predictors/zero_cost_proxies.h"
#include "training/network.h"

namespace naskit {

struct Minibatch {
  at::Tensor images;  // float32 [B, C, H, W]
  at::Tensor labels;  // int64 [B]
};

// The network shape and minibatch `options` describe; `images` and `labels` are undefined with
// dataset none.
struct ZeroCostInput {
  NetworkShape network;
  Minibatch batch;
};
ZeroCostInput LoadZeroCostInput(const ZeroCostOptions& options);
// Throws ConfigError when proxy `key` cannot be computed with `options` (a data-dependent proxy
// without a minibatch), before any network or file is read.
void CheckZeroCostOptions(const std::string& key, const ZeroCostOptions& options);

// The score of proxy `key` for `arch` of `space` (whose network training/network.h registers),
// with weights initialised from `seed`. Throws ConfigError for a data-dependent proxy without a
// minibatch, or a space without a network.
double ZeroCostScore(const std::string& key, const std::string& space, ArchId arch,
                     const ZeroCostInput& input, std::uint64_t seed);
// The same for a network built by the caller (tests score double-precision networks), in the
// mode the caller left it in.
double ScoreNetwork(const std::string& key, NetworkImpl& net, const ZeroCostInput& input);

}  // namespace naskit
