// The scratch file (or folder) a fuzz target writes each input to: one per process in the
// temporary directory, removed when the process exits. libFuzzer ends a bounded run with exit(),
// which runs the destructors of static objects; a crash leaves the file beside its report.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace naskit::fuzz {

class ScratchPath {
 public:
  // TMPDIR/STEM-PID then SUFFIX, e.g. ("naskit-fuzz-suite", ".yaml"); made as an empty folder
  // when `folder` is set.
  ScratchPath(const std::string& stem, const std::string& suffix, bool folder = false)
      : path_((std::filesystem::temp_directory_path() /
               (stem + "-" + std::to_string(::getpid()) + suffix))
                  .string()) {
    if (folder) std::filesystem::create_directories(path_);
  }
  ScratchPath(const ScratchPath&) = delete;
  ScratchPath& operator=(const ScratchPath&) = delete;
  ~ScratchPath() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

}  // namespace naskit::fuzz
