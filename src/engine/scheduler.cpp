#include "ropesweep/engine/scheduler.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>


namespace ropesweep {

GuidedScheduler::GuidedScheduler(WorkList work, int ranks, ChunkPolicy policy)
    : work_(std::move(work)),
      total_(work_.tasks()),
      ranks_(std::max(1, ranks)),
      policy_(policy),
      remaining_seconds_(work_.total_seconds()) {}

std::vector<WorkItem> GuidedScheduler::next_chunk() {
  std::vector<WorkItem> chunk;
  const double target =
      std::min(policy_.max_seconds, policy_.fraction * remaining_seconds_ / ranks_);
  double taken = 0;
  while (chunk.size() < policy_.max_points) {
    const WorkItem* next = work_.peek();
    if (!next) break;
    // Always at least one task; then fill up to the target without overshooting it.
    if (!chunk.empty() && taken + next->seconds > target) break;
    taken += next->seconds;
    chunk.push_back(*work_.next());
  }
  handed_out_ += chunk.size();
  remaining_seconds_ = std::max(0.0, remaining_seconds_ - taken);
  if (handed_out_ == total_) remaining_seconds_ = 0;
  return chunk;
}

ScheduleSimulation simulate(WorkList work, int ranks, ChunkPolicy policy, double dispatch_seconds,
                            double service_seconds) {
  ScheduleSimulation result;
  result.ranks = std::max(1, ranks);
  result.total_seconds = work.total_seconds();
  GuidedScheduler scheduler(std::move(work), result.ranks, policy);
  // Ranks ordered by the time they next ask for work (ties: lowest rank first).
  using Entry = std::pair<double, int>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> free_at;
  for (int rank = 0; rank < result.ranks; ++rank) free_at.push({0.0, rank});
  // Rank 0's dispatcher answers one request at a time: at large rank counts with
  // short points, requests queue up behind it.
  double dispatcher_free = 0;
  while (scheduler.remaining_tasks() > 0) {
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
