#include "core/text.h"

#include <algorithm>

namespace naskit {

std::vector<std::string> SplitList(std::string_view text, char separator) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  for (std::size_t start = 0;;) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    std::string_view item = text.substr(start, end - start);
    const std::size_t first = item.find_first_not_of(' ');
    item = first == std::string_view::npos
               ? std::string_view()
               : item.substr(first, item.find_last_not_of(' ') - first + 1);
    items.emplace_back(item);
    if (end == text.size()) return items;
    start = end + 1;
  }
}

}  // namespace naskit
