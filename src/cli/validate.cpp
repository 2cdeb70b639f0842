// `ropesweep validate SPEC`: every problem of a sweep spec, one line each, before any work.
#include <iostream>
#include <memory>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep::cli {
namespace {

std::string describe_grid(const ExperimentGrid& grid) {
  std::string text =
      grid.name + " (" + grid.kind + "): " + std::to_string(grid.point_count()) + " points";
  std::string dims;
  for (const Dimension& dimension : grid.dimensions) {
    dims += (dims.empty() ? "" : " x ") + dimension.name() + "[" +
            std::to_string(dimension.size()) + "]";
    for (std::size_t i = 1; i < dimension.axes.size(); ++i) dims += "+" + dimension.axes[i].name;
  }
  return text + (dims.empty() ? "" : " = " + dims);
}

CommandAction setup_validate(CLI::App& app) {
  auto* command = app.add_subcommand("validate", "Check a sweep spec and print every problem");
  auto path = std::make_shared<std::string>();
  auto max_points = std::make_shared<std::uint64_t>(0);
  command->add_option("spec", *path, "Sweep spec (YAML)")->required();
  command->add_option("--max-points", *max_points, "Grid-size limit (default: the spec's or 1e8)")
      ->check(positive_integer());
  return [path, max_points] {
    SpecOptions options;
    if (*max_points) options.max_points = *max_points;
    const SpecResult result = read_sweep(*path, options);
    throw_if_invalid(result, *path);
    const Sweep& sweep = result.sweep;
    std::cout << *path << ": valid sweep '" << sweep.name << "', seed " << sweep.seed << ", "
              << sweep.point_count() << " points\n";
    for (const ExperimentGrid& grid : sweep.experiments)
      std::cout << "  " << describe_grid(grid) << "\n";
    return 0;
  };
}

const CommandRegistrar registrar("validate", setup_validate);

}  // namespace
}  // namespace ropesweep::cli
