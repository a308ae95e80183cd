// A minimal `--key value` parser for naskit-torch. naskit-torch does not use Boost.Program_options
// so that it builds against a PyTorch wheel's LibTorch on machines without Boost's compiled
// libraries (the GPU machines naskit is run on have none); option declarations still come from the
// Visit() structs.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/options.h"
#include "core/plugins.h"

namespace naskit::torch_cli {

// Splits `--key value` pairs (and `--key=value`) into a map; positional words are kept in order.
struct Flags {
  OptionValues values;
  std::vector<std::string> positional;
};

inline Flags ParseFlags(const std::vector<std::string>& args) {
  Flags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!a.starts_with("--")) {
      flags.positional.push_back(a);
      continue;
    }
    std::string key = a.substr(2), value;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else if (key == "help") {
      value = "true";
    } else if (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
      value = args[++i];
    } else {
      // A switch is spelt with its value (`--nesterov false`); the next option is never a value.
      throw ConfigError(
          "option --" + key + " needs a value" +
          (i + 1 < args.size() ? " (the next word, " + args[i + 1] + ", is an option)" : ""));
    }
    // An empty value ("--data-dir ''") is a mistake, not a request for the default.
    if (value.empty()) throw ConfigError("option --" + key + " is empty (expected a value)");
    for (char& c : key) c = c == '-' ? '_' : c;
    if (!flags.values.emplace(key, value).second)
      throw ConfigError("option --" + key + " given twice");
  }
  return flags;
}

// Removes and returns `key` from `flags`, or `fallback`.
inline std::string Take(Flags& flags, const std::string& key, const std::string& fallback = "") {
  auto it = flags.values.find(key);
  if (it == flags.values.end()) return fallback;
  std::string value = it->second;
  flags.values.erase(it);
  return value;
}

inline std::string Require(Flags& flags, const std::string& key) {
  if (!flags.values.contains(key)) throw ConfigError("missing required option --" + key);
  return Take(flags, key);
}

// `usage` and every option of `Options`, from its Visit() declaration.
template <class Options>
int PrintHelp(const std::string& usage) {
  std::cout << "usage: naskit " << usage << "\n\n";
  for (const auto& o : DescribeOptions<Options>()) {
    std::string flag = o.key;  // flags are spelt with dashes; the parser accepts both
    std::replace(flag.begin(), flag.end(), '_', '-');
    std::cout << fmt::format("  --{:<16} {:<7} default {:<14} {}{}\n", flag, o.type,
                             o.default_value, o.help,
                             o.constraint.empty() ? "" : " (" + o.constraint + ")");
  }
  for (const std::string& plugin : LoadedPlugins()) std::cout << "\nplugin loaded: " << plugin;
  std::cout << "\n";
  return 0;
}

// The commands, one file each besides main.cc.
int ZeroCost(const std::vector<std::string>& args);
int Latency(const std::vector<std::string>& args);

}  // namespace naskit::torch_cli
