// `ropesweep info OUT.h5`: what a results file holds and how complete it is.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/io/results_file.hpp"

namespace ropesweep::cli {
namespace {

std::string or_none(const std::string& text) { return text.empty() ? "(none)" : text; }

std::string percent(std::uint64_t done, std::uint64_t points) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%",
                points ? 100.0 * double(done) / double(points) : 100.0);
  return text;
}

std::string describe(const std::string& path, const OutputSummary& summary) {
  const RunRecord& run = summary.run;
  std::ostringstream out;
  out << path << ": " << kFileFormat << ", written by ropesweep " << or_none(run.version) << " ("
      << or_none(run.git_commit) << ")\n";
  out << "sweep: " << or_none(run.sweep_name) << " (spec " << or_none(run.spec_path) << "), seed "
      << run.seed << "\n";
  out << "run: " << run.ranks << " ranks on " << or_none(run.host) << ", started "
      << or_none(run.start_time) << ", "
      << (run.end_time.empty() ? std::string("not finished") : "finished " + run.end_time) << "\n";
  out << "cost model: " << or_none(run.cost_model) << "\n";
  std::uint64_t all_done = 0, all_points = 0;
  for (const StoredExperiment& experiment : summary.experiments) {
    all_done += experiment.done;
    all_points += experiment.points;
    out << "/" << experiment.name << " (" << experiment.kind << "): " << experiment.done << "/"
        << experiment.points << " points done (" << percent(experiment.done, experiment.points)
        << ")\n  dimensions:";
    for (std::size_t d = 0; d < experiment.shape.size(); ++d) {
      const std::string& name = experiment.dimensions[d];
      out << (d ? " x " : " ") << (name.empty() ? "?" : name) << "[" << experiment.shape[d] << "]";
    }
    if (experiment.shape.empty()) out << " none (one point)";
    if (!experiment.coordinates.empty())
      out << " (zip coordinates: " << experiment.coordinates << ")";
    out << "\n  metrics: ";
    for (std::size_t m = 0; m < experiment.metrics.size(); ++m)
      out << (m ? ", " : "") << experiment.metrics[m];
    out << "\n";
  }
  out << "total: " << all_done << "/" << all_points << " points done ("
      << percent(all_done, all_points) << ")";
  return out.str();
}

CommandAction setup_info(CLI::App& app) {
  auto* command = app.add_subcommand(
      "info", "Summarise a results file (experiments, axes, completion, provenance)");
  auto path = std::make_shared<std::string>();
  command->add_option("file", *path, "Results file (HDF5)")->required();
  return [path] {
    std::cout << describe(*path, read_output_summary(*path)) << "\n";
    return 0;
  };
}

const CommandRegistrar registrar("info", setup_info);

}  // namespace
}  // namespace ropesweep::cli
