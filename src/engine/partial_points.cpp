#include "ropesweep/engine/partial_points.hpp"

#include <string>

#include "ropesweep/core/error.hpp"

namespace ropesweep {

std::optional<std::vector<MetricValue>> PartialPoints::add(const Sweep& sweep,
                                                           std::size_t experiment,
                                                           std::uint64_t point, std::int64_t batch,
                                                           BatchMoments numbers) {
  const ExperimentGrid& grid = sweep.experiments.at(experiment);
  const Parameters parameters = grid.point(point);
  const std::int64_t count = grid.experiment->batch_count(parameters);
  if (batch < 0 || batch >= count || numbers.empty()) {
    throw Error("experiment '" + grid.name + "' point " + std::to_string(point) + ": batch " +
                std::to_string(batch) + " is not one of its " + std::to_string(count));
  }
  Point& partial = points_[{experiment, point}];
  partial.batches.resize(std::size_t(count));
  BatchMoments& slot = partial.batches[std::size_t(batch)];
  if (!slot.empty()) return std::nullopt;
  slot = std::move(numbers);
  if (++partial.held < count) return std::nullopt;
  std::vector<MetricValue> values = grid.experiment->reduce_batches(parameters, partial.batches);
  points_.erase({experiment, point});
  return values;
}

bool PartialPoints::holds(std::size_t experiment, std::uint64_t point, std::int64_t batch) const {
  const auto found = points_.find({experiment, point});
  return found != points_.end() && std::size_t(batch) < found->second.batches.size() &&
         !found->second.batches[std::size_t(batch)].empty();
}

}  // namespace ropesweep
