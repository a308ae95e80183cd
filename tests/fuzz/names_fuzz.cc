// libFuzzer target: the validator of names that become paths. A name it accepts must stay a
// single path component below its folder: no separator, no "." or "..", no NUL, bounded length.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "core/errors.h"
#include "core/names.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  const bool valid = naskit::IsValidName(name);
  try {
    naskit::ValidateName("name", name);
    if (!valid) std::abort();  // the two must agree
  } catch (const naskit::ConfigError&) {
    if (valid) std::abort();
  }
  if (!valid) return 0;
  const std::filesystem::path folder("/results");
  const std::filesystem::path joined = (folder / std::string(name)).lexically_normal();
  if (joined.parent_path() != folder || joined.filename() != std::string(name) ||
      name.find('\0') != std::string_view::npos || name.size() > naskit::kMaxNameLength ||
      name.front() == '.') {
    std::abort();
  }
  return 0;
}
