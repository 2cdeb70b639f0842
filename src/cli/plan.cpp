// `ropesweep plan SPEC --ranks 1,64,4096`: predicted cost and makespan, without running the sweep.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "ropesweep/cli/cli.hpp"
#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/engine/progress.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/shard.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep::cli {
namespace {

// A batch time limit for a predicted makespan: a quarter more for the
// prediction's error plus five minutes for start-up, calibration and the final
// flush, rounded up to whole minutes, as D-HH:MM:SS.
std::string slurm_time_limit(double makespan_seconds) {
  const double padded = 1.25 * makespan_seconds + 300;
  const long long minutes = static_cast<long long>(std::ceil(padded / 60));
  char text[48];
  std::snprintf(text, sizeof text, "%lld-%02lld:%02lld:00", minutes / 1440, minutes / 60 % 24,
                minutes % 60);
  return text;
}

CommandAction setup_plan(CLI::App& app) {
  auto* command = app.add_subcommand(
      "plan", "Predict core-hours, makespan and efficiency of a sweep on N ranks (runs nothing)");
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
                   "--time syntax, D-HH:MM:SS), the predicted makespan x 1.25 + 5 minutes")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "slurm-time"}));
  auto shard_text = std::make_shared<std::string>();
  command->add_option("--shard", *shard_text, "Plan only slice K of N (K/N), as `run --shard`");
  return [path, ranks, max_points, no_calibrate, format, shard_text] {
    const Shard shard = shard_text->empty() ? Shard{} : parse_shard(*shard_text);
    if (*format == "slurm-time" && ranks->size() != 1) {
      throw UsageError("--format slurm-time needs exactly one --ranks value");
    }
    SpecOptions options;
    if (*max_points) options.max_points = *max_points;
    const SpecResult result = read_sweep(*path, options);
    throw_if_invalid(result, *path);
    const Sweep& sweep = result.sweep;
    const CostModel model = *no_calibrate ? default_cost_model() : calibrate(sweep);
    const WorkList work = shard.whole()
                              ? WorkList(sweep, model)
                              : WorkList(sweep, model, done_or_outside(shard_masks(sweep, shard), {}));
    if (*format == "slurm-time") {
      std::printf("%s\n", slurm_time_limit(simulate(work, ranks->front()).makespan).c_str());
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
      std::printf("  %-16s %-10s %10llu points %10llu tasks  %10.4g core-hours  (%.3g s/work unit)\n",
                  grid.name.c_str(), grid.kind.c_str(),
                  static_cast<unsigned long long>(totals.points),
                  static_cast<unsigned long long>(totals.tasks), totals.seconds / 3600,
                  model.seconds_per_work_of(grid.kind));
    }
    std::printf("cost model: %s\n",
                model.calibrated ? "calibrated on this machine" : "uncalibrated");
    std::printf("estimated total: %.4g core-hours (%s on one core); largest task %s\n",
                work.total_seconds() / 3600, format_duration(work.total_seconds()).c_str(),
                format_duration(work.largest_task_seconds()).c_str());
    std::printf("%8s  %12s  %10s  %8s\n", "ranks", "makespan", "efficiency", "chunks");
    for (int n : *ranks) {
      const ScheduleSimulation sim = simulate(work, n);
      std::printf("%8d  %12s  %9.1f%%  %8llu\n", n, format_duration(sim.makespan).c_str(),
                  100 * sim.efficiency, static_cast<unsigned long long>(sim.chunks));
    }
    return 0;
  };
}

const CommandRegistrar registrar("plan", setup_plan);

}  // namespace
}  // namespace ropesweep::cli
