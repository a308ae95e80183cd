// One registry template for every kind of plugin (spaces, strategies, predictors).
//
// An entry holds the key, a one-line summary, the option schema and a factory. The same table
// drives `naskit list`, `naskit describe`, the suite loader and the conformance tests. Plugins
// register themselves from their own .cc file with NASKIT_REGISTER_* macros; the plugin folders are
// compiled into an OBJECT library so that no registration is dropped by the linker.
//
// Plugins in shared libraries register the same way when they are loaded (core/plugins.h): the
// LibTorch layer (libnaskit_torch.so) and users' own plugins. An entry may be *deferred*: declared
// in the core with its options (so that list, describe and the suite loader know it) and built by
// a library that Create() loads on first use; the library's own registration then replaces it.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/names.h"
#include "core/options.h"

namespace naskit {
namespace internal {

// Defined in core/plugins.cc. Registrations run during static initialisation (before main(), or
// inside a plugin's dlopen), where nothing may throw: what goes wrong is recorded for the plugin
// loader to report, naming the library.
void RecordRegistrationProblem(const std::string& problem);
void RecordRegistration();
// Loads `library` (a file name, searched beside the executable and in $NASKIT_PLUGIN_PATH) for
// `what`; throws ConfigError saying what was needed and why loading failed.
void LoadDeferredLibrary(const std::string& library, const std::string& what);

}  // namespace internal

template <class Interface, class... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(const OptionValues&, Args...)>;
  static constexpr const char* kKind = Interface::kKind;
  struct Entry {
    std::string key;
    std::string summary;
    std::vector<OptionInfo> options;
    // Parses and checks the options without building anything (eager validation of suites).
    std::function<OptionValues(const OptionValues&)> resolve;
    Factory factory;
    // Non-empty for a deferred entry: the plugin library whose registration replaces it.
    std::string library;
  };

  // Builds the entry for `Impl`, constructed as Impl(Options, Args...) after its options are
  // parsed.
  template <class Impl, class Options>
  static Entry MakeEntry(const char* key, const char* summary) {
    return MakeEntryWith<Options>(key, summary, [](const Options& options, Args... args) {
      return std::make_unique<Impl>(options, args...);
    });
  }

  // The same with a factory `make(const Options&, Args...)`, for plugins that share a class.
  template <class Options, class Make>
  static Entry MakeEntryWith(const std::string& key, const std::string& summary, Make make) {
    const std::string owner = std::string(Interface::kKind) + " " + Quote(key);
    return {
        key,
        summary,
        DescribeOptions<Options>(),
        [owner](const OptionValues& values) {
          return RecordOptions(ParseOptions<Options>(owner, values));
        },
        [owner, make](const OptionValues& values, Args... args) -> std::unique_ptr<Interface> {
          return make(ParseOptions<Options>(owner, values), args...);
        },
        /*library=*/{},
    };
  }

  static Registry& Global() {
    static Registry registry;
    return registry;
  }

  // Registers `entry`. A key that is taken is not replaced, and one that is not a name (it becomes
  // a default label, hence part of result paths) is refused: the problem is recorded for the plugin
  // loader to report. A loaded plugin's entry replaces the deferred entry of its key.
  bool Add(Entry entry) {
    if (!IsValidName(entry.key)) {
      internal::RecordRegistrationProblem(std::string(kKind) + " " + Quote(entry.key) +
                                          ", which is not a name (letters, digits, '.', '_', '-', "
                                          "'+', not starting with '.')");
      return false;
    }
    const auto it = entries_.find(entry.key);
    if (it == entries_.end()) {
      std::string key = entry.key;
      entries_.emplace(std::move(key), std::move(entry));
      internal::RecordRegistration();
      return true;
    }
    if (!it->second.library.empty() && entry.library.empty()) {
      it->second = std::move(entry);
      internal::RecordRegistration();
      return true;
    }
    if (it->second.library.empty() && !entry.library.empty()) return true;  // already loaded
    internal::RecordRegistrationProblem(std::string(kKind) + " " + Quote(entry.key) +
                                        ", already registered; rename the plugin's key");
    return false;
  }

  // What the NASKIT_REGISTER_* macros call: builds Impl's entry and adds it, recording instead of
  // throwing whatever fails (an Options whose Visit() throws).
  template <class Impl, class Options>
  bool Register(const char* key, const char* summary) noexcept {
    try {
      return Add(MakeEntry<Impl, Options>(key, summary));
    } catch (const std::exception& e) {
      internal::RecordRegistrationProblem(std::string(kKind) + " " + Quote(key) +
                                          ", whose registration failed: " + e.what());
    } catch (...) {
      internal::RecordRegistrationProblem(std::string(kKind) + " " + Quote(key) +
                                          ", whose registration failed");
    }
    return false;
  }

  // A deferred entry for `key`, built by `library` with options `Options`.
  template <class Options>
  bool AddDeferred(const std::string& key, const std::string& summary, const std::string& library) {
    Entry entry = MakeEntryWith<Options>(key, summary, [](const Options&, Args...) {
      return std::unique_ptr<Interface>();  // never called: Create() loads the library first
    });
    entry.library = library;
    return Add(std::move(entry));
  }

  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    for (const auto& [key, entry] : entries_) keys.push_back(key);
    return keys;
  }

  const Entry& Find(const std::string& key) const {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      throw ConfigError(UnknownNameMessage(Interface::kKind, key, Keys()));
    }
    return it->second;
  }

  // Builds the plugin registered as `key`. An interface that declares
  // `static std::unique_ptr<Interface> Guarded(std::unique_ptr<Interface>, const std::string& key)`
  // gets every instance through it: a wrapper that checks what plugins return against the
  // interface's contract (predictors/predictor.h).
  std::unique_ptr<Interface> Create(const std::string& key, const OptionValues& values,
                                    Args... args) const {
    return Guard(CreateUnguarded(key, values, args...), key);
  }

 private:
  static std::unique_ptr<Interface> Guard(std::unique_ptr<Interface> instance,
                                          const std::string& key) {
    if constexpr (requires { Interface::Guarded(std::move(instance), key); }) {
      return Interface::Guarded(std::move(instance), key);
    } else {
      return instance;
    }
  }

  std::unique_ptr<Interface> CreateUnguarded(const std::string& key, const OptionValues& values,
                                             Args... args) const {
    const Entry& entry = Find(key);
    if (entry.library.empty()) return entry.factory(values, args...);
    entry.resolve(values);  // options are checked before a library is loaded for them
    internal::LoadDeferredLibrary(entry.library, std::string(kKind) + " " + Quote(key));
    const Entry& loaded = Find(key);
    if (!loaded.library.empty()) {
      throw ConfigError(entry.library + " was loaded but registers no " + kKind + " " + Quote(key));
    }
    return loaded.factory(values, args...);
  }

  std::map<std::string, Entry> entries_;
};

// The constraint that declares a PluginOptions field as a plugin of `RegistryT`, e.g.
//   v("predictor", predictor, "predictor ranking candidates", PluginOf<PredictorRegistry>());
template <class RegistryT>
Constraint PluginOf() {
  Constraint c;
  c.plugin_kind = RegistryT::kKind;
  c.resolve_plugin = [](const std::string& key, const OptionValues& options) {
    return RegistryT::Global().Find(key).resolve(options);
  };
  return c;
}

}  // namespace naskit
