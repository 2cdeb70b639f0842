// The work list made as it is consumed: the same items as pricing every point alone, in
// the documented order, for huge grids without holding them.
#include "ropesweep/engine/work_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "ropesweep/core/error.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"
#include "tally_experiment.hpp"

namespace ropesweep {
namespace {

Sweep parse(const std::string& text) {
  const SpecResult result = parse_sweep(text, "work.yaml");
  for (const SpecError& problem : result.problems) ADD_FAILURE() << problem.what();
  return result.sweep;
}

// 3000 x 4 points of 1-4 batches: three storage blocks, the cost along the last axis.
const char* kTallyGrid = R"(seed: 1
experiments:
  tally:
    axes:
      x: {range: [0, 3000, 1]}
      batches: [1, 2, 4, 3]
)";

CostModel unit_model() {
  CostModel model;
  model.overhead_seconds = 0;
  model.seconds_per_work["tally"] = 1.0;
  return model;
}

TEST(WorkList, CostClassesPriceEveryPointAsItsOwnParametersDo) {
  const Sweep sweep = parse(kTallyGrid);
  const ExperimentGrid& grid = sweep.experiments[0];
  const BlockLayout layout(grid.shape());
  ASSERT_EQ(layout.block_count(), 3u);
  PointMasks done{std::vector<std::uint8_t>(grid.point_count(), 0)};
  done[0][5] = done[0][9000] = 1;
  WorkList work(sweep, unit_model(), done);
  EXPECT_EQ(work.totals()[0].points, grid.point_count() - 2);
  // x = 1, batches 2 and x = 2250, batches 1 are done; a point costs its batch count.
  EXPECT_EQ(work.tasks(), 3000u * 10u - 2u - 1u);
  EXPECT_DOUBLE_EQ(work.total_seconds(), 3000.0 * 10.0 - 2.0 - 1.0);
  EXPECT_DOUBLE_EQ(work.largest_task_seconds(), 1.0);
  const std::vector<WorkItem> items = work.take_all();
  ASSERT_EQ(items.size(), work.tasks());
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Parameters point = grid.point(items[i].id);
    EXPECT_EQ(items[i].seconds, 1.0);
    ASSERT_LT(items[i].batch, point.integer("batches"));
    // A point's batches together and in order.
    if (items[i].batch > 0) {
      ASSERT_EQ(items[i - 1].id, items[i].id);
      EXPECT_EQ(items[i - 1].batch, items[i].batch - 1);
    }
    EXPECT_NE(items[i].id, 5u);
    EXPECT_NE(items[i].id, 9000u);
    seen += items[i].batch == 0 ? 1 : 0;
  }
  EXPECT_EQ(seen, grid.point_count() - 2);
  EXPECT_FALSE(work.next());
}

TEST(WorkList, ReversedIsTheSameListBackwardsAndCopiesReplayIt) {
  const Sweep sweep = parse(kTallyGrid);
  WorkList forward(sweep, unit_model());
  WorkList copy = forward;  // a simulation's copy: same list, own position
  WorkList backward(sweep, unit_model());
  backward.reverse();
  std::vector<WorkItem> a = forward.take_all();
  const std::vector<WorkItem> b = backward.take_all();
  const std::vector<WorkItem> c = copy.take_all();
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), c.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, c[i].id);
    EXPECT_EQ(a[i].batch, c[i].batch);
  }
  std::reverse(a.begin(), a.end());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].batch, b[i].batch);
  }
}

TEST(WorkList, AnUndeclaredCostParameterIsFound) {
  const Sweep sweep = parse(R"(seed: 1
experiments:
  tally:
    axes:
      weight: {range: [1, 200, 1]}
)");
  EXPECT_THROW(WorkList(sweep, unit_model()), Error);
}

TEST(WorkList, AHugeGridIsPricedByClassesNotByPoints) {
  // 10^8 points whose cost varies along 4 of them: made and summed without a list.
  const Sweep sweep = parse(R"(seed: 1
max_points: 100000000
experiments:
  tally:
    axes:
      x: {range: [0, 10000, 1]}
      y: {range: [0, 2500, 1]}
      batches: [1, 2, 3, 4]
)");
  const WorkList work(sweep, unit_model());
  EXPECT_EQ(work.totals()[0].points, 100000000u);
  EXPECT_EQ(work.tasks(), 250000000u);
  EXPECT_DOUBLE_EQ(work.total_seconds(), 2.5e8);
}

}  // namespace
}  // namespace ropesweep
