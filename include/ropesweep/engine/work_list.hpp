#pragma once
// The work of a run in the order it is handed out, made as it is consumed: a 10^8-point
// grid is never a list of 10^8 items on rank 0.
//
// Each point gives one item (task) per batch it still needs (experiments/experiment.hpp),
// in batch order, each predicted to cost its share of the point. The order: grids of
// several storage blocks block by block (sweep/storage_blocks.hpp), their points in index
// order; grids of one block point by point; all of these units by their largest task,
// largest first across the sweep (equal costs keep id order, so the order is the same on
// every run). Largest task, not largest point: a point of 280 one-second batches must not
// go before a point that is one ten-minute task, or that task ends the run late.
//
// Costs come from cost classes: the points of a grid that agree on the dimensions holding
// the experiment's cost parameters (Experiment::cost_parameters) cost the same and have
// as many batches, so each class is priced once. A sample of points spread over the grid
// is priced in full to check the declaration.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/engine/partial_points.hpp"
#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

// A task: one batch of a point (batch 0 of a point of one batch is the whole point).
// Consecutive batches of one point in a chunk make a task of several batches.
struct WorkItem {
  std::uint64_t id = 0;    // global point id: experiment offset + point index
  std::int64_t batch = 0;  // of the point
  double seconds = 0;      // predicted
};

// Per experiment: one byte per point, 1 = done (or outside the run's shard).
using PointMasks = std::vector<std::vector<std::uint8_t>>;

class WorkList {
 public:
  // The batches of the points with done[e][point] == 0 (every point when `done` is
  // empty) that `computed` does not hold.
  WorkList(const Sweep& sweep, const CostModel& model, PointMasks done = {},
           PartialPoints computed = {});
  // Exactly these items, in this order.
  explicit WorkList(std::vector<WorkItem> items);
  WorkList() : WorkList(std::vector<WorkItem>{}) {}

  // The next item, without taking it; nothing once every item is taken.
  const WorkItem* peek();
  std::optional<WorkItem> next();
  // Hands the items out in the opposite order (cheapest first) from now on; call before
  // taking any.
  void reverse();

  std::uint64_t tasks() const;      // items in all, taken or not
  double total_seconds() const;     // their predicted seconds
  double largest_task_seconds() const;
  struct Totals {
    std::uint64_t points = 0, tasks = 0;
    double seconds = 0;
  };
  const std::vector<Totals>& totals() const;  // per experiment of the sweep

  // Every item not yet taken, in order (tests and small sweeps).
  std::vector<WorkItem> take_all();

 private:
  struct Plan;
  bool fill();  // makes the next unit's items; false when there are no more units

  std::shared_ptr<const Plan> plan_;  // shared by copies: simulations replay the same list
  std::size_t unit_ = 0;              // next unit to make
  std::vector<WorkItem> buffer_;      // the current unit's items
  std::size_t taken_ = 0;             // of buffer_
  bool reversed_ = false;
};

// The whole list at once: WorkList(...).take_all().
std::vector<WorkItem> build_work_list(const Sweep& sweep, const CostModel& model,
                                      const PointMasks& done = {},
                                      const PartialPoints* computed = nullptr);

}  // namespace ropesweep
