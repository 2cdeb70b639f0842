// `ropesweep frontier OUT.h5`: (re)write the base trade-off frontier of a results file.
#include <iostream>
#include <memory>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/experiments/frontier_file.hpp"

namespace ropesweep::cli {
namespace {

CommandAction setup_frontier(CLI::App& app) {
  auto* command = app.add_subcommand(
      "frontier",
      "Write /frontier/ into a results file: per slice, the Pareto-optimal bases on (position, "
      "token) discrimination and the best base for each (replaces an existing /frontier/)");
  auto path = std::make_shared<std::string>();
  command->add_option("file", *path, "Results file (HDF5)")->required();
  return [path] {
    const std::vector<FrontierSummary> written = write_frontier(*path);
    if (written.empty()) {
      std::cout
          << *path
          << ": no experiment with a swept base and both inversion metrics; no frontier written\n";
    }
    for (const FrontierSummary& s : written) {
      std::cout << *path << ": wrote /frontier/" << s.experiment << " (" << s.slices
                << " slices over the non-" << s.base_dimension << " dimensions, " << s.optimal
                << " Pareto-optimal points";
      if (s.not_done > 0) std::cout << "; " << s.not_done << " points not computed yet";
      std::cout << ")\n";
    }
    return 0;
  };
}

const CommandRegistrar registrar("frontier", setup_frontier);

}  // namespace
}  // namespace ropesweep::cli
