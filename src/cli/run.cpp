// `ropesweep run SPEC -o OUT.h5`: compute a sweep on all ranks of the MPI job.
#include "ropesweep/engine/run.hpp"

#include <memory>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/engine/mpi.hpp"
#include "ropesweep/engine/stop_signal.hpp"
#include "ropesweep/sweep/shard.hpp"

namespace ropesweep::cli {
namespace {

CommandAction setup_run(CLI::App& app) {
  auto* command = app.add_subcommand(
      "run", "Compute a sweep (under mpirun/srun for several ranks) into one HDF5 file");
  auto options = std::make_shared<RunOptions>();
  auto max_points = std::make_shared<std::uint64_t>(0);
  auto no_calibrate = std::make_shared<bool>(false);
  command->add_option("spec", options->spec_path, "Sweep spec (YAML)")->required();
  command->add_option("-o,--output", options->output_path, "Results file (HDF5)")->required();
  auto* resume = command->add_flag("--resume", options->resume,
                                   "Continue the file's sweep: compute only points not yet done");
  command->add_flag("--overwrite,--force", options->overwrite, "Replace an existing results file")
      ->excludes(resume);
  command
      ->add_option("--flush-seconds", options->flush_seconds,
                   "Write results at least this often (seconds)")
      ->capture_default_str()
      ->check(positive_number());
  command
      ->add_option("--flush-points", options->flush_points, "...or after this many points per rank")
      ->capture_default_str()
      ->check(positive_integer());
  command->add_option("--max-points", *max_points, "Grid-size limit (default: the spec's or 1e8)")
      ->check(positive_integer());
  command
      ->add_option("--progress-interval", options->progress_seconds,
                   "Seconds between progress lines when stderr is not a terminal")
      ->capture_default_str()
      ->check(positive_number());
  command->add_flag("--no-calibrate", *no_calibrate,
                    "Skip the cost-model calibration (order work by uncalibrated estimates)");
  command->add_flag("-q,--quiet", options->quiet, "No progress output");
  auto order = std::make_shared<std::string>("cost");
  command
      ->add_option("--task-order", *order,
                   "cost: largest first (fastest); reversed: cheapest first, to check that "
                   "results do not depend on the order")
      ->capture_default_str()
      ->check(CLI::IsMember({"cost", "reversed"}));
  auto shard = std::make_shared<std::string>();
  command->add_option("--shard", *shard,
                      "Compute only slice K of N (K/N, from 0) into its own file; "
                      "combine the N files with `ropesweep merge`");
  return [options, max_points, no_calibrate, shard, order] {
    options->reversed_order = *order == "reversed";
    if (*max_points) options->max_points = *max_points;
    if (!shard->empty()) options->shard = parse_shard(*shard);
    options->calibrate = !*no_calibrate;
    MpiSession session(nullptr, nullptr);
    install_stop_handlers();
    const Communicator world(MPI_COMM_WORLD);
    try {
      return static_cast<int>(run_sweep(world, *options));
    } catch (const std::exception& error) {
      return report_error(error);
    }
  };
}

const CommandRegistrar registrar("run", setup_run);

}  // namespace
}  // namespace ropesweep::cli
