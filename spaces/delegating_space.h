// A space that answers everything by asking another one: the base of spaces that change one
// behaviour of an existing space (RecordedSubspace: sampling among recorded architectures;
// WarmStartSpace: zero-cost picks first) and forward the rest.
#pragma once

#include "spaces/search_space.h"

namespace naskit {

class DelegatingSpace : public SearchSpace {
 public:
  // `space` must outlive this object.
  explicit DelegatingSpace(const SearchSpace& space) : space_(space) {}

  std::string Name() const override { return space_.Name(); }
  std::uint64_t Size() const override { return space_.Size(); }
  bool Dense() const override { return space_.Dense(); }
  ArchId Sample(Rng& rng) const override { return space_.Sample(rng); }
  ArchId Mutate(ArchId arch, Rng& rng) const override { return space_.Mutate(arch, rng); }
  std::vector<ArchId> Neighbours(ArchId arch) const override { return space_.Neighbours(arch); }
  std::size_t EncodingSize(Encoding encoding) const override {
    return space_.EncodingSize(encoding);
  }
  std::vector<float> Encode(ArchId arch, Encoding encoding) const override {
    return space_.Encode(arch, encoding);
  }
  ArchGraph Graph(ArchId arch) const override { return space_.Graph(arch); }
  ArchId Canonical(ArchId arch) const override { return space_.Canonical(arch); }
  std::string Format(ArchId arch) const override { return space_.Format(arch); }
  ArchId Parse(std::string_view text) const override { return space_.Parse(text); }
  std::size_t NumDecisions() const override { return space_.NumDecisions(); }
  std::size_t NumChoices(std::size_t decision) const override {
    return space_.NumChoices(decision);
  }
  std::vector<int> ToChoices(ArchId arch) const override { return space_.ToChoices(arch); }
  std::optional<ArchId> FromChoices(const std::vector<int>& choices) const override {
    return space_.FromChoices(choices);
  }

 protected:
  const SearchSpace& inner() const { return space_; }

 private:
  const SearchSpace& space_;
};

}  // namespace naskit
