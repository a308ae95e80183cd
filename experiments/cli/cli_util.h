// Boost.Program_options glue shared by the subcommands.
#pragma once

#include <boost/program_options.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include "core/errors.h"
#include "core/options.h"
#include "experiments/cli/commands.h"

namespace naskit::cli {

namespace po = boost::program_options;

// Parses `args`; returns nullopt after printing help when --help was given.
inline std::optional<po::variables_map> Parse(
    const Args& args, const std::string& usage, po::options_description options,
    const po::positional_options_description& positional = {}) {
  options.add_options()("help,h", "print this help");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: naskit " << usage << "\n\n" << options << "\n";
    return std::nullopt;
  }
  po::notify(vm);
  // An option given with an empty value ("--out ''") is a mistake, not a request for the default.
  for (const auto& [name, value] : vm) {
    const auto* text = boost::any_cast<std::string>(&value.value());
    const bool takes_value = options.find(name, false).semantic()->max_tokens() > 0;
    if (takes_value && !value.defaulted() && text && text->empty()) {
      throw ConfigError("--" + name + " is empty (expected a value)");
    }
  }
  return vm;
}

// A command's options, declared once by an option struct's Visit() as the suites' and plugins' are:
// each key is a --flag (dashes for underscores) taking one value, a bool key a switch, and a plugin
// key K (`predictor`) also a repeatable --K-option key=value for the plugin's own options (K.key in
// a suite); the values are then parsed by ParseOptions, so types, bounds and messages are the
// suites'. `positional` keys also take the positional words in order; `short_names` gives some keys
// a one-letter flag. `extra` declares what a struct cannot hold (run's repeatable --set of any
// suite key), read back through `extra_values`.
template <class Options>
std::optional<Options> ParseCommand(const Args& args, const std::string& command,
                                    const std::string& usage,
                                    const std::vector<std::string>& positional = {},
                                    const std::map<std::string, char>& short_names = {},
                                    const po::options_description& extra = {},
                                    po::variables_map* extra_values = nullptr) {
  auto flag = [](std::string key) {
    std::replace(key.begin(), key.end(), '_', '-');
    return key;
  };
  po::options_description options(command + " options");
  const std::vector<OptionInfo> infos = DescribeOptions<Options>();
  for (const OptionInfo& info : infos) {
    std::string help = info.help;
    if (!info.default_value.empty() && info.type != "bool")
      help += " (default " + info.default_value + ")";
    if (const std::string bound = info.constraint; !bound.empty() && bound != "required")
      help += " [" + bound + "]";
    std::string name = flag(info.key);
    if (short_names.contains(info.key)) name += std::string(",") + short_names.at(info.key);
    if (info.type == "bool") {
      options.add_options()(name.c_str(), po::bool_switch(), help.c_str());
    } else if (info.type == "plugin") {
      options.add_options()(name.c_str(), po::value<std::string>(), help.c_str());
      const std::string plugin_help = "an option of the " + info.key + " as key=value (repeatable)";
      options.add_options()((name + "-option").c_str(),
                            po::value<std::vector<std::string>>()->composing(),
                            plugin_help.c_str());
    } else if (info.required) {
      options.add_options()(name.c_str(), po::value<std::string>()->required(), help.c_str());
    } else {
      options.add_options()(name.c_str(), po::value<std::string>(), help.c_str());
    }
  }
  options.add(extra);
  po::positional_options_description words;
  for (const std::string& key : positional) words.add(flag(key).c_str(), 1);
  auto vm = Parse(args, usage, options, words);
  if (!vm) return std::nullopt;
  OptionValues values;
  for (const OptionInfo& info : infos) {
    const std::string name = flag(info.key);
    if (info.type == "plugin" && vm->count(name + "-option")) {
      for (const auto& text : (*vm)[name + "-option"].as<std::vector<std::string>>()) {
        const auto eq = text.find('=');
        if (eq == std::string::npos || eq == 0) {
          throw ConfigError("--" + name + "-option: expected key=value (got " + Quote(text) + ")");
        }
        values[info.key + "." + text.substr(0, eq)] = text.substr(eq + 1);
      }
    }
    if (!vm->count(name)) continue;
    if (info.type == "bool") {
      if ((*vm)[name].as<bool>()) values[info.key] = "true";
    } else {
      values[info.key] = (*vm)[name].as<std::string>();
    }
  }
  if (extra_values) *extra_values = *vm;
  return ParseOptions<Options>(command, values);
}

}  // namespace naskit::cli
