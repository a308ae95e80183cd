// Option structs: each option is declared once, in the struct's Visit(), with its key, help text
// and bound; the visitors here parse, check, describe and record options from that one declaration.
//
//   struct KnnOptions {
//     int k = 5;
//     template <class V> void Visit(V& v) { v("k", k, "neighbours averaged", AtLeast(1)); }
//   };
//
// Values arrive as text (from YAML, `--set key=value` or the command line) in an OptionValues map.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/errors.h"

namespace naskit {

using OptionValues = std::map<std::string, std::string>;

// An option whose value is a plugin of another registry with that plugin's own options (a
// strategy's predictor). In a suite it is written `predictor: xgboost`, or nested,
// `predictor: {name: xgboost, max_depth: 6}`; as text both become "predictor" = "xgboost" and
// "predictor.max_depth" = "6". Declare it with PluginOf<Registry>() (core/registry.h), which checks
// the key and the nested options with the other registry's own schema.
struct PluginOptions {
  std::string key;
  OptionValues options;  // the plugin's options as written (keys without the "predictor." prefix)
};

// A plugin as a suite names it: `- strategy: regularized_evolution` with an optional label and
// options.
struct SuitePlugin {
  std::string label;  // defaults to the key
  std::string key;
  OptionValues options;   // as written
  OptionValues resolved;  // every option, defaults included
};

// A bound on an option's value; the default constrains nothing.
struct Constraint {
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> one_of;
  // For PluginOptions: the other registry's kind ("predictor") and a check that returns every
  // resolved option of the plugin, defaults included, or throws ConfigError.
  std::string plugin_kind;
  std::function<OptionValues(const std::string& key, const OptionValues& options)> resolve_plugin;
  // Suite keys only (experiments/yaml_reader.h): the key must be given; a string or list of
  // strings is path-safe names (core/names.h), each listed once.
  bool required = false;
  bool names = false;

  std::string Describe() const;  // e.g. ">= 1", "in [0, 1]", "one of a, b", "required"
  std::string Bound() const;     // the same without "names" and "required": what a value must be
};
inline Constraint AtLeast(double v) {
  Constraint c;
  c.min = v;
  return c;
}
inline Constraint InRange(double lo, double hi) {
  Constraint c;
  c.min = lo;
  c.max = hi;
  return c;
}
inline Constraint OneOf(std::vector<std::string> values) {
  Constraint c;
  c.one_of = std::move(values);
  return c;
}
inline Constraint Required(Constraint c = {}) {
  c.required = true;
  return c;
}
inline Constraint Names(Constraint c = {}) {
  c.names = true;
  return c;
}

struct OptionInfo {
  std::string key;
  std::string type;           // "int", "real", "string", "bool"
  std::string default_value;  // as text
  std::string help;
  std::string constraint;  // human-readable, "" if none
  bool required = false;
};

namespace internal {

template <class T>
constexpr const char* TypeName() {
  if constexpr (std::is_same_v<T, PluginOptions>)
    return "plugin";
  else if constexpr (std::is_same_v<T, std::vector<std::string>>)
    return "list";
  else if constexpr (requires { typename T::value_type; } && !std::is_same_v<T, std::string>)
    return std::is_floating_point_v<typename T::value_type> ? "reals" : "ints";
  else if constexpr (std::is_same_v<T, bool>)
    return "bool";
  else if constexpr (std::is_integral_v<T>)
    return "int";
  else if constexpr (std::is_floating_point_v<T>)
    return "real";
  else
    return "string";
}

std::string FormatValue(bool v);
std::string FormatValue(std::int64_t v);
std::string FormatValue(double v);
inline std::string FormatValue(const std::string& v) { return v; }
template <class T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) std::string FormatValue(T v) {
  return FormatValue(static_cast<std::int64_t>(v));
}
inline std::string FormatValue(float v) { return FormatValue(static_cast<double>(v)); }
inline std::string FormatValue(const PluginOptions& v) { return v.key; }
template <class T>
std::string FormatValue(const std::vector<T>& v) {
  std::string text = "[";
  for (std::size_t i = 0; i < v.size(); ++i) text += (i ? ", " : "") + FormatValue(v[i]);
  return text + "]";
}

// Parse `text` as the option's type and check the constraint; throws ConfigError naming `where`.
void ParseInto(const std::string& where, const std::string& text, bool& out);
void ParseInto(const std::string& where, const std::string& text, std::int64_t& out);
void ParseInto(const std::string& where, const std::string& text, double& out);
void ParseInto(const std::string& where, const std::string& text, std::string& out);
// Narrower integers: a value outside the type's range is an error, never a silent wrap
// (4294967306 must not become 10).
template <class T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool> &&
         !std::is_same_v<T, std::int64_t>) void ParseInto(const std::string& where,
                                                          const std::string& text, T& out) {
  std::int64_t wide;
  ParseInto(where, text, wide);
  if (!std::in_range<T>(wide)) {
    throw ConfigError(where + " is out of range (got " + text + "; expected " +
                      std::to_string(std::numeric_limits<T>::min()) + " to " +
                      std::to_string(std::numeric_limits<T>::max()) + ")");
  }
  out = static_cast<T>(wide);
}
void CheckConstraint(const std::string& where, const std::string& text, double value,
                     const Constraint& c);
