// Whole-file writes that are atomic: readers see the old file or the complete new one, never a
// part.
#pragma once

#include <string>

namespace naskit {

// The whole content of `path` (binary-safe); throws IoError naming it when it cannot be read.
std::string ReadFileContents(const std::string& path);

// Writes `content` to a temporary file beside `path`, flushes it to disk and renames it over
// `path`. Throws IoError naming the path (unwritable folder, full disk); the temporary file is
// removed.
void WriteFileAtomically(const std::string& path, const std::string& content);

// Creates `path` with `content` only if it does not exist, atomically: of several processes that
// try at once exactly one succeeds, and readers never see a partial file. Returns false (writing
// nothing) if `path` already exists; throws IoError as WriteFileAtomically.
bool CreateFileAtomically(const std::string& path, const std::string& content);

// A name beside `path` for a temporary that RemoveStaleTemporaries recognises once its writer
// died: <path>.tmp-<host>-<pid>-<n>. For writers that cannot use WriteFileAtomically (libhdf5
// writes the file itself).
std::string TemporaryPathFor(const std::string& path);

// Removes, anywhere below `folder`, the temporaries that writers on this host left when they were
// killed (their process no longer exists). Temporaries of live writers, and of other hosts sharing
// the folder, are left alone. With `file_name`, only that file's temporaries directly in `folder`.
void RemoveStaleTemporaries(const std::string& folder, const std::string& file_name = "");

}  // namespace naskit
