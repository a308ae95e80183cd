// The NAS-Bench-101 cell space (Ying et al., "NAS-Bench-101: Towards Reproducible Neural
// Architecture Search", ICML 2019).
//
// A cell is a DAG of at most 7 vertices (input, up to 5 operations, output) with at most 9 edges;
// each operation is conv3x3-bn-relu, conv1x1-bn-relu or maxpool3x3. As in NAS-Bench-101, a spec is
// first pruned (vertices not on an input→output path are removed) and two specs are the same
// architecture when their pruned graphs are isomorphic: 423,624 architectures.
//
// The ArchId is an injective bit encoding of the canonical pruned graph (the relabelling of the
// intermediate vertices with the smallest encoding), so ids are not dense (Dense() == false) and
// every id names one isomorphism class, as NAS-Bench-101's module hash does. ModuleHash()
// reproduces that hash (the key of the published tables).
#pragma once

#include <array>
#include <string>

#include "spaces/neighbour_cache.h"
#include "spaces/search_space.h"

namespace naskit {

class Nb101Space final : public SearchSpace {
 public:
  static constexpr int kMaxVertices = 7;
  static constexpr int kMaxEdges = 9;
  static constexpr int kNumOps = 3;
  static constexpr std::uint64_t kNumArchs = 423624;  // published count of unique graphs
  static constexpr std::array<const char*, kNumOps> kOps = {"conv3x3-bn-relu", "conv1x1-bn-relu",
                                                            "maxpool3x3"};
  static constexpr int kInput = -1;  // NAS-Bench-101's labels in its hash
  static constexpr int kOutput = -2;

  // A cell as NAS-Bench-101 writes it: an upper-triangular 0/1 matrix and one label per vertex
  // (kInput, an op index into kOps, kOutput).
  struct Spec {
    int vertices = 0;
    std::array<std::array<std::uint8_t, kMaxVertices>, kMaxVertices> matrix{};
    std::array<int, kMaxVertices> labels{};
  };

  Nb101Space(NoOptions = {}) {}

  // The architecture of a spec (pruned, then canonical); nullopt if it is no NB101 cell (no path
  // from input to output, more than 9 edges after pruning). Throws ConfigError for a malformed
  // spec (not upper-triangular, labels out of range).
  static std::optional<ArchId> FromSpec(const Spec& spec);
  // The canonical pruned spec of `arch`; throws ConfigError if `arch` is no valid id.
  static Spec ToSpec(ArchId arch);
  // NAS-Bench-101's module hash: an MD5 Weisfeiler-Lehman fingerprint of the pruned graph, as
  // 32 hex digits (nasbench/lib/graph_util.py, hash_module).
  static std::string ModuleHash(ArchId arch);

  std::string Name() const override { return "nb101"; }
  std::uint64_t Size() const override { return kNumArchs; }
  bool Dense() const override { return false; }
  ArchId Sample(Rng& rng) const override;
  ArchId Mutate(ArchId arch, Rng& rng) const override;
  std::vector<ArchId> Neighbours(ArchId arch) const override;
  std::size_t EncodingSize(Encoding encoding) const override;
  std::vector<float> Encode(ArchId arch, Encoding encoding) const override;
  ArchGraph Graph(ArchId arch) const override;
  ArchId Canonical(ArchId arch) const override;
  std::string Format(ArchId arch) const override;
  ArchId Parse(std::string_view text) const override;
  std::size_t NumDecisions() const override;
  std::size_t NumChoices(std::size_t decision) const override;
  std::vector<int> ToChoices(ArchId arch) const override;
  std::optional<ArchId> FromChoices(const std::vector<int>& choices) const override;

 private:
  NeighbourCache neighbour_cache_;  // a neighbourhood costs ~60 canonical hashes
};

}  // namespace naskit
