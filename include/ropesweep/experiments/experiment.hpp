#pragma once
// The interface every sweep experiment (pairwise, decay, bmin, probe) implements,
// and the registry that finds one by name. Experiments are pure: compute() depends
// only on its parameters, the sweep seed and the point index -- no MPI, no files.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ropesweep/core/estimate.hpp"
#include "ropesweep/experiments/parameters.hpp"

namespace ropesweep {

struct MetricInfo {
  std::string name;
  bool stochastic = true;  // stochastic metrics also get <name>_se and <name>_n datasets
  std::string units;       // "probability", "pairs", "tokens", "base", ...
  std::string description;
  // A rare event's probability (aliasing): also <name>_upper, the honest 95% upper
  // bound of Estimate::upper.
  bool rare = false;
};

// A metric's value at one point.
using MetricValue = Estimate;

// What one batch of a point contributes to its results: numbers only the experiment
// reads (e.g. the moments of its samples), which travel and are journaled as they are.
using BatchMoments = std::vector<double>;

// A parameter that one point's configuration does not read, and why.
struct UnreadParameter {
  std::string name;
  std::string reason;  // e.g. "encoding 'rope' does not take it; pi, ntk, yarn, ... do"
};

// The datasets of one metric: its value, and for stochastic metrics the standard
// error and sample count (and, for rare events, the upper bound), each with the
// Estimate field it stores.
struct MetricField {
  std::string name;
  std::string units;
  std::string description;
  double Estimate::*field;
};
std::vector<MetricField> metric_fields(const MetricInfo& metric);

class Experiment {
 public:
  virtual ~Experiment() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // Every parameter the experiment understands; anything else in a spec is an error.
  virtual const std::vector<ParameterInfo>& parameters() const = 0;
  virtual const std::vector<MetricInfo>& metrics() const = 0;
  // A problem that involves several parameters of one point (e.g. separation too
  // large for the length); empty string when the point is fine.
  virtual std::string check_point(const Parameters& /*point*/) const { return {}; }
  // The point as the experiment reads it: a preset (a model, docs/models.md) gives
  // its values to the parameters the point holds at their defaults. A preset
  // whose parameter the point does not hold yet (an axis) is left out.
  virtual Parameters effective_point(const Parameters& point) const { return point; }
  // The parameters this point does not read (an encoding's own parameter under
  // another encoding). A spec that sets one away from its default when no point of
  // the grid reads it is rejected, since the value would be silently ignored.
  virtual std::vector<UnreadParameter> unread_parameters(const Parameters& /*point*/) const {
    return {};
  }
  // Results for one grid point, in the order of metrics(): every batch of the point
  // computed and reduced in batch order, as a run does across ranks.
  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t seed,
                                   std::uint64_t point_index) const;

  // Batches: a stochastic experiment splits a point's samples into batches, chosen from
  // the point alone (never from the rank count), so that one point can be spread over
  // ranks. Each batch draws from its own random streams, keyed by (seed, point, batch
  // and what the numbers are for); reducing the batches in batch order gives the same
  // bits whoever computed them, in whatever order. A point of one batch is computed in
  // one piece.
  virtual std::int64_t batch_count(const Parameters& /*point*/) const { return 1; }
  virtual BatchMoments compute_batch(const Parameters& point, std::uint64_t seed,
                                     std::uint64_t point_index, std::int64_t batch) const = 0;
  // The point's results, in the order of metrics(), from all its batches in batch order;
  // throws Error when a batch's numbers do not fit the point.
  virtual std::vector<MetricValue> reduce_batches(const Parameters& point,
                                                  const std::vector<BatchMoments>& batches) const = 0;
  // Relative cost of one point in abstract work units (flop-like); the cost model
  // turns it into seconds with a calibration measured at run time.
  virtual double work(const Parameters& point) const = 0;
  // The parameters work() and batch_count() read (presets included: a `model` that sets
  // them counts): points that agree on these cost the same, so a huge grid is priced once
  // per combination of its cost axes. Empty: every parameter may matter.
  virtual std::vector<std::string> cost_parameters() const { return {}; }
};

// A whole point's values as the numbers of its one batch (value, se, n, upper per metric),
// and back; values_of_numbers throws Error when the count does not fit `metrics`.
BatchMoments values_as_numbers(const std::vector<MetricValue>& values);
std::vector<MetricValue> values_of_numbers(const BatchMoments& numbers, std::size_t metrics);

using ExperimentFactory = std::unique_ptr<Experiment> (*)();

// Registration happens from each experiment's source file through a static
// ExperimentRegistrar, so adding an experiment touches no central list.
struct ExperimentRegistrar {
  ExperimentRegistrar(const char* name, ExperimentFactory factory);
};

// A step that completes a whole results file once every point is written (e.g.
// the base trade-off frontier): run after a run of the whole sweep and after a
// merge, never on a shard (a slice of the grid). Experiments register the steps
// they need, so the engine names none of them. `name` is also the command that
// redoes the step by hand (`ropesweep frontier`).
using FinishingStep = void (*)(const std::string& results_path);
struct FinishingStepRegistrar {
  FinishingStepRegistrar(const char* name, FinishingStep step);
};
// Runs every registered step on the file, in name order. A step that fails
// throws IoError naming the step and the command that retries it.
void run_finishing_steps(const std::string& results_path);

// Throws Error naming the known experiments when `name` is not one of them.
const Experiment& experiment_by_name(const std::string& name);
bool is_experiment(const std::string& name);
std::vector<std::string> experiment_names();

}  // namespace ropesweep
