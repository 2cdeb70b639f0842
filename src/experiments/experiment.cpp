#include "ropesweep/experiments/experiment.hpp"

#include <map>

#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

struct Registry {
  std::map<std::string, ExperimentFactory> factories;
  std::map<std::string, std::unique_ptr<Experiment>> instances;
  std::map<std::string, FinishingStep> finishing_steps;
};

// Function-local static: safe to use from other translation units' static initialisers.
Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

ExperimentRegistrar::ExperimentRegistrar(const char* name, ExperimentFactory factory) {
  registry().factories[name] = factory;
}

std::vector<MetricField> metric_fields(const MetricInfo& metric) {
  std::vector<MetricField> fields{
      {metric.name, metric.units, metric.description, &Estimate::value}};
  if (metric.stochastic) {
    fields.push_back(
        {metric.name + "_se", metric.units, "standard error of " + metric.name, &Estimate::se});
    fields.push_back(
        {metric.name + "_n", "samples", "number of samples behind " + metric.name, &Estimate::n});
  }
  if (metric.rare) {
    fields.push_back({metric.name + "_upper", metric.units,
                      "95% upper bound of " + metric.name + ", honest at zero or few events",
                      &Estimate::upper});
  }
  return fields;
}

BatchMoments values_as_numbers(const std::vector<MetricValue>& values) {
  BatchMoments numbers;
  numbers.reserve(4 * values.size());
  for (const MetricValue& v : values) numbers.insert(numbers.end(), {v.value, v.se, v.n, v.upper});
  return numbers;
}

std::vector<MetricValue> values_of_numbers(const BatchMoments& numbers, std::size_t metrics) {
  if (numbers.size() != 4 * metrics) {
    throw Error("a point's values hold " + std::to_string(numbers.size()) + " numbers, not " +
                std::to_string(4 * metrics));
  }
  std::vector<MetricValue> values(metrics);
  for (std::size_t m = 0; m < metrics; ++m) {
    values[m] = {numbers[4 * m], numbers[4 * m + 1], numbers[4 * m + 2], numbers[4 * m + 3]};
  }
  return values;
}

std::vector<MetricValue> Experiment::compute(const Parameters& point, std::uint64_t seed,
                                             std::uint64_t point_index) const {
  std::vector<BatchMoments> batches;
  const std::int64_t count = batch_count(point);
  for (std::int64_t batch = 0; batch < count; ++batch) {
    batches.push_back(compute_batch(point, seed, point_index, batch));
  }
  return reduce_batches(point, batches);
}

FinishingStepRegistrar::FinishingStepRegistrar(const char* name, FinishingStep step) {
  registry().finishing_steps[name] = step;
}

void run_finishing_steps(const std::string& results_path) {
  for (const auto& [name, step] : registry().finishing_steps) {
    try {
      step(results_path);
    } catch (const Error& error) {
      throw IoError(results_path, "results are complete, but the " + name + " step failed (" +
                                      error.what() + "); retry with `ropesweep " + name + "`");
    }
  }
}

bool is_experiment(const std::string& name) { return registry().factories.count(name) != 0; }

std::vector<std::string> experiment_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry().factories) names.push_back(entry.first);
  return names;
}

const Experiment& experiment_by_name(const std::string& name) {
  Registry& r = registry();
  auto instance = r.instances.find(name);
  if (instance != r.instances.end()) return *instance->second;
  const auto factory = r.factories.find(name);
  if (factory == r.factories.end()) {
    std::string known;
    for (const auto& entry : r.factories) known += (known.empty() ? "" : ", ") + entry.first;
    throw Error("unknown experiment '" + name + "' (known: " + known + ")");
  }
  auto created = factory->second();
  const Experiment& ref = *created;
  r.instances.emplace(name, std::move(created));
  return ref;
}

}  // namespace ropesweep
