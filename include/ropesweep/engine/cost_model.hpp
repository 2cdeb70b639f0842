#pragma once
// Predicted wall time of one grid point:
//
//   seconds(point) = overhead_seconds + seconds_per_work[kind] * Experiment::work(point)
//
// work() is each experiment's documented operation count (flop-like units);
// seconds_per_work is measured on the running machine by timing the cheapest
// point of each experiment kind with its sample count cut down (calibrate()).
// Predictions only order and size the work; results never depend on them.
#include <map>
#include <string>

#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

struct CostModel {
  // Per-point cost outside compute(): dispatch, bookkeeping, the buffered write.
  double overhead_seconds = 2e-5;
  // Seconds per work unit, by experiment kind. Uncalibrated kinds use kDefaultSecondsPerWork.
  std::map<std::string, double> seconds_per_work;
  bool calibrated = false;

  static constexpr double kDefaultSecondsPerWork = 1e-9;

  double seconds(const ExperimentGrid& grid, const Parameters& point) const;
  double seconds_per_work_of(const std::string& kind) const;
  // Parameters as one-line JSON; stored in every output file.
  std::string to_json() const;
};

// Uncalibrated model (1 ns per work unit): what `plan --no-calibrate` uses.
CostModel default_cost_model();

// Times compute() on the cheapest point of each experiment kind in the sweep,
// with `samples` (when the experiment has it) grown from small until one timing
// takes at least `min_seconds`, so calibration stays well under a second per kind.
CostModel calibrate(const Sweep& sweep, double min_seconds = 0.05);

}  // namespace ropesweep
