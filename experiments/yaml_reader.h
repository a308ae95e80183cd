// Reading suite files: YAML with errors that name the file, line, key and value, --set overrides,
// and the shapes every suite shares (names, lists, seed ranges, plugin options). Search suites
// (suite.h) and predictor suites (predictor_suite.h) are read with it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/names.h"
#include "core/options.h"

namespace naskit {

class YamlReader {
 public:
  explicit YamlReader(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& key,
                         const std::string& what) const {
    std::string where = path_;
    if (node && node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
    throw ConfigError(where + ": " + (key.empty() ? "" : "key " + Quote(key) + ": ") + what);
  }

  void RejectUnknownKeys(const YAML::Node& map, const std::string& prefix,
                         const std::vector<std::string>& known) const {
    if (!map.IsMap()) Fail(map, prefix, "expected a mapping of keys to values");
    for (const auto& item : map) {
      const std::string key = item.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string message =
          "unknown key " + Quote(prefix.empty() ? key : prefix + "." + key) + "; known: ";
      for (std::size_t i = 0; i < known.size(); ++i) message += (i ? ", " : "") + known[i];
      if (auto guess = DidYouMean(key, known); !guess.empty()) {
        message += " (did you mean " + Quote(prefix.empty() ? guess : prefix + "." + guess) + "?)";
      }
      Fail(item.first, "", message);
    }
  }

  std::string Scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) Fail(node, key, "expected a single value");
    return node.as<std::string>();
  }

