// The search-space interface: what a strategy, a predictor and a benchmark need to know about a
// space.
//
// An architecture is an ArchId: a 64-bit key defined by the space. Enumerable spaces with a simple
// structure (NB201, DARTS) number their architectures densely, [0, Size()); others (NB101's graphs)
// use an injective encoding of a canonical form, and say so with Dense() == false. Either way equal
// ids mean equal architectures, so a benchmark looks rows up by id. Spaces are immutable after
// construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "core/rng.h"

namespace naskit {

using ArchId = std::uint64_t;

enum class Encoding {
  kOneHot,  // one-hot op per decision, concatenated
  kPath,    // BANANAS path encoding (White et al., "BANANAS", AAAI 2021)
};

// An architecture as a labelled DAG with operations on nodes (the form GNN predictors consume).
struct ArchGraph {
  std::vector<std::string> node_labels;    // "input", op names..., "output"
  std::vector<std::pair<int, int>> edges;  // (from, to), from < to
};

class SearchSpace {
 public:
  static constexpr const char* kKind = "space";
  virtual ~SearchSpace() = default;

  virtual std::string Name() const = 0;
  // The number of architectures (may exceed what any table holds: DARTS has ~10^18).
  virtual std::uint64_t Size() const = 0;
  // Whether the ids are exactly [0, Size()).
  virtual bool Dense() const { return true; }

  // Uniform over all Size() architectures.
  virtual ArchId Sample(Rng& rng) const = 0;
  // One random local change (for NB201: one edge's op replaced by a different op).
  virtual ArchId Mutate(ArchId arch, Rng& rng) const = 0;
  // Every architecture one local change away, in a fixed order.
  virtual std::vector<ArchId> Neighbours(ArchId arch) const = 0;

  virtual std::size_t EncodingSize(Encoding encoding) const = 0;
  virtual std::vector<float> Encode(ArchId arch, Encoding encoding) const = 0;
  virtual ArchGraph Graph(ArchId arch) const = 0;

  // One id per isomorphism class: architectures that compute the same function share it.
  virtual ArchId Canonical(ArchId arch) const = 0;

  // The space's published string form. Parse() throws ConfigError naming the bad token and
  // position.
  virtual std::string Format(ArchId arch) const = 0;
  virtual ArchId Parse(std::string_view text) const = 0;

  // The space as a sequence of independent categorical decisions (for policy-gradient strategies).
  virtual std::size_t NumDecisions() const = 0;
  virtual std::size_t NumChoices(std::size_t decision) const = 0;
  // ToChoices(a) describes a; FromChoices(ToChoices(a)) == a. FromChoices returns nullopt for
  // choices that name no architecture of a constrained space (an NB101 graph with > 9 edges).
  virtual std::vector<int> ToChoices(ArchId arch) const = 0;
  virtual std::optional<ArchId> FromChoices(const std::vector<int>& choices) const = 0;
};

using SpaceRegistry = Registry<SearchSpace>;

// The registered space `key`, created once and shared.
const SearchSpace& GetSpace(const std::string& key);

struct NoOptions {
  template <class V>
  void Visit(V&) {}
};

#define NASKIT_REGISTER_SPACE(Class, Options, key, summary)            \
  static const bool naskit_registered_space_##Class [[maybe_unused]] = \
      ::naskit::SpaceRegistry::Global().Register<Class, Options>(key, summary)

}  // namespace naskit
