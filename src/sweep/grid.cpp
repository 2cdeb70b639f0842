#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

std::vector<std::uint64_t> ExperimentGrid::shape() const {
  std::vector<std::uint64_t> dims;
  dims.reserve(dimensions.size());
  for (const Dimension& dimension : dimensions) dims.push_back(dimension.size());
  return dims;
}

std::uint64_t ExperimentGrid::point_count() const {
  std::uint64_t count = 1;
  for (const Dimension& dimension : dimensions) count *= dimension.size();
  return count;
}

std::vector<std::uint64_t> ExperimentGrid::coordinates(std::uint64_t point_index) const {
  std::vector<std::uint64_t> coords(dimensions.size());
  for (std::size_t i = dimensions.size(); i-- > 0;) {
    const std::uint64_t size = dimensions[i].size();
    coords[i] = point_index % size;
    point_index /= size;
  }
  return coords;
}

std::uint64_t ExperimentGrid::point_index(const std::vector<std::uint64_t>& coords) const {
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < dimensions.size(); ++i) index = index * dimensions[i].size() + coords[i];
  return index;
}

Parameters ExperimentGrid::point(std::uint64_t point_index) const {
  Parameters params = fixed;
  const std::vector<std::uint64_t> coords = coordinates(point_index);
  for (std::size_t i = 0; i < dimensions.size(); ++i) {
    for (const Axis& axis : dimensions[i].axes) params.set(axis.name, axis.values[coords[i]]);
  }
  return params;
}

std::vector<std::string> ExperimentGrid::axis_names() const {
  std::vector<std::string> names;
  for (const Dimension& dimension : dimensions)
    for (const Axis& axis : dimension.axes) names.push_back(axis.name);
  return names;
}

std::uint64_t Sweep::point_count() const {
  std::uint64_t count = 0;
  for (const ExperimentGrid& experiment : experiments) count += experiment.point_count();
  return count;
}

std::vector<std::uint64_t> experiment_offsets(const Sweep& sweep) {
  std::vector<std::uint64_t> offsets{0};
  for (const ExperimentGrid& grid : sweep.experiments)
    offsets.push_back(offsets.back() + grid.point_count());
  return offsets;
}

}  // namespace ropesweep
