#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "ropesweep/engine/cost_model.hpp"
#include "ropesweep/engine/wall_time.hpp"
#include "ropesweep/experiments/parameter_checks.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "toy_experiment.hpp"

namespace ropesweep {
namespace {

// An experiment whose points cost a known time: 2 ms plus 1 ns per work unit, work
// being `length`. Calibration is handed that cost as its timer (KnownCost), so what
// it fits is checked exactly, whatever else runs on the machine.
constexpr double kSpinFixed = 2e-3, kSpinPerWork = 1e-9;

class SpinExperiment : public Experiment {
 public:
  SpinExperiment() {
    parameters_ = {integer_parameter("length", 1000, at_least(1), "units", "work units")};
    metrics_ = {{"cost", false, "s", "the point's known cost"}};
  }
  std::string name() const override { return "spin"; }
  std::string description() const override { return "costs a known time"; }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }
  BatchMoments compute_batch(const Parameters& point, std::uint64_t, std::uint64_t,
                             std::int64_t) const override {
    return values_as_numbers({Estimate::exact(kSpinFixed + kSpinPerWork * work(point))});
  }
  std::vector<MetricValue> reduce_batches(const Parameters&,
                                          const std::vector<BatchMoments>& batches) const override {
    return values_of_numbers(batches.at(0), metrics_.size());
  }
  double work(const Parameters& point) const override { return double(point.integer("length")); }

