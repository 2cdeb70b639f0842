#include "ropesweep/engine/cost_model.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

#include "ropesweep/core/format.hpp"

namespace ropesweep {

double CostModel::seconds_per_work_of(const std::string& kind) const {
  const auto found = seconds_per_work.find(kind);
  return found == seconds_per_work.end() ? kDefaultSecondsPerWork : found->second;
}

double CostModel::seconds(const ExperimentGrid& grid, const Parameters& point) const {
  return overhead_seconds +
         seconds_per_work_of(grid.kind) * std::max(0.0, grid.experiment->work(point));
}

std::string CostModel::to_json() const {
  std::string out = "{\"formula\": \"overhead_seconds + seconds_per_work[kind] * work(point)\", ";
  out += "\"calibrated\": " + std::string(calibrated ? "true" : "false") + ", ";
  out += "\"overhead_seconds\": " + format_number(overhead_seconds) + ", \"seconds_per_work\": {";
  bool first = true;
  for (const auto& [kind, value] : seconds_per_work) {
    out += (first ? "\"" : ", \"") + kind + "\": " + format_number(value);
    first = false;
  }
  return out + "}}";
}

CostModel default_cost_model() { return CostModel{}; }

namespace {

double time_compute(const Experiment& experiment, const Parameters& point) {
  const auto start = std::chrono::steady_clock::now();
  // Calibration draws from a seed and point index no sweep point uses for results.
  experiment.compute(point, 0x5eedca11b4a7e000ull, std::numeric_limits<std::uint64_t>::max());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool has_parameter(const Experiment& experiment, const std::string& name) {
  for (const ParameterInfo& info : experiment.parameters()) {
    if (info.name == name) return true;
  }
  return false;
}

}  // namespace

CostModel calibrate(const Sweep& sweep, double min_seconds) {
  CostModel model;
  model.calibrated = true;
  // The cheapest point of each kind: calibration must stay quick even for huge sweeps.
  std::map<std::string, std::pair<double, Parameters>> cheapest;
  std::map<std::string, const Experiment*> experiments;
  for (const ExperimentGrid& grid : sweep.experiments) {
    experiments[grid.kind] = grid.experiment;
    const std::uint64_t stride = std::max<std::uint64_t>(1, grid.point_count() / 100000);
    for (std::uint64_t index = 0; index < grid.point_count(); index += stride) {
      Parameters point = grid.point(index);
      const double work = grid.experiment->work(point);
      auto found = cheapest.find(grid.kind);
      if (found == cheapest.end() || work < found->second.first) {
        cheapest[grid.kind] = {work, std::move(point)};
      }
    }
  }
  for (auto& [kind, entry] : cheapest) {
    const Experiment& experiment = *experiments[kind];
    Parameters point = entry.second;
    const bool scalable = has_parameter(experiment, "samples");
    const std::int64_t full_samples = scalable ? point.integer("samples") : 0;
    std::int64_t samples = scalable ? std::min<std::int64_t>(full_samples, 16) : 0;
    double elapsed = 0, work = 0;
    int repeats = 0;
    for (;;) {
      if (scalable) point.set("samples", double(samples));
      elapsed += time_compute(experiment, point);
      work += std::max(experiment.work(point), 1e-300);
      ++repeats;
      if (elapsed >= min_seconds || repeats >= 64) break;
      // Grow the sample count geometrically; repeat whole points once it is at full size.
      if (scalable && samples < full_samples) {
        samples = std::min(full_samples, samples * 4);
        elapsed = work = 0;
      }
    }
    model.seconds_per_work[kind] = elapsed / work;
  }
  return model;
}

}  // namespace ropesweep
