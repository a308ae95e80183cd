// Names that become parts of file or HDF5 paths (suite and experiment names, strategy labels,
// dataset, device and feature names) are checked here, in one place, before any path is built from
// them: a name must not be able to leave its folder, hide, or collide with another after mapping.
#pragma once

#include <string>
#include <string_view>

namespace naskit {

inline constexpr std::size_t kMaxNameLength = 100;

// Letters, digits, '.', '_', '-' and '+', not starting with '.', 1 to kMaxNameLength characters.
bool IsValidName(std::string_view name);

// Throws ConfigError: `<what> "<name>" cannot be part of a path (expected ...)`.
void ValidateName(std::string_view what, std::string_view name);

}  // namespace naskit
