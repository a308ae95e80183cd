// Plugin loading; see plugins.h.
#include "core/plugins.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "core/errors.h"
#include "core/registry.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

struct PluginState {
  std::mutex mutex;
  // What registration could not do ("predictor \"xgboost\", already registered; ..."), in order.
  std::vector<std::string> problems;
  std::size_t registrations = 0;
  std::vector<std::string> loaded;  // canonical paths
};

PluginState& State() {
  static PluginState state;
  return state;
}

std::string ProblemList(const std::vector<std::string>& problems, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < problems.size(); ++i) {
    text += (text.empty() ? "" : "; ") + problems[i];
  }
  return text;
}

// OpenBLAS (LibTorch's BLAS on Debian) picks its kernels from the CPU model when it loads, and
// 0.3.21 takes CPUs newer than it knows for a Pentium 4 ("Prescott"): on this project's AVX-512
// machines its generic kernels made GCN fits 1.6x slower. Unless the user chose, name the kernels
// the CPU's instruction set supports (OpenBLAS runs Zen on its Haswell kernels too) before a
// plugin can load OpenBLAS. Called before the first dlopen, normally before any thread starts.
void PreferNativeBlasKernels() {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    ::setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    ::setenv("OPENBLAS_CORETYPE", "Haswell", 0);
  }
#endif
}

void LoadPluginLocked(PluginState& state, const std::string& path) {
  std::error_code error;
  const std::string canonical = fs::weakly_canonical(path, error).string();
  for (const auto& loaded : state.loaded) {
    if (loaded == canonical) return;
  }
  if (!fs::is_regular_file(path, error)) {
    throw ConfigError(path +
                      ": plugin not found (expected a shared library, e.g. libmy_plugin.so)");
  }
  const std::size_t problems_before = state.problems.size();
  const std::size_t registrations_before = state.registrations;
  if (state.loaded.empty()) PreferNativeBlasKernels();
  // The library's registrations run inside dlopen, on this thread, while the mutex is held.
  void* handle = dlopen(canonical.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) {
    const char* reason = dlerror();
    throw ConfigError(path + ": cannot load plugin (" + (reason ? reason : "unknown reason") +
                      "); a plugin must be built against this naskit's headers");
  }
  state.loaded.push_back(canonical);
  if (state.problems.size() > problems_before) {
    throw ConfigError(path + ": registers " + ProblemList(state.problems, problems_before));
  }
  if (state.registrations == registrations_before) {
    throw ConfigError(path +
                      ": registers nothing (a plugin registers with NASKIT_REGISTER_PREDICTOR, "
                      "NASKIT_REGISTER_STRATEGY, NASKIT_REGISTER_SPACE, ...; see "
                      "examples/plugin_predictor)");
  }
}

}  // namespace

namespace internal {

// Both run during static initialisation: before main(), single-threaded, or inside LoadPlugin's
// dlopen, on the thread that holds the mutex.
void RecordRegistrationProblem(const std::string& problem) { State().problems.push_back(problem); }
void RecordRegistration() { ++State().registrations; }

void LoadDeferredLibrary(const std::string& library, const std::string& what) {
  std::vector<std::string> tried;
  for (const auto& folder : PluginSearchPath()) {
    const std::string candidate = folder + "/" + library;
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) {
      LoadPlugin(candidate);
      return;
    }
    tried.push_back(folder);
  }
  std::string folders;
  for (const auto& f : tried) folders += (folders.empty() ? "" : ", ") + f;
  throw ConfigError(what + " is built by " + library + ", which was not found (searched " +
                    folders +
                    "); build naskit with LibTorch (-DNASKIT_TORCH=ON) or set NASKIT_PLUGIN_PATH");
}

}  // namespace internal

void LoadPlugin(const std::string& path) {
  PluginState& state = State();
  const std::lock_guard lock(state.mutex);
  LoadPluginLocked(state, path);
}

std::vector<std::string> LoadedPlugins() {
  PluginState& state = State();
  const std::lock_guard lock(state.mutex);
  return state.loaded;
}

void CheckBuiltInRegistrations() {
  PluginState& state = State();
  const std::lock_guard lock(state.mutex);
  if (!state.problems.empty()) {
    throw ConfigError("naskit's own registrations failed: " + ProblemList(state.problems, 0));
  }
}

std::vector<std::string> LoadPluginArguments(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--plugin") {
      if (i + 1 == args.size()) throw ConfigError("--plugin: expected a file (FILE.so)");
      LoadPlugin(args[++i]);
    } else if (args[i].starts_with("--plugin=")) {
      LoadPlugin(args[i].substr(9));
    } else {
      rest.push_back(args[i]);
    }
  }
  return rest;
}

std::vector<std::string> PluginArguments() {
  std::vector<std::string> args;
  for (const std::string& path : LoadedPlugins()) {
    if (fs::path(path).filename() == "libnaskit_torch.so") continue;  // the LibTorch layer
    args.insert(args.end(), {"--plugin", path});
  }
  return args;
}

std::vector<std::string> PluginSearchPath() {
  std::vector<std::string> folders;
  if (const char* env = std::getenv("NASKIT_PLUGIN_PATH")) {
    std::string text = env;
    for (std::size_t start = 0;;) {
      const std::size_t colon = text.find(':', start);
      const std::string folder = text.substr(start, colon - start);
      if (!folder.empty()) folders.push_back(folder);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    folders.push_back(executable.parent_path().string());
    folders.push_back((executable.parent_path().parent_path() / "lib" / "naskit").string());
  }
  return folders;
}

}  // namespace naskit
