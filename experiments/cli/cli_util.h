// Boost.Program_options glue shared by the subcommands.
#pragma once

#include <boost/program_options.hpp>

#include <iostream>
#include <optional>

#include "core/errors.h"
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

}  // namespace naskit::cli
