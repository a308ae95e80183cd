// Zero-cost proxies (see predictors/zero_cost_proxies.h for their definitions and papers),
// registered as predictors in this library: `PredictorRegistry::Global().Create("snip", ...)`.
#pragma once

#include <string>
#include <vector>

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

// The scores of proxies `keys` (ZeroCostProxies() keys, any subset) for `arch` of `space` (whose
// network training/network.h registers), with weights initialised from `seed`. Throws ConfigError
// for a data-dependent proxy without a minibatch, or a space without a network.
//
// The data-dependent proxies share one forward pass of the minibatch and the backward passes they
// need; each score equals the one computed alone (tests check it).
std::vector<double> ZeroCostScores(const std::vector<std::string>& keys, const std::string& space,
                                   ArchId arch, const ZeroCostInput& input, std::uint64_t seed);
// The same for a network built by the caller (tests score double-precision networks), in the
// mode the caller left it in. synflow, computed last, leaves the weights rescaled.
std::vector<double> ScoreNetwork(const std::vector<std::string>& keys, NetworkImpl& net,
                                 const ZeroCostInput& input);

}  // namespace naskit
