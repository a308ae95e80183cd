// Splitting the comma-separated lists that options take (`--seeds 0,1`, `cuda_devices: "0,1"`,
// `--proxies synflow,snip`, `features: onehot,zc:synflow`), in one place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace naskit {

// The items of `text` between separators, each without surrounding spaces: "a, b" is {"a", "b"}.
// An empty text has no items; an empty item ("a,,b", "a,") is kept, for the caller to refuse with
// a message naming its option.
std::vector<std::string> SplitList(std::string_view text, char separator = ',');

}  // namespace naskit