 private:
  std::vector<ParameterInfo> parameters_;
  std::vector<MetricInfo> metrics_;
};

// A timer that reports `seconds(work)` for every computation, and counts the calls and
// the seconds it reported. Every `preempt_every`-th call is reported 50 % longer, as a
// timing the system preempted.
struct KnownCost {
  std::function<double(double)> seconds;
  int preempt_every = 0;
  int calls = 0;
  double reported = 0;
  double largest_work = 0;
  ComputeTimer timer() {
    return [this](const Experiment& experiment, const Parameters& point) {
      ++calls;
      const double work = experiment.work(point);
      largest_work = std::max(largest_work, work);
      double t = seconds(work);
      if (preempt_every > 0 && calls % preempt_every == 0) t *= 1.5;
      reported += t;
      return t;
    };
  }
};

const ExperimentRegistrar kSpinRegistrar("spin", [] {
  return std::unique_ptr<Experiment>(new SpinExperiment);
});

Sweep parse(const std::string& text) {
  const SpecResult result = parse_sweep(text, "t.yaml");
  for (const SpecError& problem : result.problems) ADD_FAILURE() << problem.what();
  return result.sweep;
}

TEST(FitCost, RecoversALineThroughExactTimings) {
  std::vector<CostTiming> timings;
  for (double work : {1e5, 1e6, 3e6, 1e7}) timings.push_back({work, 0.002 + 3e-9 * work});
  const FittedCost fitted = fit_cost(timings);
  EXPECT_NEAR(fitted.fixed_seconds, 0.002, 1e-12);
  EXPECT_NEAR(fitted.seconds_per_work, 3e-9, 1e-18);
}

TEST(FitCost, KeepsTheMeanOfScatteredTimings) {
  // Least squares with an intercept: the fitted line's mean over the timings is theirs.
  const std::vector<CostTiming> timings = {{1e3, 1e-4}, {2e3, 5e-3}, {4e3, 1e-3}, {8e3, 2e-3}};
  const FittedCost fitted = fit_cost(timings);
  double predicted = 0, measured = 0;
  for (const CostTiming& timing : timings) {
    predicted += fitted.fixed_seconds + fitted.seconds_per_work * timing.work;
    measured += timing.seconds;
  }
  EXPECT_NEAR(predicted, measured, 1e-12);
}

TEST(FitCost, NeverGoesNegative) {
  // Time falling with work: all of it is a fixed cost, their mean.
  const FittedCost falling = fit_cost({{1e3, 3e-3}, {1e6, 1e-3}});
  EXPECT_DOUBLE_EQ(falling.fixed_seconds, 2e-3);
  EXPECT_EQ(falling.seconds_per_work, 0.0);
  // A line through the origin would need a negative fixed cost: all per work.
  const FittedCost steep = fit_cost({{1e3, 1e-6}, {1e6, 1e-2}});
  EXPECT_EQ(steep.fixed_seconds, 0.0);
  EXPECT_NEAR(steep.seconds_per_work, (1e3 * 1e-6 + 1e6 * 1e-2) / (1e6 + 1e12), 1e-20);
  // One work size: per work, their mean ratio.
  const FittedCost single = fit_cost({{5e3, 1e-3}, {5e3, 3e-3}});
  EXPECT_EQ(single.fixed_seconds, 0.0);
  EXPECT_DOUBLE_EQ(single.seconds_per_work, 2e-3 / 5e3);
  EXPECT_EQ(fit_cost({}).seconds_per_work, 0.0);
}

TEST(CalibrationChoice, TakesTheQuartilesOfWorkCheapestFirst) {
  // Works 0..8 in a shuffled order: quartiles 0, 2, 4, 6, 8.
  const std::vector<double> works = {4, 8, 0, 6, 1, 3, 2, 7, 5};
  EXPECT_EQ(calibration_choice(works), (std::vector<std::size_t>{2, 6, 0, 3, 1}));
  EXPECT_EQ(calibration_choice({7.0}), (std::vector<std::size_t>{0}));
  EXPECT_EQ(calibration_choice({3.0, 1.0}), (std::vector<std::size_t>{1, 0}));
  EXPECT_TRUE(calibration_choice({}).empty());
}

TEST(Calibrate, FindsAPointsFixedCostAndItsCostPerWork) {
  const Sweep sweep = parse(R"(seed: 1
experiments:
  spin:
    axes:
      length: {geomspace: [100000, 10000000, 9]}
)");
  // Every other timing preempted: the fastest of a point's repeats is its true cost.
  KnownCost cost{[](double work) { return kSpinFixed + kSpinPerWork * work; }, 2};
  const CostModel model = calibrate(sweep, 0.01, cost.timer());
  ASSERT_TRUE(model.calibrated);
  // A calibration on the cheapest point alone (2.1 ms for 10^5 work units) would put
  // 2.1e-8 s on each unit, 21 times the truth.
  EXPECT_NEAR(model.seconds_per_point_of("spin"), kSpinFixed, 1e-12);
  EXPECT_NEAR(model.seconds_per_work_of("spin"), kSpinPerWork, 1e-20);
  const ExperimentGrid& grid = sweep.experiments[0];
  EXPECT_NEAR(model.seconds(grid, grid.point(grid.point_count() - 1)),
              model.overhead_seconds + kSpinFixed + kSpinPerWork * 1e7, 1e-12);
}

TEST(Calibrate, TimesFewPointsOfAHundredMillion) {
  const Sweep sweep = parse(R"(seed: 1
max_points: 100000000
experiments:
  toy:
    axes:
      length: {range: [2, 10002, 1]}
      samples: {range: [1, 10001, 1]}
)");
  ASSERT_EQ(sweep.point_count(), 100000000u);
  KnownCost cost{[](double work) { return 1e-4 + 1e-8 * work; }};
  const CostModel model = calibrate(sweep, 0.03, cost.timer());
  // Five quantiles of work and random points, each until one timing reaches 0.03 s or
  // three repeats: well under a second of timings, however many points the grid has.
  EXPECT_LT(cost.reported, 1.0);
  EXPECT_LE(cost.calls, (5 + 32) * 64);
  EXPECT_NEAR(model.seconds_per_work_of("toy"), 1e-8, 1e-14);
}

TEST(Calibrate, AnchorsALongSweepOnAPointOfTheAnchorBudget) {
  // Work from 10^3 to 10^15 units; the cost per unit is 1e-9 s up to 10^7 units and
  // 1e-8 s beyond, as when a kernel falls out of cache: the cheap points alone would
  // under-predict the long ones ten times.
  const Sweep sweep = parse(R"(seed: 1
experiments:
  spin:
    axes:
      length: {geomspace: [1000, 1000000000000000, 13]}
)");
  const auto seconds = [](double work) {
    return work <= 1e7 ? 1e-9 * work : 1e-2 + 1e-8 * (work - 1e7);
  };
  KnownCost cost{seconds};
  const CostModel model = calibrate(sweep, 0.03, cost.timer());
  const ExperimentGrid& grid = sweep.experiments[0];
  // The cheap timings reach 10^7 units at most (0.01 s): their line, 1e-9 s a unit,
  // puts 10^9 units at 1 s, within the 4 s budget, and 10^10 at 10 s, beyond it. So the
  // anchor is the point of 10^9 units (9.9 s in truth), and nothing larger is timed.
  EXPECT_EQ(cost.largest_work, 1e9);
  for (std::uint64_t index = 7; index < grid.point_count(); ++index) {
    const Parameters point = grid.point(index);
    const double truth = seconds(double(point.integer("length")));
    EXPECT_NEAR(model.seconds(grid, point), truth, 0.1 * truth) << "point " << index;
  }
}

TEST(AnchorBudget, AShareOfTheKindAtMostFourSeconds) {
  EXPECT_DOUBLE_EQ(anchor_budget(100.0), 2.0);
  EXPECT_DOUBLE_EQ(anchor_budget(3.6e5), kMaxAnchorSeconds);
}

TEST(Calibrate, ShortSweepsNeedNoAnchor) {
  const Sweep sweep = parse(R"(seed: 1
experiments:
  spin:
    axes:
      length: {geomspace: [1000, 100000000, 6]}
)");
  // The whole sweep is predicted under a second: the anchor budget is below the cheap
  // timings' length, so nothing beyond them is timed.
  KnownCost cost{[](double work) { return 1e-9 * work; }};
  calibrate(sweep, 0.03, cost.timer());
  EXPECT_LT(anchor_budget(0.12), 0.03);
  EXPECT_LE(cost.largest_work, 1e7);
}

TEST(CostModel, SecondsAddTheFixedCostOfTheKind) {
  const Sweep sweep = parse(R"(seed: 1
experiments:
  spin:
    fixed: {length: 5000}
)");
  CostModel model;
  model.overhead_seconds = 1e-5;
  model.seconds_per_point["spin"] = 2e-3;
  model.seconds_per_work["spin"] = 1e-9;
  const ExperimentGrid& grid = sweep.experiments[0];
  EXPECT_DOUBLE_EQ(model.seconds(grid, grid.point(0)), 1e-5 + 2e-3 + 1e-9 * 5000);
  EXPECT_EQ(model.seconds_per_point_of("other"), 0.0);
}

TEST(WallTime, WritesCountOneWritePerFlushOfEachRank) {
  const Sweep sweep = parse(R"(seed: 1
experiments:
  spin:
    axes:
      length: {range: [1, 5001, 1]}
)");
  CostModel model;  // every point 1 ms
  model.overhead_seconds = 1e-3;
  model.seconds_per_work["spin"] = 0;
  const WorkList work(sweep, model);
  ASSERT_EQ(work.tasks(), 5000u);
  IoCosts costs;
  costs.write_call_seconds = {0.01};
  costs.write_point_seconds = {1e-5};
  costs.journal_call_seconds = 1e-3;
  costs.journal_point_seconds = 1e-6;
  // 2 ranks of 2500 tasks each, a flush every 1000: 3 flushes each, none by time
  // (each rank computes 2.5 s). Rank 0 writes 6 times and all 5000 points, and
  // journals its 3 flushes of 2500 points.
  const double expected = 6 * 0.01 + 5000 * 1e-5 + 3 * 1e-3 + 2500 * 1e-6;
  EXPECT_NEAR(predicted_write_seconds(work, costs, 2, 2.6, {30, 1000}), expected, 1e-12);
  // Flushing every second instead: floor(2.5) = 2 more flushes on each rank.
  const double by_time = 10 * 0.01 + 5000 * 1e-5 + 5 * 1e-3 + 2500 * 1e-6;
  EXPECT_NEAR(predicted_write_seconds(work, costs, 2, 2.6, {1, 1000}), by_time, 1e-12);
}

TEST(WallTime, IoIsTimedOnATemporaryFileThatIsRemoved) {
  const Sweep sweep = parse(R"(seed: 1
experiments:
  toy:
    axes:
      length: [8, 64, 512]
      samples: [10, 1000]
)");
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("cost_model_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const IoCosts costs = measure_io_costs(sweep, directory.string(), true);
  EXPECT_TRUE(std::filesystem::is_empty(directory));
  std::filesystem::remove(directory);
  EXPECT_GT(costs.create_seconds, 0.0);
  ASSERT_EQ(costs.write_call_seconds.size(), 1u);
  EXPECT_GT(costs.write_call_seconds[0], 0.0);
  EXPECT_GE(costs.write_point_seconds[0], 0.0);
  EXPECT_GT(costs.finish_seconds, 0.0);
  EXPECT_TRUE(costs.finish_measured);
  EXPECT_THROW(measure_io_costs(sweep, (directory / "missing").string(), true), IoError);
}

}  // namespace
}  // namespace ropesweep
