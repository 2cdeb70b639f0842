// `ropesweep info OUT.h5`: what a results file holds and how complete it is.
#include <iostream>
#include <memory>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/io/results_file.hpp"

namespace ropesweep::cli {
namespace {

CommandAction setup_info(CLI::App& app) {
  auto* command = app.add_subcommand(
      "info", "Summarise a results file (experiments, axes, completion, provenance)");
  auto path = std::make_shared<std::string>();
  command->add_option("file", *path, "Results file (HDF5)")->required();
  return [path] {
    std::cout << describe_output(*path) << "\n";
    return 0;
  };
}

const CommandRegistrar registrar("info", setup_info);

}  // namespace
}  // namespace ropesweep::cli
