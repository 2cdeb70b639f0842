#pragma once
// An experiment defined by its declarations: a ParameterBinding that turns a grid
// point into a configuration, a pure function from configuration to result, and
// a MetricBinding that turns the result into the metrics' values.
#include <cstdint>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/metric_binding.hpp"
#include "ropesweep/experiments/parameter_binding.hpp"

namespace ropesweep {

template <typename Config, typename Result>
class BoundExperiment : public Experiment {
 public:
  const std::vector<ParameterInfo>& parameters() const final { return parameters_.infos(); }
  const std::vector<MetricInfo>& metrics() const final { return metrics_.infos(); }

  Parameters effective_point(const Parameters& point) const final {
    return parameters_.with_presets(point);
  }

  std::vector<MetricValue> compute(const Parameters& point, std::uint64_t seed,
                                   std::uint64_t point_index) const final {
    return metrics_.values(run(config_of(point), seed, point_index));
  }

 protected:
  Config config_of(const Parameters& point) const { return parameters_.bind(point); }
  virtual Result run(const Config& config, std::uint64_t seed, std::uint64_t point_index) const = 0;

  ParameterBinding<Config> parameters_;
  MetricBinding<Result> metrics_;
};

}  // namespace ropesweep
