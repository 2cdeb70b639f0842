#pragma once
// Self-registration of the `ropesweep` subcommands: each src/cli/*.cpp adds its
// subcommand to the application and returns the action to run when it is chosen.
#include <CLI/CLI.hpp>
#include <functional>

namespace ropesweep::cli {

using CommandAction = std::function<int()>;
using CommandSetup = CommandAction (*)(CLI::App& app);

struct CommandRegistrar {
  CommandRegistrar(const char* name, CommandSetup setup);
};

}  // namespace ropesweep::cli