  double Number(const YAML::Node& node, const std::string& key, double lo, double hi) const {
    const std::string text = Scalar(node, key);
    double value;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
      Fail(node, key, "not a number (got " + Quote(text) + ")");
    }
    if (value < lo || value > hi) {
      Fail(node, key, fmt::format("value out of range (got {}; expected {} to {})", text, lo, hi));
    }
    return value;
  }

  // A whole number in [lo, hi]: 3.9 epochs is an error, not 3.
  int Integer(const YAML::Node& node, const std::string& key, int lo, int hi) const {
    const double value = Number(node, key, lo, hi);
    if (value != std::floor(value)) {
      Fail(node, key, "not a whole number (got " + Quote(Scalar(node, key)) + ")");
    }
    return static_cast<int>(value);
  }

  // Option maps as dotted keys: `predictor: {name: xgboost, max_depth: 6}` gives "predictor" =
  // "xgboost" and "predictor.max_depth" = "6" (see PluginOptions).
  void FlattenOptions(const YAML::Node& map, const std::string& prefix, OptionValues& out) const {
    for (const auto& item : map) {
      const std::string name = item.first.as<std::string>();
      const std::string key = prefix + name;
      if (item.second.IsSequence()) {
        // A list option (`features: [onehot, zc:synflow]`) is its items joined by commas.
        std::string joined;
        for (const auto& value : item.second)
          joined += (joined.empty() ? "" : ",") + Scalar(value, key);
        out[key] = joined;
        continue;
      }
      if (!item.second.IsMap()) {
        if (!prefix.empty() && name == "name") {
          out[prefix.substr(0, prefix.size() - 1)] = Scalar(item.second, key);
        } else {
          out[key] = Scalar(item.second, key);
        }
        continue;
      }
      if (!item.second["name"]) {
        Fail(item.second, key, "a nested option map needs a \"name\": the plugin it configures");
      }
      FlattenOptions(item.second, key + ".", out);
    }
  }

  // A scalar that becomes part of a path (core/names.h).
  std::string Name(const YAML::Node& node, const std::string& key) const {
    std::string text = Scalar(node, key);
    try {
      ValidateName("name", text);
    } catch (const ConfigError& e) {
      Fail(node, key, e.what());
    }
    return text;
  }

  // A list of such names, each once.
  std::vector<std::string> NameList(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> names;
    if (node.IsScalar()) return {Name(node, key)};
    if (!node.IsSequence() || node.size() == 0) Fail(node, key, "expected a non-empty list");
    std::set<std::string> seen;
    for (const auto& item : node) {
      names.push_back(Name(item, key));
      if (!seen.insert(names.back()).second) {
        Fail(item, key, "lists " + Quote(names.back()) + " twice");
      }
    }
    return names;
  }

  std::vector<std::string> StringList(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> values;
    if (node.IsScalar()) return {node.as<std::string>()};
    if (!node.IsSequence() || node.size() == 0) Fail(node, key, "expected a non-empty list");
    for (const auto& item : node) values.push_back(Scalar(item, key));
    return values;
  }

  std::vector<std::uint64_t> Seeds(const YAML::Node& node, const std::string& key) const {
    std::vector<std::uint64_t> seeds;
    auto parse = [&](const std::string& text) -> std::uint64_t {
      std::uint64_t v;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        Fail(node, key, "not a non-negative integer (got " + Quote(text) + ")");
      }
      return v;
    };
    if (node.IsScalar()) {
      const std::string text = node.as<std::string>();
      const auto dots = text.find("..");
      if (dots == std::string::npos) return {parse(text)};
      const std::uint64_t first = parse(text.substr(0, dots)), last = parse(text.substr(dots + 2));
      if (last < first)
        Fail(node, key,
             "empty range (got " + Quote(text) + "; expected FIRST..LAST with FIRST <= LAST)");
      if (last - first >= 1000000)
        Fail(node, key, "more than a million values (got " + Quote(text) + ")");
      // Counted, not compared with `last`: a range ending at 2^64 - 1 must end too.
      for (std::uint64_t i = 0; i <= last - first; ++i) seeds.push_back(first + i);
    } else if (node.IsSequence() && node.size() > 0) {
      for (const auto& item : node) seeds.push_back(parse(Scalar(item, key)));
    } else {
      Fail(node, key, "expected FIRST..LAST or a non-empty list of integers");
    }
    std::set<std::uint64_t> unique;
    for (const std::uint64_t seed : seeds) {
      if (!unique.insert(seed).second) Fail(node, key, fmt::format("lists {} twice", seed));
    }
    return seeds;
  }

  // A suite's list of plugins of one registry (`strategies:` of `- strategy: KEY`, with an optional
  // label and options): labels are distinct and options are checked with the plugin's schema.
  template <class RegistryT>
  std::vector<SuitePlugin> PluginList(const YAML::Node& list, const std::string& list_key,
                                      const std::string& item_key) const {
    if (!list.IsSequence() || list.size() == 0) {
      Fail(list, list_key, "expected a non-empty list of {" + item_key + ", label, options}");
    }
    std::vector<SuitePlugin> plugins;
    std::set<std::string> labels;
    for (const auto& node : list) {
      RejectUnknownKeys(node, list_key + "[]", {item_key, "label", "options"});
      if (!node[item_key]) Fail(node, list_key + "[]", "missing required key " + Quote(item_key));
      SuitePlugin p;
      p.key = Scalar(node[item_key], item_key);
      p.label = node["label"] ? Name(node["label"], "label") : p.key;
      if (!labels.insert(p.label).second) {
        Fail(node, "label",
             "two " + list_key + " share the label " + Quote(p.label) +
                 "; give each a distinct label");
      }
      if (node["options"]) {
        if (!node["options"].IsMap())
          Fail(node["options"], "options", "expected a mapping of option to value");
        FlattenOptions(node["options"], "", p.options);
      }
      try {
        p.resolved = RegistryT::Global().Find(p.key).resolve(p.options);
      } catch (const ConfigError& e) {
        Fail(node, "", e.what());
      }
      plugins.push_back(std::move(p));
    }
    return plugins;
  }

  // Loads the libraries of the suite's `plugins:` list (paths relative to the suite file), before
  // the plugins they register are looked up.
  void LoadPlugins(const YAML::Node& node) const;

  // YAML lets a map repeat a key and keeps one of the values; a suite must not.
  // Also bounds the suite's size counted once per place a value is reached from: aliases of
  // aliases grow exponentially ("billion laughs"), and every later walk would follow them.
  void RejectDuplicateKeys(const YAML::Node& node, const std::string& prefix) const {
    std::size_t values = 0;
    RejectDuplicateKeys(node, prefix, values);
  }

 private:
  static constexpr std::size_t kMaxValues = 1000000;

  void RejectDuplicateKeys(const YAML::Node& node, const std::string& prefix,
                           std::size_t& values) const {
    if (++values > kMaxValues) {
      Fail(node, prefix,
           fmt::format("the suite holds more than {} values once its aliases are expanded",
                       kMaxValues));
    }
    if (node.IsSequence()) {
      for (const auto& item : node) RejectDuplicateKeys(item, prefix, values);
    } else if (node.IsMap()) {
      std::set<std::string> keys;
      for (const auto& item : node) {
        const std::string key = item.first.IsScalar() ? item.first.as<std::string>() : "";
        const std::string path = prefix.empty() ? key : prefix + "." + key;
        if (!keys.insert(key).second) Fail(item.first, path, "appears twice");
        RejectDuplicateKeys(item.second, path, values);
      }
    }
  }

  std::string path_;
};

