// Seeded random streams.
//
// Every random choice in naskit draws from an Rng derived from a run's seed and a purpose string,
// so that two purposes never share a stream and a result does not depend on the order in which
// unrelated parts of the program draw. The generator is xoshiro256** (Blackman & Vigna, "Scrambled
// linear pseudorandom number generators", ACM TOMS 2021), seeded through SplitMix64; the integer
// and real distributions are our own so that streams are identical across standard libraries (std::
// distributions are implementation-defined).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace naskit {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // A stream for `purpose` that is independent of this one and of other purposes.
  Rng Derive(std::string_view purpose) const;
  Rng Derive(std::uint64_t index) const;

  std::uint64_t NextU64();
  // Uniform in [0, bound); bound > 0. Unbiased (Lemire's multiply-and-reject).
  std::uint64_t UniformInt(std::uint64_t bound);
  // Uniform in [0, 1) with 53 random bits.
  double UniformReal();
  // Index drawn with probability proportional to weights[i] (non-negative, not all zero).
  std::size_t Categorical(std::span<const double> weights);

 private:
  std::uint64_t state_[4];
  std::uint64_t seed_;
};

// A 64-bit FNV-1a hash, stable across platforms; used to derive seeds from names.
std::uint64_t StableHash(std::string_view text);

}  // namespace naskit
