// The NAS-Bench-201 cell space (Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible
// Neural Architecture Search", ICLR 2020).
//
// A cell is a DAG on 4 nodes whose 6 edges (0→1, 0→2, 1→2, 0→3, 1→3, 2→3, the order of the
// published string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`) each carry one of 5 ops. The ArchId is
// base-5 arithmetic on the ops: id = Σ op(edge e) · 5^e. This is NOT the row order of the public
// benchmark files (their index 0 is not the all-`none` cell); benchmark files store that order
// beside the id.
#pragma once

#include <array>
#include <string>

#include "spaces/search_space.h"

namespace naskit {

class Nb201Space final : public SearchSpace {
 public:
  static constexpr int kNumEdges = 6;
  static constexpr int kNumOps = 5;
  static constexpr std::uint64_t kNumArchs = 15625;  // 5^6
  // In NB201's own op order.
  static constexpr std::array<const char*, kNumOps> kOps = {"none", "skip_connect", "nor_conv_1x1",
                                                            "nor_conv_3x3", "avg_pool_3x3"};
  enum Op : int { kNone = 0, kSkip = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool = 4 };
  // Source and target node of each edge, in string order.
  static constexpr std::array<std::pair<int, int>, kNumEdges> kEdges = {
      {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}};

  Nb201Space(NoOptions = {}) {}

  static int OpOf(ArchId arch, int edge);
  static std::array<int, kNumEdges> Ops(ArchId arch);
  static ArchId FromOps(const std::array<int, kNumEdges>& ops);

  // NATS-Bench's isomorphism string (the `iso_class` of the published tables); see Canonical().
  static std::string IsomorphismString(ArchId arch);

  std::string Name() const override { return "nb201"; }
  std::uint64_t Size() const override { return kNumArchs; }
  ArchId Sample(Rng& rng) const override;
  ArchId Mutate(ArchId arch, Rng& rng) const override;
  std::vector<ArchId> Neighbours(ArchId arch) const override;
  std::size_t EncodingSize(Encoding encoding) const override;
  std::vector<float> Encode(ArchId arch, Encoding encoding) const override;
  ArchGraph Graph(ArchId arch) const override;
  ArchId Canonical(ArchId arch) const override;
  std::string Format(ArchId arch) const override;
  ArchId Parse(std::string_view text) const override;
  std::size_t NumDecisions() const override { return kNumEdges; }
  std::size_t NumChoices(std::size_t) const override { return kNumOps; }
  std::vector<int> ToChoices(ArchId arch) const override;
  std::optional<ArchId> FromChoices(const std::vector<int>& choices) const override;
};

}  // namespace naskit
