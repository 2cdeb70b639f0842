// `ropesweep plan SPEC --ranks 1,64,4096`: predicted cost and makespan, without running the sweep.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/engine/progress.hpp"
#include "ropesweep/engine/run.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/engine/wall_time.hpp"
#include "ropesweep/sweep/shard.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep::cli {
namespace {

// A batch time limit for a predicted wall time: a quarter more for the
// prediction's error plus five minutes for what it leaves out (a launcher slower
// than mpirun on one node, a slower file system at the time), rounded up to whole
// minutes, as D-HH:MM:SS.
std::string slurm_time_limit(double wall_seconds) {
  const double padded = 1.25 * wall_seconds + 300;
  const long long minutes = static_cast<long long>(std::ceil(padded / 60));
  char text[48];
  std::snprintf(text, sizeof text, "%lld-%02lld:%02lld:00", minutes / 1440, minutes / 60 % 24,
                minutes % 60);
  return text;
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What rank 0 of a run does before computing, timed here as plan does the same: the
// spec read and validated, the cost model calibrated, the work list built; and the
// other ranks' quick parse of the spec text rank 0 sends them.
struct PlanSetUp {
  Sweep sweep;
  CostModel model;
  WorkList work;
  WallTime parts;  // the set-up parts filled in
};

PlanSetUp set_up_as_a_run(const std::string& path, const SpecOptions& options, bool calibrated,
                          const Shard& shard) {
  PlanSetUp plan;
  Clock::time_point start = Clock::now();
  SpecResult result = read_sweep(path, options);
  throw_if_invalid(result, path);
  plan.sweep = std::move(result.sweep);
  plan.parts.read_spec = seconds_since(start);
  start = Clock::now();
  plan.model = calibrated ? calibrate(plan.sweep) : default_cost_model();
  plan.parts.calibrate = seconds_since(start);
  start = Clock::now();
  plan.work = shard.whole() ? WorkList(plan.sweep, plan.model)
                            : WorkList(plan.sweep, plan.model,
                                       done_or_outside(shard_masks(plan.sweep, shard), {}));
  plan.parts.work_list = seconds_since(start);
  start = Clock::now();
  SpecOptions quick;  // as engine/run.cpp's share_sweep
  quick.max_points = std::numeric_limits<std::uint64_t>::max();
  quick.max_point_checks = 0;
  parse_sweep(plan.sweep.text, path, quick);
  plan.parts.share_spec = seconds_since(start);
  plan.parts.launch = kLaunchSeconds;
  return plan;
}

// The directory the run's results file goes to: where the writes are timed.
std::string write_directory(const std::string& output) {
  if (output.empty()) return std::filesystem::temp_directory_path().string();
  const std::string parent = std::filesystem::path(output).parent_path().string();
  return parent.empty() ? "." : parent;
}

// The run's wall time on `ranks` ranks, by part.
WallTime wall_time_on(const PlanSetUp& plan, const IoCosts& io, const ScheduleSimulation& sim,
                      int ranks) {
  const RunOptions run;  // its flush policy
  WallTime parts = plan.parts;
  parts.create_file = io.create_seconds;
  parts.compute = sim.makespan;
  parts.writes = predicted_write_seconds(plan.work, io, ranks, sim.makespan,
                                         {run.flush_seconds, run.flush_points});
  parts.finish = io.finish_seconds;
  return parts;
}

// The parts that do not depend on the rank count, and how each was found.
void print_fixed_parts(const PlanSetUp& plan, const IoCosts& io, const std::string& directory) {
  const WallTime& p = plan.parts;
  std::printf(
      "set-up, measured here: spec %s, calibration %s, work list %s, results file %s, "
      "spec on the other ranks %s; plus %s launch (mpirun, MPI start and end: a "
      "constant)\n",
      format_duration(p.read_spec).c_str(), format_duration(p.calibrate).c_str(),
      format_duration(p.work_list).c_str(), format_duration(io.create_seconds).c_str(),
      format_duration(p.share_spec).c_str(), format_duration(p.launch).c_str());
  double call = 0, point = 0;
  for (std::size_t e = 0; e < io.write_call_seconds.size(); ++e) {
    call = std::max(call, io.write_call_seconds[e]);
    point = std::max(point, io.write_point_seconds[e]);
  }
  std::printf(
      "writes on rank 0, timed in %s: up to %s a write + %.3g ms a point; finishing "
      "(stamp, journal, finishing steps): %s\n",
      directory.c_str(), format_duration(call).c_str(), 1e3 * point,
      io.finish_measured ? format_duration(io.finish_seconds).c_str()
                         : "not timed above 2e6 points");
}

// One row per rank count: the compute's makespan, efficiency and chunks, then the
// wall time of `mpirun -np N ropesweep run` as set-up + makespan + writes + finish.
void print_wall_times(const PlanSetUp& plan, const IoCosts& io, const std::vector<int>& ranks) {
  std::printf("%8s  %12s  %10s  %8s  %9s  %9s  %9s  %12s\n", "ranks", "makespan", "efficiency",
              "chunks", "set-up", "writes", "finish", "wall time");
  for (int n : ranks) {
    const ScheduleSimulation sim = simulate(plan.work, n);
    const WallTime parts = wall_time_on(plan, io, sim, n);
    std::printf("%8d  %12s  %9.1f%%  %8llu  %9s  %9s  %9s  %12s\n", n,
                format_duration(sim.makespan).c_str(), 100 * sim.efficiency,
                static_cast<unsigned long long>(sim.chunks),
                format_duration(parts.set_up()).c_str(), format_duration(parts.writes).c_str(),
                format_duration(parts.finish).c_str(), format_duration(parts.total()).c_str());
  }
}

CommandAction setup_plan(CLI::App& app) {
  auto* command = app.add_subcommand("plan",
                                     "Predict core-hours, makespan, efficiency and wall time of a "
                                     "sweep on N ranks (runs nothing)");
  auto path = std::make_shared<std::string>();
  auto ranks = std::make_shared<std::vector<int>>(std::vector<int>{1, 2, 16, 64, 256});
  auto max_points = std::make_shared<std::uint64_t>(0);
  auto no_calibrate = std::make_shared<bool>(false);
  command->add_option("spec", *path, "Sweep spec (YAML)")->required();
  command->add_option("--ranks", *ranks, "Rank counts to simulate, e.g. 1,64,4096")
      ->capture_default_str()
      ->delimiter(',')
      ->check(positive_integer());
  command->add_option("--max-points", *max_points, "Grid-size limit (default: the spec's or 1e8)")
      ->check(positive_integer());
  command->add_flag("--no-calibrate", *no_calibrate,
                    "Use the uncalibrated cost model instead of timing a few small points");
  auto format = std::make_shared<std::string>("table");
  command
      ->add_option("--format", *format,
                   "table, or slurm-time: only a time limit for one --ranks value (sbatch "
                   "--time syntax, D-HH:MM:SS), the predicted wall time x 1.25 + 5 minutes")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "slurm-time"}));
  auto shard_text = std::make_shared<std::string>();
  command->add_option("--shard", *shard_text, "Plan only slice K of N (K/N), as `run --shard`");
  auto output = std::make_shared<std::string>();
  command->add_option("-o,--output", *output,
                      "The run's results file: its directory is where the writes are timed "
                      "(default: the temporary directory); nothing is left there");
  return [path, ranks, max_points, no_calibrate, format, shard_text, output] {
    const Shard shard = shard_text->empty() ? Shard{} : parse_shard(*shard_text);
    if (*format == "slurm-time" && ranks->size() != 1) {
      throw UsageError("--format slurm-time needs exactly one --ranks value");
    }
    SpecOptions options;
    if (*max_points) options.max_points = *max_points;
    const PlanSetUp plan = set_up_as_a_run(*path, options, !*no_calibrate, shard);
    const Sweep& sweep = plan.sweep;
    const CostModel& model = plan.model;
    const WorkList& work = plan.work;
    const std::string directory = write_directory(*output);
    const IoCosts io = measure_io_costs(sweep, directory, shard.whole());
    if (*format == "slurm-time") {
      const int n = ranks->front();
      std::printf("%s\n",
                  slurm_time_limit(wall_time_on(plan, io, simulate(work, n), n).total()).c_str());
      return 0;
    }

    std::printf("sweep '%s': %llu points\n", sweep.name.c_str(),
                static_cast<unsigned long long>(sweep.point_count()));
    std::uint64_t points = 0;
    for (const WorkList::Totals& totals : work.totals()) points += totals.points;
    if (!shard.whole()) {
      std::printf("shard %s: %llu points\n", shard.str().c_str(),
                  static_cast<unsigned long long>(points));
    }
    // A task is one batch of a point (docs/architecture.md, "Tasks and batches").
    for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
      const ExperimentGrid& grid = sweep.experiments[e];
      const WorkList::Totals& totals = work.totals()[e];
      std::printf(
          "  %-16s %-10s %10llu points %10llu tasks  %10.4g core-hours  (%.3g s/point + %.3g "
          "s/work unit)\n",
          grid.name.c_str(), grid.kind.c_str(), static_cast<unsigned long long>(totals.points),
          static_cast<unsigned long long>(totals.tasks), totals.seconds / 3600,
          model.overhead_seconds + model.seconds_per_point_of(grid.kind),
          model.seconds_per_work_of(grid.kind));
    }
    std::printf("cost model: %s\n",
                model.calibrated ? "calibrated on this machine" : "uncalibrated");
    std::printf("estimated total: %.4g core-hours (%s on one core); largest task %s\n",
                work.total_seconds() / 3600, format_duration(work.total_seconds()).c_str(),
                format_duration(work.largest_task_seconds()).c_str());
    print_fixed_parts(plan, io, directory);
    print_wall_times(plan, io, *ranks);
    return 0;
  };
}

const CommandRegistrar registrar("plan", setup_plan);

}  // namespace
}  // namespace ropesweep::cli
