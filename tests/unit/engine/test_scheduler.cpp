#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"
#include "toy_experiment.hpp"

namespace ropesweep {
namespace {

Sweep toy_sweep() {
  const SpecResult result = parse_sweep(R"(seed: 3
experiments:
  toy:
    axes:
      length: [8, 64, 512]
      samples: [10, 1000]
  small:
    kind: toy
    fixed: {length: 16}
    axes:
      base: [100, 1000]
)",
                                        "t.yaml");
  EXPECT_TRUE(result.ok());
  return result.sweep;
}

std::vector<WorkItem> uniform_items(std::size_t count, double seconds) {
  std::vector<WorkItem> items(count);
  for (std::size_t i = 0; i < count; ++i) items[i] = {i, 0, seconds};
  return items;
}

TEST(CostModel, FormulaIsOverheadPlusCalibratedWork) {
  const Sweep sweep = toy_sweep();
  CostModel model;
  model.overhead_seconds = 0.5;
  model.seconds_per_work["toy"] = 1e-3;
  const ExperimentGrid& grid = sweep.experiments[0];
  const Parameters point = grid.point(grid.point_index({2, 1}));  // length 512, 1000 samples
  EXPECT_DOUBLE_EQ(model.seconds(grid, point), 0.5 + 1e-3 * 512 * 1000);
  EXPECT_EQ(model.seconds_per_work_of("other"), CostModel::kDefaultSecondsPerWork);
  EXPECT_EQ(model.to_json(),
            "{\"formula\": \"overhead_seconds + seconds_per_point[kind] + seconds_per_work[kind] "
            "* work(point)\", \"calibrated\": false, \"overhead_seconds\": 0.5, "
            "\"seconds_per_point\": {}, \"seconds_per_work\": {\"toy\": 0.001}}");
}

TEST(CostModel, CalibrationMeasuresEveryKind) {
  const CostModel model = calibrate(toy_sweep(), 0.002);
  EXPECT_TRUE(model.calibrated);
  ASSERT_EQ(model.seconds_per_work.count("toy"), 1u);
  const double per_work = model.seconds_per_work.at("toy");
  // One work unit of the toy experiment is one uniform draw: well under a microsecond.
  EXPECT_GT(per_work, 0.0);
  EXPECT_LT(per_work, 1e-6);
}

TEST(Scheduler, WorkListIsLargestFirstAndSkipsDonePoints) {
  const Sweep sweep = toy_sweep();
  CostModel model;
  model.seconds_per_work["toy"] = 1.0;
  model.overhead_seconds = 0;
  EXPECT_EQ(experiment_offsets(sweep), (std::vector<std::uint64_t>{0, 6, 8}));
  const std::vector<WorkItem> items = build_work_list(sweep, model);
  ASSERT_EQ(items.size(), 8u);
  // The toy experiment's work is samples * length; experiment "small": 100 * 16 each.
  EXPECT_EQ(items[0].id, 5u);  // length 512, samples 1000
  EXPECT_DOUBLE_EQ(items[0].seconds, 512000.0);
  for (std::size_t i = 1; i < items.size(); ++i) {
    EXPECT_GE(items[i - 1].seconds, items[i].seconds);
    if (items[i - 1].seconds == items[i].seconds) {
      EXPECT_LT(items[i - 1].id, items[i].id);
    }
  }
  std::vector<std::vector<std::uint8_t>> done = {{0, 0, 0, 0, 0, 1}, {1, 0}};
  const std::vector<WorkItem> rest = build_work_list(sweep, model, done);
  std::set<std::uint64_t> ids;
  for (const WorkItem& item : rest) ids.insert(item.id);
  EXPECT_EQ(ids, (std::set<std::uint64_t>{0, 1, 2, 3, 4, 7}));
}

TEST(Scheduler, LargeGridsGoOutBlockByBlock) {
  // 300 x 30 toy points: 136 rows of 30 to a block, 3 blocks (136, 136 and 28 rows).
  // Work is samples * length, so the last block holds the most expensive point.
  const SpecResult parsed = parse_sweep(R"(seed: 3
experiments:
  toy:
    axes:
      samples: {range: [1, 301, 1]}
      length: {range: [4, 34, 1]}
)",
                                        "t.yaml");
  for (const SpecError& problem : parsed.problems) ADD_FAILURE() << problem.what();
  ASSERT_TRUE(parsed.ok());
  const ExperimentGrid& grid = parsed.sweep.experiments[0];
  const BlockLayout layout(grid.shape());
  ASSERT_EQ(layout.block_count(), 3u);
  CostModel model;
  model.seconds_per_work["toy"] = 1.0;
  std::vector<std::vector<std::uint8_t>> done{std::vector<std::uint8_t>(grid.point_count(), 0)};
  done[0][layout.first_point(2)] = 1;  // skipped
  const std::vector<WorkItem> items = build_work_list(parsed.sweep, model, done);
  ASSERT_EQ(items.size(), grid.point_count() - 1);
  // Blocks 2, 1, 0 (by their most expensive point), each in point order.
  std::vector<std::uint64_t> blocks;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::uint64_t block = layout.block_of(items[i].id);
    if (blocks.empty() || blocks.back() != block) {
      blocks.push_back(block);
    } else {
      EXPECT_LT(items[i - 1].id, items[i].id) << i;
    }
    // Every point priced as the cost model prices it alone (its cost class is exact).
    EXPECT_EQ(items[i].seconds, model.seconds(grid, grid.point(items[i].id))) << i;
  }
  EXPECT_EQ(blocks, (std::vector<std::uint64_t>{2, 1, 0}));
  EXPECT_EQ(items.front().id, layout.first_point(2) + 1);  // its first point is done
}

