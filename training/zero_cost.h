// Zero-cost proxies (see predictors/zero_cost_proxies.h for their definitions and papers),
// registered as predictors in this library: `PredictorRegistry::Global().Create("snip", ...)`.
#pragma once

#include <string>

#include "predictors/zero_cost_proxies.h"
#include "spaces/nb201/nb201_macro.h"
#include "training/nb201_network.h"

namespace naskit {

struct Minibatch {
  at::Tensor images;  // float32 [B, C, H, W]
  at::Tensor labels;  // int64 [B]
};

// The network shape and minibatch `options` describe; `images` and `labels` are undefined with
// dataset none.
struct ZeroCostInput {
  Nb201MacroOptions network;
  Minibatch batch;
};
ZeroCostInput LoadZeroCostInput(const ZeroCostOptions& options);

// The score of proxy `key` for `arch`, with weights initialised from `seed`. Throws ConfigError
// for a data-dependent proxy without a minibatch.
double ZeroCostScore(const std::string& key, ArchId arch, const ZeroCostInput& input,
                     std::uint64_t seed);
// The same for a network built by the caller (tests score double-precision networks), in the
// mode the caller left it in.
double ScoreNetwork(const std::string& key, Nb201Network& net, const ZeroCostInput& input);

}  // namespace naskit
