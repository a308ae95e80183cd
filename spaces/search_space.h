// The search-space interface: what a strategy, a predictor and a benchmark need to know about a
// space.
//
// An architecture is an ArchId: a dense integer in [0, Size()) defined by the space. Spaces are
// immutable after construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
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
  virtual std::uint64_t Size() const = 0;

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
  virtual std::vector<int> ToChoices(ArchId arch) const = 0;
  virtual ArchId FromChoices(const std::vector<int>& choices) const = 0;
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
      ::naskit::SpaceRegistry::Global().Add(                           \
          ::naskit::SpaceRegistry::MakeEntry<Class, Options>(key, summary))

}  // namespace naskit
