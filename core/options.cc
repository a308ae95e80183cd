// Parsing and checking of option values; see core/options.h.
#include "core/options.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace naskit {

std::string Constraint::Describe() const {
  std::string text = Bound();
  if (names) text += std::string(text.empty() ? "" : ", ") + "path-safe";
  if (required) text += std::string(text.empty() ? "" : ", ") + "required";
  return text;
}

std::string Constraint::Bound() const {
  if (!plugin_kind.empty()) return "a registered " + plugin_kind + "; its options as KEY.OPTION";
  if (!one_of.empty()) {
    std::string text = "one of ";
    for (std::size_t i = 0; i < one_of.size(); ++i) text += (i ? ", " : "") + one_of[i];
    return text;
  }
  if (min && max) return fmt::format("in [{}, {}]", *min, *max);
  if (min) return fmt::format(">= {}", *min);
  if (max) return fmt::format("<= {}", *max);
  return "";
}

namespace internal {

std::string FormatValue(bool v) { return v ? "true" : "false"; }
std::string FormatValue(std::int64_t v) { return std::to_string(v); }
std::string FormatValue(double v) { return fmt::format("{}", v); }

void ParseInto(const std::string& where, const std::string& text, bool& out) {
  if (text == "true" || text == "1" || text == "yes") {
    out = true;
  } else if (text == "false" || text == "0" || text == "no") {
    out = false;
  } else {
    throw ConfigError(where + " is not a boolean (got " + Quote(text) +
                      "; expected true or false)");
  }
}

void ParseInto(const std::string& where, const std::string& text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc() || ptr != end || text.empty()) {
    throw ConfigError(where + " is not an integer (got " + Quote(text) + ")");
  }
}

void ParseInto(const std::string& where, const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(out)) {
    throw ConfigError(where + " is not a finite number (got " + Quote(text) + ")");
  }
}

void ParseInto(const std::string&, const std::string& text, std::string& out) { out = text; }

void CheckConstraint(const std::string& where, const std::string& text, double value,
                     const Constraint& c) {
  if ((c.min && value < *c.min) || (c.max && value > *c.max)) {
    throw ConfigError(where + " must be " + c.Bound() + " (got " + text + ")");
  }
}

void CheckConstraint(const std::string& where, const std::string& text, const std::string& value,
                     const Constraint& c) {
  if (c.one_of.empty()) return;
  for (const auto& allowed : c.one_of) {
    if (allowed == value) return;
  }
  std::string message = where + " must be " + c.Bound() + " (got " + Quote(text) + ")";
  if (auto guess = DidYouMean(value, c.one_of); !guess.empty()) {
    message += " (did you mean " + Quote(guess) + "?)";
  }
  throw ConfigError(message);
}

void AssignVisitor::AssignPlugin(const std::string& key, const std::string& where,
                                 PluginOptions& field, const Constraint& c) {
  const std::string prefix = key + ".";
  plugin_prefixes_.push_back(prefix);
  if (auto it = values_.find(key); it != values_.end()) field.key = it->second;
  for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.starts_with(prefix);
       ++it) {
    field.options[it->first.substr(prefix.size())] = it->second;
  }
  if (!c.resolve_plugin) throw std::logic_error(where + ": declared without PluginOf<>()");
  try {
    c.resolve_plugin(field.key, field.options);
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
}

void AssignVisitor::RejectUnknown() const {
  for (const auto& [key, value] : values_) {
    bool found = false;
    for (const auto& k : known_) found = found || k == key;
    for (const auto& prefix : plugin_prefixes_) found = found || key.starts_with(prefix);
    if (!found) {
      std::string message = owner_ + ": unknown option " + Quote(key) + "; known: ";
      for (std::size_t i = 0; i < known_.size(); ++i) message += (i ? ", " : "") + known_[i];
      if (known_.empty()) message += "(none)";
      if (auto guess = DidYouMean(key, known_); !guess.empty()) {
        message += " (did you mean " + Quote(guess) + "?)";
      }
      throw ConfigError(message);
    }
  }
}

}  // namespace internal
}  // namespace naskit
