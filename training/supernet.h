// Weight-sharing supernets: one network that holds every candidate operation of every edge of a
// cell-based space, so that every architecture of the space is a path through shared weights
// (ENAS, Pham et al., 2018; DARTS, Liu et al., ICLR 2019; One-Shot, Bender et al., ICML 2018).
//
// The cell's decisions are the space's (NumDecisions, NumChoices: NB201's 6 edges of 5
// operations); as in NAS-Bench-201's and DARTS's search models, every cell of the network follows
// the same choices. A forward pass combines each edge's candidates in one of three ways:
// - a single path: each edge runs one operation (RSPS, SPOS, and evaluating an architecture with
//   inherited weights);
// - a mixture: the sum of every operation weighted by the edge's row of a [decisions, choices]
//   tensor (DARTS's continuous relaxation; DARTS-PT's masked and projected edges);
// - a sampled path with straight-through weights: each edge runs only its sampled operation,
//   scaled by its weight, and adds the other weights (zero in value) so that every architecture
//   parameter receives a gradient (GDAS, Dong & Yang, CVPR 2019, as in NAS-Bench-201's code).
// A space's supernet is registered beside its stand-alone network (training/network.h).
#pragma once

#include <torch/torch.h>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "training/network.h"

namespace naskit {

// How the edges combine their operations in the next forward passes.
struct SupernetPath {
  enum class Kind { kSingle, kMixture, kSampled };
  Kind kind = Kind::kSingle;
  std::vector<int> ops{};   // kSingle, kSampled: each decision's operation
  torch::Tensor weights{};  // kMixture, kSampled: [decisions, choices]
};

class SupernetImpl : public NetworkImpl {
 public:
  // The path every later forward pass follows (throws std::invalid_argument for a wrong shape).
  void SetPath(SupernetPath path);
  const SupernetPath& path() const { return path_; }
  virtual std::size_t NumDecisions() const = 0;
  virtual std::size_t NumChoices() const = 0;
  // The name of operation `choice` (an index into the space's choices of a decision).
  virtual std::string ChoiceName(std::size_t choice) const = 0;
  // Copies the weights an architecture inherits into `network`, the space's stand-alone network of
  // the same shape (training/network.h): its forward then equals this supernet's on the
  // architecture's single path.
  virtual void CopyPathInto(ArchId arch, NetworkImpl& network) = 0;
  // The path of an architecture: each decision's operation (in a space whose cells choose their
  // edges, the zero operation on the edges the architecture does not use).
  virtual std::vector<int> OpsOf(ArchId arch) const = 0;
  // A uniformly random architecture's path, for single-path training.
  virtual std::vector<int> SamplePath(Rng& rng) const = 0;
  // The architecture that weights [decisions, choices] select (DARTS's discretisation): each
  // decision's strongest operation, or, where cells choose their edges, each node's two strongest
  // incoming edges, each with its strongest operation other than the zero one.
  virtual ArchId Derive(const torch::Tensor& weights) const = 0;
  // Whether the space's cells choose their edges (DARTS) or fix them (NB201).
  virtual bool ChoosesEdges() const { return false; }

 protected:
  // Copies each of this supernet's parameters and buffers that `rename` maps to a name of
  // `network`'s (nullopt: not on the path) into it; a name the network lacks is a logic error.
  void CopyRenamed(NetworkImpl& network,
                   const std::function<std::optional<std::string>(const std::string&)>& rename);

  SupernetPath path_;
};

struct SupernetEntry {
  std::function<std::shared_ptr<SupernetImpl>(const NetworkShape&)> build;
};

bool RegisterSupernet(const std::string& space, SupernetEntry entry);
// Throws ConfigError naming the space, and the spaces that have a supernet, if it has none.
const SupernetEntry& FindSupernet(const std::string& space);

#define NASKIT_REGISTER_SUPERNET(name, space, ...)                       \
  static const bool naskit_registered_supernet_##name [[maybe_unused]] = \
      ::naskit::RegisterSupernet(space, __VA_ARGS__)

}  // namespace naskit
