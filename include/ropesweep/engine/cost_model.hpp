#pragma once
// Predicted wall time of one grid point:
//
//   seconds(point) = overhead_seconds + seconds_per_point[kind]
//                    + seconds_per_work[kind] * Experiment::work(point)
//
// work() is each experiment's documented operation count (flop-like units). The
// two per-kind numbers are measured on the running machine (calibrate()): a few
// points spread over the kind's range of work and a few drawn at random are timed,
// the expensive ones with their sample count cut down, and a line is fitted through
// the timings. A
// point's fixed cost (tables, set-up of its kernels) shows up as
// seconds_per_point; a single timing on the cheapest point would charge it to
// every unit of work and over-predict the expensive points many times over.
// Predictions only order and size the work; results never depend on them.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

struct CostModel {
  // Per-point cost outside compute(): dispatch, bookkeeping, the buffered write.
  double overhead_seconds = 2e-5;
  // Seconds per point of a kind, whatever its work (fitted; absent: 0).
  std::map<std::string, double> seconds_per_point;
  // Seconds per work unit, by experiment kind. Uncalibrated kinds use kDefaultSecondsPerWork.
  std::map<std::string, double> seconds_per_work;
  bool calibrated = false;

  static constexpr double kDefaultSecondsPerWork = 1e-9;

  double seconds(const ExperimentGrid& grid, const Parameters& point) const;
  double seconds_per_point_of(const std::string& kind) const;
  double seconds_per_work_of(const std::string& kind) const;
  // Parameters as one-line JSON; stored in every output file.
  std::string to_json() const;
};

// Uncalibrated model (1 ns per work unit): what `plan --no-calibrate` uses.
CostModel default_cost_model();

// One timed computation: its work units and seconds.
struct CostTiming {
  double work = 0;
  double seconds = 0;
};

// The line seconds = fixed + per_work * work through timings, fitted by ordinary
// least squares (the line passes through the timings' mean, so the total of a
// random sample is kept), both terms >= 0: time that does not grow with work is all
// fixed, timings of one work size are all per work.
struct FittedCost {
  double fixed_seconds = 0;
  double seconds_per_work = 0;
  // The line's prediction for a computation of `work` units.
  double seconds(double work) const { return fixed_seconds + seconds_per_work * work; }
};
FittedCost fit_cost(const std::vector<CostTiming>& timings);

// The points calibrate() times for one kind: indices into `works` (the work of a
// sample of the kind's points) at the quantiles 0, 1/4, 1/2, 3/4 and 1 of work,
// cheapest first, each index once. Points of equal work are still distinct points
// (another length, another precision): timing several of them averages what work()
// does not tell apart.
std::vector<std::size_t> calibration_choice(const std::vector<double>& works);

// Seconds one computation of `point` takes: what calibrate() measures. time_compute
// runs Experiment::compute under a steady clock; tests pass a known cost instead.
using ComputeTimer = std::function<double(const Experiment&, const Parameters&)>;
double time_compute(const Experiment& experiment, const Parameters& point);

// The anchor timing of a kind (see calibrate) may take this share of the time the kind
// is predicted to need from its cheap points, at most kMaxAnchorSeconds: a sweep of
// minutes or more spends up to 2 % more on calibration, and one of core-hours a few
// seconds per kind.
inline constexpr double kAnchorShare = 0.02;
inline constexpr double kMaxAnchorSeconds = 4.0;
// Only a point of at least this many times the largest work timed so far is worth an
// anchor timing.
inline constexpr double kAnchorSpread = 4.0;
double anchor_budget(double predicted_kind_seconds);

// For each experiment kind of the sweep, times compute() on the points
// calibration_choice() picks from a strided sample of at most 10^5 points per grid,
// cheapest first, then on up to 32 points of that sample drawn at random while the
// kind has spent under 2 * min_seconds on them, and fits the kind's two numbers
// (fit_cost). A point's `samples` (when the experiment has it) is grown from small
// until one timing takes at least `min_seconds` (min_seconds / 16 for the random
// points), and a timing is the fastest of at least three repeats (one, when it alone
// lasts ten times that); a point predicted (from the timings so far) to take more than
// 2 * min_seconds (min_seconds / 2) even so is not timed. Last, when the kind's
// predicted total is long, the point of most work that anchor_budget() allows is timed
// and the line refitted through it. Calibration thus takes well under a second per kind
// for short sweeps and a few seconds for long ones, whatever the grid's size.
CostModel calibrate(const Sweep& sweep, double min_seconds = 0.03,
                    const ComputeTimer& timer = time_compute);

}  // namespace ropesweep
