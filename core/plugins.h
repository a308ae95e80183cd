// Plugin libraries: shared libraries whose self-registering spaces, strategies, predictors or
// importers join the registries when they are loaded, as the built-in ones do at start-up.
//
// Plugins are built against naskit's headers (`find_package(naskit)`, examples/plugin_predictor)
// and resolve naskit's functions from the executable that loads them, so a plugin and naskit share
// one set of registries. Two are loaded differently:
// - the LibTorch layer, libnaskit_torch.so, is loaded on first use of one of its deferred entries
//   (core/registry.h), so that the core binary starts in milliseconds and a suite that names `gcn`
//   runs from `naskit run` like any other;
// - users' plugins are loaded by `--plugin FILE.so` or a suite's `plugins:` key.
// Registries are not locked: libraries are loaded before parallel work starts (the suite runners
// build every plugin they use once, up front).
#pragma once

#include <string>
#include <vector>

namespace naskit {

// Loads the plugin at `path` (once; loading it again does nothing). Throws ConfigError naming the
// file when it cannot be loaded (with the loader's reason), registers nothing, or registers a key
// that is already taken or is not a name, or its registration throws.
void LoadPlugin(const std::string& path);

// The plugins loaded so far, in order.
std::vector<std::string> LoadedPlugins();

// Throws ConfigError listing what the built-in registrations could not do (a key registered twice).
void CheckBuiltInRegistrations();

// Loads every `--plugin FILE` (or --plugin=FILE) of a command line and returns the other arguments.
std::vector<std::string> LoadPluginArguments(const std::vector<std::string>& args);
// `--plugin FILE` for every plugin loaded so far (the LibTorch layer aside), for a command that
// hands its work to another naskit executable.
std::vector<std::string> PluginArguments();

// Where deferred libraries are searched: $NASKIT_PLUGIN_PATH (colon-separated folders), the folder
// of the running executable, and ../lib/naskit beside it (the installed layout).
std::vector<std::string> PluginSearchPath();

}  // namespace naskit
