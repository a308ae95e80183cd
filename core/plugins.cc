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
  std::vector<std::string> conflicts;  // "predictor \"xgboost\"", in registration order
  std::vector<std::string> loaded;     // canonical paths
};

PluginState& State() {
  static PluginState state;
  return state;
}

std::string ConflictList(const std::vector<std::string>& conflicts, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < conflicts.size(); ++i) {
    text += (text.empty() ? "" : ", ") + conflicts[i];
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
  const std::size_t before = state.conflicts.size();
  if (state.loaded.empty()) PreferNativeBlasKernels();
  // The library's registrations run inside dlopen, on this thread, while the mutex is held.
  void* handle = dlopen(canonical.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) {
    const char* reason = dlerror();
    throw ConfigError(path + ": cannot load plugin (" + (reason ? reason : "unknown reason") +
                      "); a plugin must be built against this naskit's headers");
  }
  state.loaded.push_back(canonical);
  if (state.conflicts.size() > before) {
    throw ConfigError(path + ": registers " + ConflictList(state.conflicts, before) +
                      ", already registered; rename the plugin's key");
  }
}

}  // namespace

namespace internal {

void RecordRegistrationConflict(const char* kind, const std::string& key) {
  // Runs during static initialisation: before main(), single-threaded, or inside LoadPlugin's
  // dlopen, on the thread that holds the mutex.
  State().conflicts.push_back(std::string(kind) + " " + Quote(key));
}

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

void CheckRegistrationConflicts() {
  PluginState& state = State();
  const std::lock_guard lock(state.mutex);
  if (!state.conflicts.empty()) {
    throw ConfigError("registered twice: " + ConflictList(state.conflicts, 0));
  }
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
