#pragma once
// Work distribution: the tasks of a WorkList (engine/work_list.hpp: every batch still to
// do, largest point first, block by block in grids of several storage blocks so that the
// results file grows with the work done) handed out in guided chunks (each chunk a fixed
// fraction of the remaining predicted work, shrinking as the sweep drains, never below one
// task), so long points start early and the tail is fine-grained. simulate() replays the
// same policy with predicted costs for `ropesweep plan`.
#include <cstdint>
#include <utility>
#include <vector>

#include "ropesweep/engine/work_list.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {

struct ChunkPolicy {
  double fraction = 0.5;  // chunk = fraction * remaining work / ranks
  // Bounds message size and lost work on a failure; one storage block, so that a
  // chunk of work touches one or two blocks of the file.
  std::uint64_t max_points = kBlockPoints;
  double max_seconds = 600;  // bounds how long a rank holds predicted work
};

class GuidedScheduler {
 public:
  GuidedScheduler(WorkList work, int ranks, ChunkPolicy policy = {});
  GuidedScheduler(std::vector<WorkItem> items, int ranks, ChunkPolicy policy = {})
      : GuidedScheduler(WorkList(std::move(items)), ranks, policy) {}
  // The next chunk of tasks; empty when everything has been handed out.
  std::vector<WorkItem> next_chunk();
  std::uint64_t remaining_tasks() const { return total_ - handed_out_; }
  double remaining_seconds() const { return remaining_seconds_; }

 private:
  WorkList work_;
  std::uint64_t total_ = 0, handed_out_ = 0;
  int ranks_;
  ChunkPolicy policy_;
  double remaining_seconds_ = 0;
};

struct ScheduleSimulation {
  int ranks = 1;
  double total_seconds = 0;  // sum of predicted point costs
  double makespan = 0;       // predicted wall time
  double efficiency = 0;     // total_seconds / (ranks * makespan)
  std::uint64_t chunks = 0;
};

// Rank 0's time to answer one chunk request (receive, pick the chunk, send),
// plus a little per point in it.
inline constexpr double kDispatchServiceSeconds = 5e-6;
inline constexpr double kDispatchSecondsPerPoint = 2e-8;

// Replays GuidedScheduler on `ranks` identical ranks (rank 0 computes too): each
// request costs `dispatch_seconds` of round-trip latency and is served by rank
// 0's dispatcher one at a time (kDispatchServiceSeconds each).
ScheduleSimulation simulate(WorkList work, int ranks, ChunkPolicy policy = {},
                            double dispatch_seconds = 50e-6,
                            double service_seconds = kDispatchServiceSeconds);
inline ScheduleSimulation simulate(const std::vector<WorkItem>& items, int ranks,
                                   ChunkPolicy policy = {}, double dispatch_seconds = 50e-6,
                                   double service_seconds = kDispatchServiceSeconds) {
  return simulate(WorkList(items), ranks, policy, dispatch_seconds, service_seconds);
}

}  // namespace ropesweep
