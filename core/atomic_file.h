// Whole-file writes that are atomic: readers see the old file or the complete new one, never a part.
#pragma once

#include <string>

namespace naskit {

// Writes `content` to a temporary file beside `path`, flushes it to disk and renames it over `path`.
// Throws IoError naming the path (unwritable folder, full disk); the temporary file is removed.
void WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace naskit