// Reads the keys a struct declares in its Visit() from a YAML map, with the reader's messages
// (file, line, key, value): the one declaration that `naskit describe` lists (core/options.h).
// Scalars are checked against their Constraint; a list may be written as a single value; a group (a
// field with its own Visit) is a nested map; an optional group is absent unless given, and a single
// value for it sets its first option (`surrogate: gp`); a PluginOptions field is `KEY` or
// `{name: KEY, ...its options}`. Reject unknown keys first, with DeclaredKeys<T>().
class YamlVisitor {
 public:
  // `where` names the map in messages ("experiments[]"); `prefix` is put before its keys' names
  // ("warm_start.").
  YamlVisitor(const YamlReader& reader, const YAML::Node& map, std::string where,
              std::string prefix = {})
      : reader_(reader), map_(map), where_(std::move(where)), prefix_(std::move(prefix)) {}

  template <class T>
  void operator()(const char* key, T& field, const char* /*help*/, const Constraint& c = {}) {
    const YAML::Node node = map_[key];
    const std::string name = prefix_ + key;
    if (!node) {
      if (c.required) reader_.Fail(map_, where_, "missing required key " + Quote(key));
      return;
    }
    Read(node, name, field, c);
  }

  template <class T>
  void operator()(const char* key, std::optional<T>& field, const char* help,
                  const Constraint& /*c*/ = {}) {
    const YAML::Node node = map_[key];
    if (!node) return;
    T value{};
    const std::string name = prefix_ + key;
    if (node.IsScalar()) {
      // A single value sets the group's first option.
      internal::SchemaVisitor schema;
      value.Visit(schema);
      OptionValues values{{schema.infos.front().key, reader_.Scalar(node, name)}};
      value = Parse<T>(node, name, values);
    } else if (node.IsMap()) {
      OptionValues values;
      reader_.FlattenOptions(node, "", values);
      value = Parse<T>(node, name, values);
    } else {
      reader_.Fail(node, name, std::string("expected a value or a map: ") + help);
    }
    field = std::move(value);
  }

 private:
  template <class T>
  T Parse(const YAML::Node& node, const std::string& name, const OptionValues& values) const {
    try {
      return ParseOptions<T>(name, values);
    } catch (const ConfigError& error) {
      reader_.Fail(node, name, error.what());
    }
  }

  // "budget_unit" -> "budget unit", for messages about its values.
  static std::string Words(std::string key) {
    std::replace(key.begin(), key.end(), '_', ' ');
    return key.substr(key.rfind('.') + 1);
  }

