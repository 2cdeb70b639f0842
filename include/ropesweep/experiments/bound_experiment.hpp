#pragma once
// Experiments defined by their declarations: a ParameterBinding that turns a grid
// point into a configuration, a MetricBinding that turns a result into the metrics'
// values, and a pure function from configuration to result -- for a whole point
// (BoundExperiment), or for one batch of its samples with a reduction of the batches
// (BatchedExperiment).
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/metric_binding.hpp"
#include "ropesweep/experiments/parameter_binding.hpp"

namespace ropesweep {

template <typename Config, typename Result>
class DeclaredExperiment : public Experiment {
 public:
  const std::vector<ParameterInfo>& parameters() const final { return parameters_.infos(); }
  const std::vector<MetricInfo>& metrics() const final { return metrics_.infos(); }

  Parameters effective_point(const Parameters& point) const final {
    return parameters_.with_presets(point);
  }

 protected:
  Config config_of(const Parameters& point) const { return parameters_.bind(point); }

  ParameterBinding<Config> parameters_;
  MetricBinding<Result> metrics_;
};

// A point computed in one piece: its one batch carries the metrics' values.
template <typename Config, typename Result>
class BoundExperiment : public DeclaredExperiment<Config, Result> {
 public:
  BatchMoments compute_batch(const Parameters& point, std::uint64_t seed,
                             std::uint64_t point_index, std::int64_t /*batch*/) const final {
    return values_as_numbers(this->metrics_.values(run(this->config_of(point), seed, point_index)));
  }
  std::vector<MetricValue> reduce_batches(const Parameters& /*point*/,
                                          const std::vector<BatchMoments>& batches) const final {
    if (batches.size() != 1) throw Error("a point of this experiment is one batch");
    return values_of_numbers(batches.front(), this->metrics().size());
  }

 protected:
  virtual Result run(const Config& config, std::uint64_t seed, std::uint64_t point_index) const = 0;
};

// A point computed in batches of its samples: `Moments` is what one batch contributes,
// a plain struct of doubles (it travels as its numbers).
template <typename Config, typename Result, typename Moments>
class BatchedExperiment : public DeclaredExperiment<Config, Result> {
  static_assert(std::is_trivially_copyable_v<Moments> && sizeof(Moments) % sizeof(double) == 0,
                "batch moments travel as doubles");
  static constexpr std::size_t kNumbers = sizeof(Moments) / sizeof(double);

 public:
  std::int64_t batch_count(const Parameters& point) const final {
    return batches(this->config_of(point));
  }
  BatchMoments compute_batch(const Parameters& point, std::uint64_t seed,
                             std::uint64_t point_index, std::int64_t batch) const final {
    const Moments moments = run_batch(this->config_of(point), seed, point_index, batch);
    BatchMoments numbers(kNumbers);
    std::memcpy(numbers.data(), static_cast<const void*>(&moments), sizeof moments);
    return numbers;
  }
  std::vector<MetricValue> reduce_batches(const Parameters& point,
                                          const std::vector<BatchMoments>& batches) const final {
    const Config config = this->config_of(point);
    if (std::int64_t(batches.size()) != this->batches(config)) {
      throw Error("the point has " + std::to_string(this->batches(config)) + " batches, not " +
                  std::to_string(batches.size()));
    }
    std::vector<Moments> moments(batches.size());
    for (std::size_t b = 0; b < batches.size(); ++b) {
      if (batches[b].size() != kNumbers) {
        throw Error("batch " + std::to_string(b) + " holds " + std::to_string(batches[b].size()) +
                    " numbers, not " + std::to_string(kNumbers));
      }
      std::memcpy(static_cast<void*>(&moments[b]), batches[b].data(), sizeof(Moments));
    }
    return this->metrics_.values(reduce(config, moments));
  }

 protected:
  virtual std::int64_t batches(const Config& config) const = 0;
  virtual Moments run_batch(const Config& config, std::uint64_t seed, std::uint64_t point_index,
                            std::int64_t batch) const = 0;
  virtual Result reduce(const Config& config, const std::vector<Moments>& batches) const = 0;
};

}  // namespace ropesweep
