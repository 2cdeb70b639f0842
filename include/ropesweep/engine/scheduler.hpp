#pragma once
// Work distribution: every grid point still to do, ordered largest-first by the
// cost model (in a grid of several storage blocks, block by block, largest block
// first, so that the results file grows with the work done: sweep/storage_blocks.hpp), handed out
// in guided chunks (each chunk a fixed fraction of the remaining predicted work, shrinking as the
// sweep drains, never below one point), so long points start early and the tail is fine-grained.
// simulate() replays the same policy with predicted costs for `ropesweep plan`.
#include <cstdint>
#include <vector>

#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/engine/partial_points.hpp"
#include "ropesweep/sweep/grid.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {

// A task: one batch of a point (experiments/experiment.hpp; batch 0 of a point of one
// batch is the whole point). Consecutive batches of one point in a chunk make a task of
// several batches.
struct WorkItem {
  std::uint64_t id = 0;    // global point id: experiment offset + point index
  std::int64_t batch = 0;  // of the point
  double seconds = 0;      // predicted
};

// The batches of the points with done[e][point] == 0 (all points when `done` is empty)
// that `computed` does not hold yet, largest point first: grids of one block point by
// point, grids of several blocks block by block (the block with the most expensive point
// first, each block largest first); equal costs keep id order, and a point's batches
// batch order, so the list is the same on every run. A batch is predicted to cost its
// share of the point.
std::vector<WorkItem> build_work_list(const Sweep& sweep, const CostModel& model,
                                      const std::vector<std::vector<std::uint8_t>>& done = {},
                                      const PartialPoints* computed = nullptr);

struct ChunkPolicy {
  double fraction = 0.5;  // chunk = fraction * remaining work / ranks
  // Bounds message size and lost work on a failure; one storage block, so that a
  // chunk of work touches one or two blocks of the file.
  std::uint64_t max_points = kBlockPoints;
  double max_seconds = 600;  // bounds how long a rank holds predicted work
};

class GuidedScheduler {
 public:
  GuidedScheduler(std::vector<WorkItem> items, int ranks, ChunkPolicy policy = {});
  // Ids of the next chunk; empty when everything has been handed out.
  std::vector<WorkItem> next_chunk();
  std::uint64_t remaining_points() const { return items_.size() - next_; }
  double remaining_seconds() const { return remaining_seconds_; }
  std::uint64_t total_points() const { return items_.size(); }

 private:
  std::vector<WorkItem> items_;
  std::size_t next_ = 0;
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
ScheduleSimulation simulate(const std::vector<WorkItem>& items, int ranks, ChunkPolicy policy = {},
                            double dispatch_seconds = 50e-6,
                            double service_seconds = kDispatchServiceSeconds);

}  // namespace ropesweep
