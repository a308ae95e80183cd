// A space's network as the table-driven core sees it: how many parameters and operations the
// network that trains an architecture has, without LibTorch.
//
// A space that has a network registers a NetworkCounter under its own key
// (NASKIT_REGISTER_NETWORK), with the network's shape as options (channels, cells, ...). The
// `params` and `flops` predictors find it through the space they are given, so they count any
// space that registered one and say clearly when a space has none.
#pragma once

#include <cstdint>

#include "core/registry.h"
#include "spaces/search_space.h"

namespace naskit {

struct NetworkCost {
  std::int64_t params = 0;
  // Operations, naskit's convention: multiply-adds of convolutions and the classifier (plus its
  // bias), 3 per batch-norm output element, k*k per output element of a k x k pooling (a global
  // pooling counts its input).
  std::int64_t flops = 0;
};

class NetworkCounter {
 public:
  static constexpr const char* kKind = "network";
  virtual ~NetworkCounter() = default;
  // Throws ConfigError for an id that is no architecture of the counter's space.
  virtual NetworkCost Count(ArchId arch) const = 0;
};

// Keyed by the space's key.
using NetworkRegistry = Registry<NetworkCounter>;

// The NetworkCounter of an analytic count function and its options (the network's shape).
template <class Options, NetworkCost (*kCount)(ArchId, const Options&)>
class CountingNetwork final : public NetworkCounter {
 public:
  explicit CountingNetwork(const Options& options) : options_(options) {}
  NetworkCost Count(ArchId arch) const override { return kCount(arch, options_); }

 private:
  Options options_;
};

#define NASKIT_REGISTER_NETWORK(Class, Options, key, summary)            \
  static const bool naskit_registered_network_##Class [[maybe_unused]] = \
      ::naskit::NetworkRegistry::Global().Register<Class, Options>(key, summary)

}  // namespace naskit
