// The `ropesweep` command: parses the command line and is the one error boundary
// of the program: every error becomes a single line on stderr and an exit code.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/core/build_info.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/vector_path.hpp"

namespace ropesweep::cli {
namespace {

std::map<std::string, CommandSetup>& commands() {
  static std::map<std::string, CommandSetup> registered;
  return registered;
}

// ROPESWEEP_SIMD forces the vector path of the kernels (docs/performance.md):
// every path gives the same bits, so this serves to check that, or to time one.
void apply_forced_vector_path() {
  try {
    use_vector_path_from_environment();
  } catch (const Error& error) {
    throw UsageError(error.what());
  }
}

}  // namespace

int report_error(const std::exception& error) {
  std::cerr << "ropesweep: error: " << error.what() << "\n" << std::flush;
  if (const auto* ours = dynamic_cast<const Error*>(&error)) return static_cast<int>(ours->code());
  return static_cast<int>(ExitCode::kFailure);
}

CommandRegistrar::CommandRegistrar(const char* name, CommandSetup setup) {
  commands()[name] = setup;
}

}  // namespace ropesweep::cli

int main(int argc, char** argv) {
  using namespace ropesweep;
  CLI::App app{
      "ropesweep: how RoPE attention fails in long contexts, mapped over large parameter sweeps",
      "ropesweep"};
  app.set_version_flag("--version", std::string("ropesweep ") + kVersion + " (" + kGitCommit +
                                        (kGitDirty ? ", with uncommitted changes" : "") + ")");
  app.require_subcommand(1);
  std::map<CLI::App*, cli::CommandAction> actions;
  for (const auto& [name, setup] : cli::commands()) {
    cli::CommandAction action = setup(app);
    actions[app.get_subcommand(name)] = std::move(action);
  }
  // CLI11 would call an unknown command a missing one.
  if (argc > 1 && argv[1][0] != '-' && !cli::commands().count(argv[1])) {
    std::string known;
    for (const auto& [name, setup] : cli::commands()) known += (known.empty() ? "" : ", ") + name;
    std::cerr << "ropesweep: error: unknown command '" << argv[1] << "' (known: " << known
              << "; see ropesweep --help)\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ropesweep: error: " << e.what() << " (see ropesweep --help)\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  try {
    cli::apply_forced_vector_path();
    for (auto* chosen : app.get_subcommands()) return actions.at(chosen)();
    return static_cast<int>(ExitCode::kUsage);
  } catch (const std::exception& e) {
    return cli::report_error(e);
  }
}
