// Pieces of the Markdown that reports write.
#pragma once

#include <string>

namespace naskit {

// An architecture string as code in a Markdown table cell: its '|' escaped, or they would split the
// cell (NB201's strings are made of them).
inline std::string MarkdownCode(const std::string& text) {
  std::string out = "`";
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out + "`";
}

}  // namespace naskit
