#include "ropesweep/engine/cost_model.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "ropesweep/core/format.hpp"

namespace ropesweep {

namespace {

double value_of(const std::map<std::string, double>& values, const std::string& kind,
                double absent) {
  const auto found = values.find(kind);
  return found == values.end() ? absent : found->second;
}

std::string json_map(const std::map<std::string, double>& values) {
  std::string out = "{";
  bool first = true;
  for (const auto& [kind, value] : values) {
    out += (first ? "\"" : ", \"") + kind + "\": " + format_number(value);
    first = false;
  }
  return out + "}";
}

}  // namespace

double CostModel::seconds_per_point_of(const std::string& kind) const {
  return value_of(seconds_per_point, kind, 0.0);
}

double CostModel::seconds_per_work_of(const std::string& kind) const {
  return value_of(seconds_per_work, kind, kDefaultSecondsPerWork);
}

double CostModel::seconds(const ExperimentGrid& grid, const Parameters& point) const {
  return overhead_seconds + seconds_per_point_of(grid.kind) +
         seconds_per_work_of(grid.kind) * std::max(0.0, grid.experiment->work(point));
}

std::string CostModel::to_json() const {
  std::string out =
      "{\"formula\": \"overhead_seconds + seconds_per_point[kind] + seconds_per_work[kind] * "
      "work(point)\", ";
  out += "\"calibrated\": " + std::string(calibrated ? "true" : "false") + ", ";
  out += "\"overhead_seconds\": " + format_number(overhead_seconds);
  out += ", \"seconds_per_point\": " + json_map(seconds_per_point);
  out += ", \"seconds_per_work\": " + json_map(seconds_per_work);
  return out + "}";
}

CostModel default_cost_model() { return CostModel{}; }

FittedCost fit_cost(const std::vector<CostTiming>& timings) {
  // Ordinary least squares of fixed + per_work * w against t: absolute errors, so the
  // line passes through the mean of the timings and a sample's total is kept.
  double count = 0, w = 0, t = 0, ww = 0, wt = 0;
  for (const CostTiming& timing : timings) {
    if (!(timing.seconds >= 0) || !(timing.work > 0)) continue;
    count += 1;
    w += timing.work;
    t += timing.seconds;
    ww += timing.work * timing.work;
    wt += timing.work * timing.seconds;
  }
  if (count == 0) return {};
  const double spread = ww - w * w / count;  // count * variance of the work
  // Timings of (nearly) one work size cannot separate the two terms: all per work.
  if (spread > 1e-9 * ww) {
    const double per_work = (wt - w * t / count) / spread;
    const double fixed = (t - per_work * w) / count;
    if (fixed >= 0 && per_work >= 0) return {fixed, per_work};
    if (per_work < 0) return {t / count, 0};  // time does not grow with work
  }
  return {0, wt / ww};
}

std::vector<std::size_t> calibration_choice(const std::vector<double>& works) {
  if (works.empty()) return {};
  std::vector<std::size_t> order(works.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&works](std::size_t a, std::size_t b) { return works[a] < works[b]; });
  std::vector<std::size_t> chosen;
  for (int quarter = 0; quarter <= 4; ++quarter) {
    const std::size_t rank = (order.size() - 1) * std::size_t(quarter) / 4;
    const std::size_t index = order[rank];
    if (chosen.empty() || chosen.back() != index) chosen.push_back(index);
  }
  return chosen;
}

