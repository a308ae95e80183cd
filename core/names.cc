// Names that become paths; see names.h.
#include "core/names.h"

#include "core/errors.h"

namespace naskit {

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || name.front() == '.') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

void ValidateName(std::string_view what, std::string_view name) {
  if (IsValidName(name)) return;
  std::string shown;
  for (const char c : name) {  // a NUL or a control character must show in the message
    shown += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  }
  throw ConfigError(std::string(what) + " " + Quote(shown) +
                    " cannot be part of a path (expected 1 to " + std::to_string(kMaxNameLength) +
                    " letters, digits, '.', '_', '-' or '+', not starting with '.')");
}

}  // namespace naskit
