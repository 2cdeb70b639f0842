#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "line_experiment.hpp"
#include "ropesweep/engine/compute_thread.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

using testing::gate;

// Two experiments, 4 + 3 points; x runs from 0 in each.
Sweep two_lines(const char* first_axis = "{range: [0, 4, 1]}") {
  const SpecResult result = parse_sweep(std::string(R"(seed: 1
experiments:
  first:
    kind: line
    fixed: {slope: 3}
    axes:
      x: )") + first_axis + R"(
  second:
    kind: line
    fixed: {slope: 0.5}
    axes:
      x: {range: [0, 3, 1]}
)",
                                        "lines.yaml");
  for (const SpecError& problem : result.problems) ADD_FAILURE() << problem.what();
  return result.sweep;
}

// Everything computed once `compute` has nothing left to do.
std::vector<Completed> take_all(ComputeThread& compute) {
  while (!compute.idle()) compute.wait(std::chrono::milliseconds(1));
  return compute.take();
}

class ComputeThreadTest : public ::testing::Test {
 protected:
  void TearDown() override { gate().release(); }
};

TEST_F(ComputeThreadTest, ComputesEachPointOfItsExperimentInOrder) {
  const Sweep sweep = two_lines();
  ComputeThread compute(sweep);
  compute.submit({{6, 0, 0.5}, {1, 0, 2.0}, {4, 0, 1.0}});
  const std::vector<Completed> done = take_all(compute);
  ASSERT_EQ(done.size(), 3u);
  // id 6: second experiment, x = 2; id 1: first, x = 1; id 4: second, x = 0.
  const std::size_t experiments[] = {1, 0, 1};
  const std::uint64_t points[] = {2, 1, 0};
  const double values[] = {1.0, 3.0, 0.0};
  for (std::size_t i = 0; i < done.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(done[i].experiment, experiments[i]);
    EXPECT_EQ(done[i].point, points[i]);
    ASSERT_EQ(done[i].values.size(), 1u);
    EXPECT_EQ(done[i].values[0].value, values[i]);
  }
  EXPECT_EQ(done[1].item.seconds, 2.0);
  EXPECT_TRUE(compute.take().empty());
  EXPECT_TRUE(compute.failure().empty());
}

TEST_F(ComputeThreadTest, StopDropsQueuedPointsAndFinishesTheOneInProgress) {
  const Sweep sweep = two_lines();
  gate().hold_from(2);
  ComputeThread compute(sweep);
  compute.submit({{2, 0, 1.0}, {3, 0, 1.0}});
  gate().wait_for_a_held_point();  // point 2 computes, point 3 waits in the queue
  EXPECT_EQ(compute.queued(), 1u);
  EXPECT_FALSE(compute.idle());
  std::thread stopper([&] { compute.stop(); });
  while (compute.queued() > 0) std::this_thread::yield();
  gate().release();
  stopper.join();
  const std::vector<Completed> done = compute.take();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].item.id, 2u);
  EXPECT_EQ(done[0].values[0].value, 6.0);
}

TEST_F(ComputeThreadTest, AFailureNamesTheExperimentAndPointAndEndsComputing) {
  const Sweep sweep = two_lines("[1, -1, 5, 7]");
  ComputeThread compute(sweep);
  compute.submit({{0, 0, 1.0}, {1, 0, 1.0}, {2, 0, 1.0}});
  while (compute.failure().empty()) compute.wait(std::chrono::milliseconds(1));
  EXPECT_EQ(compute.failure(), "experiment 'first' point 1: x must not be negative");
  compute.stop();
  const std::vector<Completed> done = compute.take();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].item.id, 0u);
}

}  // namespace
}  // namespace ropesweep
