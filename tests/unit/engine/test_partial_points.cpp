#include "ropesweep/engine/partial_points.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "ropesweep/core/error.hpp"
#include "ropesweep/engine/compute_thread.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "tally_experiment.hpp"

namespace ropesweep {
namespace {

// Point p has x = p and p + 1 batches.
Sweep tally_sweep() {
  const SpecResult result = parse_sweep(R"(seed: 3
experiments:
  tally:
    axes:
      zip:
        x: [0, 1, 2, 3]
        batches: [1, 2, 3, 4]
)",
                                        "tally.yaml");
  for (const SpecError& problem : result.problems) ADD_FAILURE() << problem.what();
  return result.sweep;
}

TEST(PartialPoints, ReducesAPointOnceItHoldsEveryBatchInBatchOrder) {
  const Sweep sweep = tally_sweep();
  PartialPoints partial;
  // Point 3 (4 batches), arriving out of order, one of them twice.
  EXPECT_FALSE(partial.add(sweep, 0, 3, 2, {3.0}));
  EXPECT_FALSE(partial.add(sweep, 0, 3, 0, {1.0}));
  EXPECT_FALSE(partial.add(sweep, 0, 3, 0, {99.0}));  // held already: ignored
  EXPECT_TRUE(partial.holds(0, 3, 2));
  EXPECT_FALSE(partial.holds(0, 3, 1));
  EXPECT_FALSE(partial.add(sweep, 0, 3, 3, {4.0}));
  EXPECT_EQ(partial.size(), 1u);
  const auto values = partial.add(sweep, 0, 3, 1, {2.0});
  ASSERT_TRUE(values);
  EXPECT_EQ(values->at(0).value, 1020304.0);  // digits in batch order
  EXPECT_EQ(values->at(0).n, 4.0);
  EXPECT_EQ(partial.size(), 0u);
  EXPECT_FALSE(partial.holds(0, 3, 2));
  // The same as the experiment computing the point in one go.
  const ExperimentGrid& grid = sweep.experiments[0];
  EXPECT_EQ(grid.experiment->compute(grid.point(3), 3, 3).at(0).value, 1020304.0);
  // A point of one batch is complete at once.
  EXPECT_EQ(partial.add(sweep, 0, 0, 0, {1.0})->at(0).value, 1.0);
}

TEST(PartialPoints, RefusesABatchThePointDoesNotHave) {
  const Sweep sweep = tally_sweep();
  PartialPoints partial;
  EXPECT_THROW(partial.add(sweep, 0, 1, 2, {1.0}), Error);
  EXPECT_THROW(partial.add(sweep, 0, 1, -1, {1.0}), Error);
  EXPECT_THROW(partial.add(sweep, 0, 1, 0, {}), Error);
  EXPECT_EQ(partial.size(), 0u);
  EXPECT_FALSE(partial.add(sweep, 0, 2, 1, {2.0}));
  partial.forget(0, 2);
  EXPECT_EQ(partial.size(), 0u);
}

TEST(PartialPoints, TheWorkListHoldsEachMissingBatchOnceAtItsShareOfTheCost) {
  const Sweep sweep = tally_sweep();
  CostModel model;
  model.overhead_seconds = 0;
  model.seconds_per_work["tally"] = 1.0;
  PartialPoints computed;
  computed.add(sweep, 0, 3, 1, {2.0});
  computed.add(sweep, 0, 2, 0, {1.0});
  const std::vector<WorkItem> items = build_work_list(sweep, model, {}, &computed);
  std::set<std::pair<std::uint64_t, std::int64_t>> tasks;
  for (const WorkItem& item : items) {
    EXPECT_TRUE(tasks.insert({item.id, item.batch}).second) << "twice: " << item.id;
    EXPECT_DOUBLE_EQ(item.seconds, 1.0) << item.id;  // work = batches, shared among them
  }
  EXPECT_EQ(tasks.size(), 1u + 2u + 2u + 3u);
  ASSERT_EQ(items.size(), tasks.size());
  EXPECT_EQ(tasks.count({3, 1}), 0u);
  EXPECT_EQ(tasks.count({2, 0}), 0u);
  // Every task costs the same (1 s): points in id order, each point's batches together
  // and in batch order.
  const std::vector<std::pair<std::uint64_t, std::int64_t>> order = {
      {0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 0}, {3, 2}, {3, 3}};
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(std::make_pair(items[i].id, items[i].batch), order[i]) << i;
  }
}

TEST(PartialPoints, TheComputeThreadReturnsABatchOfAPointOfSeveral) {
  const Sweep sweep = tally_sweep();
  ComputeThread compute(sweep);
  compute.submit({{2, 1, 1.0}, {0, 0, 1.0}});
  std::vector<Completed> done;
  while (done.size() < 2) {
    compute.wait(std::chrono::milliseconds(50));
    for (Completed& result : compute.take()) done.push_back(std::move(result));
    ASSERT_EQ(compute.failure(), "");
  }
  EXPECT_FALSE(done[0].whole());
  EXPECT_EQ(done[0].batches, 3);
  EXPECT_EQ(done[0].batch, (BatchMoments{2.0}));
  EXPECT_TRUE(done[0].values.empty());
  EXPECT_TRUE(done[1].whole());
  EXPECT_EQ(done[1].values.at(0).value, 1.0);
}

}  // namespace
}  // namespace ropesweep
