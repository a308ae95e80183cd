// FNV-1a, 64 bits: a benchmark file's checksum and the names of folders keyed by a recipe, stable
// across machines and compilers (not a cryptographic hash).
#pragma once

#include <cstdint>
#include <string_view>

namespace naskit {

inline std::uint64_t Fnv1a(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace naskit
