#pragma once
// A rank computes its points on a thread of its own, so that its main thread
// stays free to answer messages and write results: the compute thread touches
// neither MPI nor HDF5, and the main thread alone makes those calls
// (MPI_THREAD_FUNNELED).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

// A computed task: a whole point, or one batch of a point of several batches.
struct Completed {
  WorkItem item;
  std::size_t experiment = 0;  // index into Sweep::experiments
  std::uint64_t point = 0;     // point index within that experiment
  std::int64_t batches = 1;    // of the point
  std::vector<MetricValue> values;  // a whole point
  BatchMoments batch;               // one batch (item.batch) of a point of several
  bool whole() const { return batches == 1; }
};

class ComputeThread {
 public:
  explicit ComputeThread(const Sweep& sweep);
  ~ComputeThread() { stop(); }
  ComputeThread(const ComputeThread&) = delete;
  ComputeThread& operator=(const ComputeThread&) = delete;

  void submit(const std::vector<WorkItem>& items);
  // Points submitted and not yet started.
  std::size_t queued() const;
  // Nothing queued and nothing computing.
  bool idle() const;
  // The points computed since the last call.
  std::vector<Completed> take();
  // Why computing stopped: "experiment 'NAME' point P: WHY"; empty while all is well.
  std::string failure() const;
  // Sleeps until a result or failure arrives, at most `timeout`.
  void wait(std::chrono::milliseconds timeout);
  // Drops the points not yet started, lets the current one finish, and joins.
  void stop();

 private:
  void loop();
  // Computes one point; returns the problem, or empty when it succeeded.
  std::string compute(Completed& result) const;

  const Sweep& sweep_;
  const std::vector<std::uint64_t> offsets_;  // experiment_offsets(sweep_)
  mutable std::mutex mutex_;
  std::condition_variable work_ready_, result_ready_;
  std::deque<WorkItem> queue_;
  std::vector<Completed> completed_;
  std::string failure_;
  bool busy_ = false, quit_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace ropesweep