void CheckConstraint(const std::string& where, const std::string& text, const std::string& value,
                     const Constraint& c);

class SchemaVisitor {
 public:
  template <class T>
  void operator()(const char* key, T& field, const char* help, const Constraint& c = {}) {
    if constexpr (requires(SchemaVisitor & v) { field.Visit(v); }) {
      // A group lists its own options under "key.", after a line for the group itself.
      infos.push_back({prefix + key, "group", "", help, c.Describe(), c.required});
      SchemaVisitor inner;
      inner.prefix = prefix + key + ".";
      field.Visit(inner);
      infos.insert(infos.end(), inner.infos.begin(), inner.infos.end());
    } else {
      infos.push_back(
          {prefix + key, TypeName<T>(), FormatValue(field), help, c.Describe(), c.required});
    }
  }
  // An optional group: described like the group, absent unless given.
  template <class T>
  void operator()(const char* key, std::optional<T>& /*field*/, const char* help,
                  const Constraint& c = {}) {
    T value{};
    const std::size_t group = infos.size();
    (*this)(key, value, help, c);
    infos[group].default_value = "none";
  }
  std::vector<OptionInfo> infos;
  std::string prefix;
};

class KeyVisitor {
 public:
  template <class T>
  void operator()(const char* key, T& /*field*/, const char* /*help*/,
                  const Constraint& /*c*/ = {}) {
    keys.push_back(key);
  }
  std::vector<std::string> keys;
};

class AssignVisitor {
 public:
  AssignVisitor(std::string owner, const OptionValues& values)
      : owner_(std::move(owner)), values_(values) {}
  template <class T>
  void operator()(const char* key, T& field, const char* /*help*/, const Constraint& c = {}) {
    known_.push_back(key);
    auto it = values_.find(key);
    const std::string where = owner_ + ": option " + Quote(key);
    if constexpr (std::is_same_v<T, PluginOptions>) {
      AssignPlugin(key, where, field, c);
    } else {
      if (c.required && it == values_.end()) throw ConfigError(where + " is required");
      if (it != values_.end()) {
        // A bounded integer is checked against its bound first: `--extra -1` must say "in [0,
        // 10000000]", not the range of the field's type.
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          if (c.min || c.max) {
            std::int64_t wide;
            ParseInto(where, it->second, wide);
            CheckConstraint(where, it->second, static_cast<double>(wide), c);
          }
        }
        ParseInto(where, it->second, field);
      }
      Check(where, field, c);
    }
  }
  // Throws ConfigError for any given key that no Visit() call declared.
  void RejectUnknown() const;

 private:
  template <class T>
  static void Check(const std::string& where, const T& field, const Constraint& c) {
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      CheckConstraint(where, FormatValue(field), static_cast<double>(field), c);
    } else if constexpr (std::is_same_v<T, std::string>) {
      CheckConstraint(where, field, field, c);
    }
  }
  // Reads `key` and every "key.*" value into `field` and checks them with the plugin's schema.
  void AssignPlugin(const std::string& key, const std::string& where, PluginOptions& field,
                    const Constraint& c);

  std::string owner_;
  const OptionValues& values_;
  std::vector<std::string> known_;
  std::vector<std::string> plugin_prefixes_;  // "key." of each PluginOptions field
};

class RecordVisitor {
 public:
  template <class T>
  void operator()(const char* key, T& field, const char*, const Constraint& c = {}) {
    values[key] = FormatValue(field);
    if constexpr (std::is_same_v<T, PluginOptions>) {
      // The plugin's resolved options, defaults included, as "key.option".
      for (const auto& [k, v] : c.resolve_plugin(field.key, field.options)) {
        values[std::string(key) + "." + k] = v;
      }
    }
  }
  OptionValues values;
};

}  // namespace internal

// The declared options of an option struct, with their defaults.
template <class Options>
std::vector<OptionInfo> DescribeOptions() {
  Options options{};
  internal::SchemaVisitor v;
  options.Visit(v);
  return v.infos;
}

// The keys an option struct declares at its top level (a group's own keys not included).
template <class Options>
std::vector<std::string> DeclaredKeys() {
  internal::KeyVisitor v;
  Options options{};
  options.Visit(v);
  return v.keys;
}

// Options from text values; unknown keys and out-of-bound values throw ConfigError naming `owner`
// (e.g. `strategy "regularized_evolution"`).
template <class Options>
Options ParseOptions(const std::string& owner, const OptionValues& values) {
  Options options{};
  internal::AssignVisitor v(owner, values);
  options.Visit(v);
  v.RejectUnknown();
  return options;
}

// Every option's resolved value as text, for provenance in result files.
template <class Options>
OptionValues RecordOptions(Options options) {
  internal::RecordVisitor v;
  options.Visit(v);
  return v.values;
}

}  // namespace naskit
