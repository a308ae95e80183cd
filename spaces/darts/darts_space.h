// The DARTS cell space (Liu, Simonyan & Yang, "DARTS: Differentiable Architecture Search", ICLR
// 2019), as NAS-Bench-301 uses it (Siems et al., "NAS-Bench-301 and the Case for Surrogate
// Benchmarks", 2020): a normal and a reduction cell, each with 4 intermediate nodes; node k takes
// two different inputs among the cell's two inputs and nodes 0..k-1, each through one of 7 ops.
//
// The string form is NASLib's compact one (what NAS-Bench-Suite-Zero's files use): two lists of 8
// (input, op) pairs, pairs 2k and 2k+1 feeding node k, input 0 and 1 the cell inputs, op an index
// into kOps. The two edges of a node are unordered, so naskit writes them by ascending input.
//
// The ArchId is dense: per node, the index of its input pair among the C(k+2, 2) pairs and the op
// of each edge; the cells in mixed radix, normal first: 1,037,664,180 cells squared, about
// 1.08e18 architectures, which fits in 64 bits. Canonical() is the identity: the space's
// isomorphisms (e.g. relabelling intermediate nodes) are not merged.
#pragma once

#include <array>

#include "spaces/search_space.h"

namespace naskit {

inline constexpr int kDartsNodes = 4;  // intermediate nodes of a cell
inline constexpr int kDartsOpCount = 7;
inline constexpr std::array<const char*, kDartsOpCount> kDartsOps = {
    "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
    "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};

struct DartsEdge {
  int input = 0;  // 0, 1: the cell's inputs; k + 2: intermediate node k
  int op = 0;     // index into kDartsOps
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  auto operator<=>(const DartsEdge&) const = default;
};
using DartsCell = std::array<DartsEdge, 2 * kDartsNodes>;  // edges 2k, 2k+1 feed node k
using DartsCells = std::array<DartsCell, 2>;               // normal, reduction

// The cells of `arch`; throws ConfigError for an id that is no DARTS architecture.
DartsCells DecodeDarts(ArchId arch);
// The architecture of `cells` (each node's two edges in either order); throws ConfigError for
// inputs out of range or equal, or an op out of range.
ArchId EncodeDarts(const DartsCells& cells);

}  // namespace naskit