TEST(Scheduler, GuidedChunksCoverEveryPointOnceAndShrink) {
  std::vector<WorkItem> items = uniform_items(1000, 1.0);
  GuidedScheduler scheduler(items, 4);
  std::vector<std::size_t> sizes;
  std::vector<int> seen(1000, 0);
  for (auto chunk = scheduler.next_chunk(); !chunk.empty(); chunk = scheduler.next_chunk()) {
    sizes.push_back(chunk.size());
    for (const WorkItem& item : chunk) ++seen[item.id];
  }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
  // First chunk: half of the remaining work split over four ranks.
  EXPECT_EQ(sizes.front(), 125u);
  EXPECT_EQ(sizes.back(), 1u);
  EXPECT_TRUE(std::is_sorted(sizes.rbegin(), sizes.rend()));
  EXPECT_EQ(scheduler.remaining_tasks(), 0u);
}

TEST(Scheduler, ChunkLimitsAndOversizedPoints) {
  std::vector<WorkItem> items = uniform_items(100, 1.0);
  items[0].seconds = 1000;  // one point bigger than any chunk target still goes out alone
  ChunkPolicy policy;
  policy.max_points = 7;
  GuidedScheduler scheduler(items, 2, policy);
  EXPECT_EQ(scheduler.next_chunk().size(), 1u);
  EXPECT_EQ(scheduler.next_chunk().size(), 7u);
}

TEST(Scheduler, SimulationOnOneRankIsSerialTime) {
  const std::vector<WorkItem> items = uniform_items(50, 2.0);
  const ScheduleSimulation one = simulate(items, 1, {}, 0.0, 0.0);
  EXPECT_DOUBLE_EQ(one.total_seconds, 100.0);
  EXPECT_DOUBLE_EQ(one.makespan, 100.0);
  EXPECT_DOUBLE_EQ(one.efficiency, 1.0);
  const ScheduleSimulation latency = simulate(items, 1, {}, 0.5, 0.0);
  EXPECT_DOUBLE_EQ(latency.makespan, 100.0 + 0.5 * latency.chunks);
}

TEST(Scheduler, SimulationRespectsLowerBoundsAndBalances) {
  std::vector<WorkItem> items;
  // Costs spread over three decades, like lengths on a geometric axis.
  for (std::uint64_t i = 0; i < 2000; ++i)
    items.push_back({i, 0, 0.01 * double(1 + (i * 7919) % 1000)});
  std::stable_sort(items.begin(), items.end(),
                   [](const WorkItem& a, const WorkItem& b) { return a.seconds > b.seconds; });
  for (int ranks : {2, 8, 64}) {
    const ScheduleSimulation sim = simulate(items, ranks, {}, 0.0, 0.0);
    EXPECT_GE(sim.makespan, sim.total_seconds / ranks - 1e-9);
    EXPECT_GE(sim.makespan, items.front().seconds);
    EXPECT_GT(sim.efficiency, 0.95) << ranks << " ranks";
    EXPECT_LE(sim.efficiency, 1.0 + 1e-12);
  }
  // More ranks than points: the longest point bounds the makespan.
  const ScheduleSimulation wide = simulate(uniform_items(10, 3.0), 100, {}, 0.0, 0.0);
  EXPECT_DOUBLE_EQ(wide.makespan, 3.0);
  EXPECT_NEAR(wide.efficiency, 0.1, 1e-12);
}

TEST(Scheduler, SimulationQueuesRequestsAtTheDispatcher) {
  // 100000 points of 1 ms on 10000 ranks: 100 s of work, 10 ms ideal makespan, but
  // every chunk request passes through rank 0 one at a time.
  const std::vector<WorkItem> items = uniform_items(100000, 1e-3);
  const ScheduleSimulation free = simulate(items, 10000, {}, 0.0, 0.0);
  const ScheduleSimulation queued = simulate(items, 10000, {}, 0.0, 1e-4);
  EXPECT_GE(queued.makespan, double(queued.chunks) * 1e-4 - 1e-9);
  EXPECT_LT(free.makespan, 0.0125);
  EXPECT_LT(queued.efficiency, 0.2 * free.efficiency);
}

}  // namespace
}  // namespace ropesweep
