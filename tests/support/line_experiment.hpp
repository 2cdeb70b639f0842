#pragma once
// A test experiment of the engine's unit tests: scaled = slope * x, exactly, so
// a result names the point it was computed for; x < 0 fails. The gate holds
// points back so a test can stop a run at a known moment, and the pace slows
// every point down.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/experiments/experiment.hpp"

namespace ropesweep::testing {

// A point with x >= held_from waits until release().
class Gate {
 public:
  void hold_from(double x) {
    std::lock_guard<std::mutex> lock(mutex_);
    held_from_ = x;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      held_from_ = std::numeric_limits<double>::infinity();
    }
    changed_.notify_all();
  }
  void pass(double x) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (x < held_from_) return;
    ++held_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return x < held_from_; });
    --held_;
  }
  // Waits until a point is held at the gate.
  void wait_for_a_held_point() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return held_ > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  double held_from_ = std::numeric_limits<double>::infinity();
  int held_ = 0;  // points waiting at the gate
};

inline Gate& gate() {
  static Gate the_gate;
  return the_gate;
}

inline std::atomic<int> g_pace_microseconds{0};  // time every point takes, at least

class LineExperiment : public Experiment {
 public:
  std::string name() const override { return "line"; }
  std::string description() const override { return "slope * x"; }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<MetricInfo>& metrics() const override { return metrics_; }
  // A point in one piece.
  BatchMoments compute_batch(const Parameters& point, std::uint64_t, std::uint64_t,
                             std::int64_t) const override {
    const double x = point.number("x");
    if (x < 0) throw Error("x must not be negative");
    gate().pass(x);
    std::this_thread::sleep_for(std::chrono::microseconds(g_pace_microseconds.load()));
    return values_as_numbers({{point.number("slope") * x, 0.0, 1.0}});
  }
  std::vector<MetricValue> reduce_batches(const Parameters&,
                                          const std::vector<BatchMoments>& batches) const override {
    return values_of_numbers(batches.at(0), metrics_.size());
  }
  double work(const Parameters&) const override { return 1; }

 private:
  std::vector<ParameterInfo> parameters_ = {
      {"x", ValueKind::kNumber, std::nullopt, {}, {}, "abscissa"},
      {"slope", ValueKind::kNumber, Value{1.0}, {}, {}, "slope"}};
  std::vector<MetricInfo> metrics_ = {{"scaled", false, "1", "slope * x"}};
};

inline const ExperimentRegistrar kLineRegistrar("line", [] {
  return std::unique_ptr<Experiment>(new LineExperiment);
});

}  // namespace ropesweep::testing
