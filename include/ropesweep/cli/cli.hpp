#pragma once
// Self-registration of the `ropesweep` subcommands: each src/cli/*.cpp adds its
// subcommand to the application and returns the action to run when it is chosen.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>

namespace ropesweep::cli {

using CommandAction = std::function<int()>;
using CommandSetup = CommandAction (*)(CLI::App& app);

struct CommandRegistrar {
  CommandRegistrar(const char* name, CommandSetup setup);
};

// Prints the one line an error becomes ("ropesweep: error: ...") and returns its
// exit code. main() does this for every command; `run` calls it itself so that
// the line is out before MPI_Finalize, which a failed MPI or HDF5 state can crash.
int report_error(const std::exception& error);

// Option checks whose failure reads as one short line ("--flush-points: must be
// a positive number, got '0'"), unlike CLI11's range validators.
inline CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(value > 0) || value > 1e300) {
          return "must be a positive number, got '" + text + "'";
        }
        return {};
      },
      "POSITIVE");
}

inline CLI::Validator positive_integer() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 19 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || text.find_first_not_of('0') == std::string::npos) {
          return "must be a positive whole number, got '" + text + "'";
        }
        return {};
      },
      "POSITIVE");
}

}  // namespace ropesweep::cli
