// xoshiro256** with SplitMix64 seeding; see core/rng.h.
#include "core/rng.h"

#include <bit>
#include <stdexcept>

namespace naskit {
namespace {

std::uint64_t SplitMix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t StableHash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (auto& s : state_) s = SplitMix64(x);
}

Rng Rng::Derive(std::string_view purpose) const {
  std::uint64_t x = seed_ ^ StableHash(purpose);
  return Rng(SplitMix64(x));
}

Rng Rng::Derive(std::uint64_t index) const {
  std::uint64_t x = seed_ + 0x632be59bd9b4e019ULL * (index + 1);
  return Rng(SplitMix64(x));
}

std::uint64_t Rng::NextU64() {
  const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = std::rotl(state_[3], 45);
  return result;
}

std::uint64_t Rng::UniformInt(std::uint64_t bound) {
  if (bound == 0) throw std::logic_error("Rng::UniformInt(): bound must be > 0");
  // Lemire, "Fast random integer generation in an interval", ACM TOMACS 2019.
  unsigned __int128 m = static_cast<unsigned __int128>(NextU64()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = -bound % bound;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(NextU64()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Rng::UniformReal() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

std::size_t Rng::Categorical(std::span<const double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  if (!(total > 0)) throw std::logic_error("Rng::Categorical(): weights must not all be zero");
  double u = UniformReal() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  // Rounding can leave u just past the last weight; return the last non-zero entry.
  for (std::size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return weights.size() - 1;
}

}  // namespace naskit
