#include "ropesweep/engine/scheduler.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {

std::vector<WorkItem> build_work_list(const Sweep& sweep, const CostModel& model,
                                      const std::vector<std::vector<std::uint8_t>>& done,
                                      const PartialPoints* computed) {
  const std::vector<std::uint64_t> offsets = experiment_offsets(sweep);
  auto by_cost = [](const WorkItem& a, const WorkItem& b) { return a.seconds > b.seconds; };
  // The points that go out together: a storage block of a grid of several blocks,
  // otherwise a single point. Each in id order, then ordered by its largest cost.
  struct Unit {
    double seconds = 0;  // its most expensive point's
    std::vector<WorkItem> items;
  };
  std::vector<Unit> units;
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    const ExperimentGrid& grid = sweep.experiments[e];
    const BlockLayout layout(grid.shape());
    const bool grouped = layout.block_count() > 1;
    Unit unit;
    for (std::uint64_t point = 0; point < grid.point_count(); ++point) {
      if (!done.empty() && done[e][point]) continue;
      const Parameters parameters = grid.point(point);
      const double seconds = model.seconds(grid, parameters);
      if (grouped && !unit.items.empty() &&
          layout.block_of(point) != layout.block_of(unit.items.front().id - offsets[e])) {
        units.push_back(std::move(unit));
        unit = {};
      }
      const std::int64_t batches = grid.experiment->batch_count(parameters);
      for (std::int64_t batch = 0; batch < batches; ++batch) {
        if (computed && computed->holds(e, point, batch)) continue;
        unit.items.push_back({offsets[e] + point, batch, seconds / double(batches)});
      }
      unit.seconds = std::max(unit.seconds, seconds);
      if (!grouped) {
        units.push_back(std::move(unit));
        unit = {};
      }
    }
    if (!unit.items.empty()) units.push_back(std::move(unit));
  }
  // A unit's order is by a point's cost, so a point's batches stay together in batch order.
  std::stable_sort(units.begin(), units.end(),
                   [](const Unit& a, const Unit& b) { return a.seconds > b.seconds; });
  std::vector<WorkItem> items;
  for (Unit& unit : units) {
    std::stable_sort(unit.items.begin(), unit.items.end(), by_cost);
    items.insert(items.end(), unit.items.begin(), unit.items.end());
  }
  return items;
}

GuidedScheduler::GuidedScheduler(std::vector<WorkItem> items, int ranks, ChunkPolicy policy)
    : items_(std::move(items)), ranks_(std::max(1, ranks)), policy_(policy) {
  for (const WorkItem& item : items_) remaining_seconds_ += item.seconds;
}

std::vector<WorkItem> GuidedScheduler::next_chunk() {
  std::vector<WorkItem> chunk;
  const double target =
      std::min(policy_.max_seconds, policy_.fraction * remaining_seconds_ / ranks_);
  double taken = 0;
  while (next_ < items_.size() && chunk.size() < policy_.max_points) {
    // Always at least one point; then fill up to the target without overshooting it.
    if (!chunk.empty() && taken + items_[next_].seconds > target) break;
    taken += items_[next_].seconds;
    chunk.push_back(items_[next_++]);
  }
  remaining_seconds_ = std::max(0.0, remaining_seconds_ - taken);
  if (next_ == items_.size()) remaining_seconds_ = 0;
  return chunk;
}

ScheduleSimulation simulate(const std::vector<WorkItem>& items, int ranks, ChunkPolicy policy,
                            double dispatch_seconds, double service_seconds) {
  ScheduleSimulation result;
  result.ranks = std::max(1, ranks);
  for (const WorkItem& item : items) result.total_seconds += item.seconds;
  GuidedScheduler scheduler(items, result.ranks, policy);
  // Ranks ordered by the time they next ask for work (ties: lowest rank first).
  using Entry = std::pair<double, int>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> free_at;
  for (int rank = 0; rank < result.ranks; ++rank) free_at.push({0.0, rank});
  // Rank 0's dispatcher answers one request at a time: at large rank counts with
  // short points, requests queue up behind it.
  double dispatcher_free = 0;
  while (scheduler.remaining_points() > 0) {
    auto [time, rank] = free_at.top();
    free_at.pop();
    const double served = std::max(time, dispatcher_free);
    const std::vector<WorkItem> chunk = scheduler.next_chunk();
    dispatcher_free = served + (service_seconds > 0 ? service_seconds + kDispatchSecondsPerPoint *
                                                                            double(chunk.size())
                                                    : 0);
    double busy = dispatch_seconds;
    for (const WorkItem& item : chunk) busy += item.seconds;
    ++result.chunks;
    result.makespan = std::max(result.makespan, served + busy);
    free_at.push({served + busy, rank});
  }
  result.efficiency =
      result.makespan > 0 ? result.total_seconds / (result.ranks * result.makespan) : 1.0;
  return result;
}

}  // namespace ropesweep