double time_compute(const Experiment& experiment, const Parameters& point) {
  const auto start = std::chrono::steady_clock::now();
  // Calibration draws from a seed and point index no sweep point uses for results.
  experiment.compute(point, 0x5eedca11b4a7e000ull, std::numeric_limits<std::uint64_t>::max());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

namespace {

bool has_parameter(const Experiment& experiment, const std::string& name) {
  for (const ParameterInfo& info : experiment.parameters()) {
    if (info.name == name) return true;
  }
  return false;
}

// Points timed at random per kind, after the quantiles of work, while the kind has
// spent less than 2 * min_seconds on them.
constexpr int kRandomPoints = 32;

// A point of some grid of one kind, standing for `stride` points of its grid.
struct Candidate {
  const ExperimentGrid* grid = nullptr;
  std::uint64_t index = 0;
  double stride = 1;
};

// One point's timing and what calibration spent on it (all its repeats).
struct PointTiming {
  CostTiming timing;
  double spent = 0;
};

// The sample count calibration first times a point at: at most 16 (a point's cost is
// linear in its samples, and the fit is per work unit), the point's own when smaller.
std::int64_t first_samples(const Experiment& experiment, const Parameters& point) {
  return has_parameter(experiment, "samples") ? std::min<std::int64_t>(point.integer("samples"), 16)
                                              : 0;
}

Parameters with_samples(Parameters point, std::int64_t samples) {
  if (samples > 0) point.set("samples", double(samples));
  return point;
}

// Times `point` (its samples cut down when the experiment has them) until one timing
// takes `min_seconds` or 64 repeats: the work and seconds of one computation. Nothing
// when even the smallest version is predicted to take more than `limit_seconds`.
bool time_point(const Experiment& experiment, const Parameters& full_point,
                const FittedCost* so_far, double min_seconds, double limit_seconds,
                const ComputeTimer& timer, PointTiming& out) {
  const bool scalable = has_parameter(experiment, "samples");
  const std::int64_t full_samples = scalable ? full_point.integer("samples") : 0;
  std::int64_t samples = first_samples(experiment, full_point);
  Parameters point = with_samples(full_point, samples);
  if (so_far) {
    if (so_far->seconds(experiment.work(point)) > limit_seconds && scalable && samples > 1) {
      samples = 1;
      point = with_samples(full_point, samples);
    }
    if (so_far->seconds(experiment.work(point)) > limit_seconds) return false;
  }
  double elapsed = 0;
  std::vector<double> repeats;
  out.spent = 0;
  for (;;) {
    repeats.push_back(timer(experiment, point));
    elapsed += repeats.back();
    out.spent += repeats.back();
    // At least three repeats, unless one already lasted many times the timing's length:
    // a timing the system preempted must not set the slope that the most expensive points
    // are extrapolated with, but a long timing is preempted by a small fraction at most.
    if (elapsed >= min_seconds) {
      if (repeats.size() >= 3 || elapsed >= 10 * min_seconds) break;
    } else if (repeats.size() >= 64) {
      break;
    } else if (scalable && samples < full_samples) {
      // Grow the sample count geometrically; repeat whole points once it is at full size.
      samples = std::min(full_samples, samples * 4);
      point = with_samples(full_point, samples);
      elapsed = 0;
      repeats.clear();
    }
  }
  // The fastest repeat: the system preempting the process only ever adds time, and on a
  // busy machine it may preempt most repeats.
  out.timing = {std::max(experiment.work(point), 1e-300),
                *std::min_element(repeats.begin(), repeats.end())};
  return true;
}

// The candidate of most work (its samples cut as time_point first cuts them) that `fitted`
// predicts within `budget` seconds, and that work; none when no candidate fits.
std::pair<const Candidate*, double> anchor_point(const std::vector<Candidate>& list,
                                                 const FittedCost& fitted, double budget) {
  const Candidate* anchor = nullptr;
  double anchor_work = 0;
  for (const Candidate& candidate : list) {
    const Experiment& experiment = *candidate.grid->experiment;
    const Parameters point = candidate.grid->point(candidate.index);
    const double work = experiment.work(with_samples(point, first_samples(experiment, point)));
    if (work > anchor_work && fitted.seconds(work) <= budget) {
      anchor = &candidate;
      anchor_work = work;
    }
  }
  return {anchor, anchor_work};
}

}  // namespace

double anchor_budget(double predicted_kind_seconds) {
  return std::min(kMaxAnchorSeconds, kAnchorShare * predicted_kind_seconds);
}

CostModel calibrate(const Sweep& sweep, double min_seconds, const ComputeTimer& timer) {
  CostModel model;
  model.calibrated = true;
  // A sample of each kind's points: calibration must stay quick even for huge sweeps.
  std::map<std::string, std::vector<Candidate>> candidates;
  std::map<std::string, std::vector<double>> works;
  for (const ExperimentGrid& grid : sweep.experiments) {
    const std::uint64_t stride = std::max<std::uint64_t>(1, grid.point_count() / 100000);
    for (std::uint64_t index = 0; index < grid.point_count(); index += stride) {
      candidates[grid.kind].push_back({&grid, index, double(stride)});
      works[grid.kind].push_back(grid.experiment->work(grid.point(index)));
    }
  }
  for (const auto& [kind, list] : candidates) {
    std::vector<CostTiming> timings;
    FittedCost fitted;
    for (const std::size_t chosen : calibration_choice(works[kind])) {
      const Candidate& candidate = list[chosen];
      PointTiming timed;
      if (!time_point(*candidate.grid->experiment, candidate.grid->point(candidate.index),
                      timings.empty() ? nullptr : &fitted, min_seconds, 2 * min_seconds, timer,
                      timed)) {
        break;  // the rest cost more still
      }
      timings.push_back(timed.timing);
      fitted = fit_cost(timings);
    }
    // Points drawn at random, while they are cheap: what work() does not see (the cost
    // of a decay point grows with its base, not its length) averages out in the fit.
    std::mt19937_64 draw(0x5eedca11b4a7e001ull);
    double spent = 0;
    for (int extra = 0; extra < kRandomPoints && spent <= 2 * min_seconds; ++extra) {
      const Candidate& candidate = list[draw() % list.size()];
      PointTiming timed;
      if (time_point(*candidate.grid->experiment, candidate.grid->point(candidate.index), &fitted,
                     min_seconds / 16, min_seconds / 2, timer, timed)) {
        timings.push_back(timed.timing);
      }
      spent += timed.spent;
    }
    fitted = fit_cost(timings);
    // The anchor: in a sweep whose points are long, the cheap points above are thousands
    // of times shorter than the ones that set the total and the makespan, and whatever
    // work() misses about how the cost of a kind's parts scales (projections against
    // attention, draws against products) is multiplied by as much. So the most expensive
    // point that fits the anchor budget (its samples cut down) is timed too, and the line
    // refitted; least squares lets the longest timing steer the slope.
    double kind_seconds = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      kind_seconds += list[i].stride * fitted.seconds(works[kind][i]);
    }
    // A short sweep needs no anchor: its cheap points are representative.
    const double budget = anchor_budget(kind_seconds);
    if (budget > 2 * min_seconds) {
      double largest_timed = 0;
      for (const CostTiming& timing : timings) largest_timed = std::max(largest_timed, timing.work);
      const auto [anchor, anchor_work] = anchor_point(list, fitted, budget);
      PointTiming timed;
      if (anchor && anchor_work > kAnchorSpread * largest_timed &&
          time_point(*anchor->grid->experiment, anchor->grid->point(anchor->index), &fitted,
                     budget / 16, 2 * budget, timer, timed)) {
        timings.push_back(timed.timing);
        fitted = fit_cost(timings);
      }
    }
    model.seconds_per_point[kind] = fitted.fixed_seconds;
    model.seconds_per_work[kind] = fitted.seconds_per_work;
  }
  return model;
}

}  // namespace ropesweep
