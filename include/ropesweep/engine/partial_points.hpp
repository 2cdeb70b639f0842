#pragma once
// Points computed in several batches (experiments/experiment.hpp) that do not have all
// their batches yet. Rank 0 keeps each batch as it arrives, from any rank or from the
// journal of an interrupted run, and reduces a point once it holds every batch: in batch
// order, so the results do not depend on which rank computed which batch, or when.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

class PartialPoints {
 public:
  // Keeps batch `batch` of the point; once the point holds all of them, forgets it and
  // returns its values. A batch it already holds is ignored (a journal may hold a batch
  // twice). Throws Error when the batch does not fit the point.
  std::optional<std::vector<MetricValue>> add(const Sweep& sweep, std::size_t experiment,
                                              std::uint64_t point, std::int64_t batch,
                                              BatchMoments numbers);
  bool holds(std::size_t experiment, std::uint64_t point, std::int64_t batch) const;
  // Drops every batch of the point.
  void forget(std::size_t experiment, std::uint64_t point) { points_.erase({experiment, point}); }
  // Points with some of their batches.
  std::size_t size() const { return points_.size(); }

 private:
  struct Point {
    std::vector<BatchMoments> batches;  // empty until computed
    std::int64_t held = 0;
  };
  std::map<std::pair<std::size_t, std::uint64_t>, Point> points_;
};

}  // namespace ropesweep