  void Read(const YAML::Node& node, const std::string& name, std::string& field,
            const Constraint& c) const {
    field = c.names ? reader_.Name(node, name) : reader_.Scalar(node, name);
    if (!c.one_of.empty() && std::find(c.one_of.begin(), c.one_of.end(), field) == c.one_of.end()) {
      reader_.Fail(node, name, UnknownNameMessage(Words(name), field, c.one_of));
    }
  }
  void Read(const YAML::Node& node, const std::string& name, int& field,
            const Constraint& c) const {
    field = reader_.Integer(node, name, static_cast<int>(c.min.value_or(-1e9)),
                            static_cast<int>(c.max.value_or(1e9)));
  }
  void Read(const YAML::Node& node, const std::string& name, std::size_t& field,
            const Constraint& c) const {
    field = static_cast<std::size_t>(reader_.Integer(
        node, name, static_cast<int>(c.min.value_or(0)), static_cast<int>(c.max.value_or(1e9))));
  }
  void Read(const YAML::Node& node, const std::string& name, double& field,
            const Constraint& c) const {
    field = reader_.Number(node, name, c.min.value_or(-1e300), c.max.value_or(1e300));
  }
  void Read(const YAML::Node& node, const std::string& name, bool& field,
            const Constraint& /*c*/) const {
    const std::string text = reader_.Scalar(node, name);
    if (text != "true" && text != "false") {
      reader_.Fail(node, name, "expected true or false (got " + Quote(text) + ")");
    }
    field = text == "true";
  }
  void Read(const YAML::Node& node, const std::string& name, std::vector<std::string>& field,
            const Constraint& c) const {
    field = c.names ? reader_.NameList(node, name) : reader_.StringList(node, name);
  }
  // Numbers, each once.
  template <class T>
  void Read(const YAML::Node& node, const std::string& name, std::vector<T>& field,
            const Constraint& c) const {
    if (!node.IsScalar() && (!node.IsSequence() || node.size() == 0)) {
      reader_.Fail(node, name, "expected a number or a non-empty list of them");
    }
    field.clear();
    for (const auto& item : node.IsScalar() ? std::vector<YAML::Node>{node}
                                            : std::vector<YAML::Node>(node.begin(), node.end())) {
      T value{};
      Read(item, name, value, c);
      if (std::find(field.begin(), field.end(), value) != field.end()) {
        reader_.Fail(item, name, "lists " + reader_.Scalar(item, name) + " twice");
      }
      field.push_back(value);
    }
  }
  void Read(const YAML::Node& node, const std::string& name, PluginOptions& field,
            const Constraint& c) const {
    field.options.clear();
    if (node.IsScalar()) {
      field.key = reader_.Scalar(node, name);
    } else if (node.IsMap() && node["name"]) {
      reader_.FlattenOptions(node, "", field.options);
      field.key = field.options.at("name");
      field.options.erase("name");
    } else {
      reader_.Fail(node, name, "expected a key or a map {name: KEY, ...its options}");
    }
    try {
      c.resolve_plugin(field.key, field.options);
    } catch (const ConfigError& error) {
      reader_.Fail(node, name, error.what());
    }
  }
  // A group: a nested map of the keys its Visit declares.
  template <class T>
  requires requires(T t, YamlVisitor& v) { t.Visit(v); }
  void Read(const YAML::Node& node, const std::string& name, T& field,
            const Constraint& /*c*/) const {
    if (!node.IsMap()) reader_.Fail(node, name, "expected a map of its keys");
    reader_.RejectUnknownKeys(node, name, DeclaredKeys<T>());
    YamlVisitor inner(reader_, node, name, name + ".");
    field.Visit(inner);
  }

  const YamlReader& reader_;
  const YAML::Node& map_;
  std::string where_;
  std::string prefix_;
};

// The YAML of the suite file `path` with `overrides` ("dotted.key=value", the value in YAML
// syntax) applied; throws ConfigError for a missing file, invalid YAML or a bad override.
YAML::Node LoadSuiteYaml(const std::string& path, const std::vector<std::string>& overrides);

// The suite as naskit re-emits it (recorded in the results folder).
std::string CanonicalYaml(const YAML::Node& root);

// Calls `read()`, turning a YAML shape error (a list where a string should be) into a ConfigError
// naming the file and line.
template <class Read>
auto WithYamlErrors(const std::string& path, Read read) {
  try {
    return read();
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": malformed suite (" + e.msg +
                      ")");
  }
}

}  // namespace naskit
