#include "ropesweep/engine/compute_thread.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace ropesweep {

ComputeThread::ComputeThread(const Sweep& sweep)
    : sweep_(sweep), offsets_(experiment_offsets(sweep)), thread_([this] { loop(); }) {}

void ComputeThread::submit(const std::vector<WorkItem>& items) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.insert(queue_.end(), items.begin(), items.end());
  }
  work_ready_.notify_all();
}

std::size_t ComputeThread::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

bool ComputeThread::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.empty() && !busy_;
}

std::vector<Completed> ComputeThread::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Completed> out;
  out.swap(completed_);
  return out;
}

std::string ComputeThread::failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

void ComputeThread::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  result_ready_.wait_for(lock, timeout, [&] { return !completed_.empty() || !failure_.empty(); });
}

void ComputeThread::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.clear();
    quit_ = true;
  }
  work_ready_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ComputeThread::loop() {
  for (;;) {
    Completed result;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [&] { return quit_ || !queue_.empty(); });
      if (quit_) return;
      result.item = queue_.front();
      queue_.pop_front();
      busy_ = true;
    }
    result.experiment =
        std::size_t(std::upper_bound(offsets_.begin(), offsets_.end(), result.item.id) -
                    offsets_.begin()) -
        1;
    result.point = result.item.id - offsets_[result.experiment];
    const std::string trouble = compute(result);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      busy_ = false;
      if (trouble.empty()) {
        completed_.push_back(std::move(result));
      } else {
        failure_ = "experiment '" + sweep_.experiments[result.experiment].name + "' point " +
                   std::to_string(result.point) +
                   (result.whole() ? "" : " batch " + std::to_string(result.item.batch)) + ": " +
                   trouble;
        quit_ = true;
      }
    }
    result_ready_.notify_all();
    if (!trouble.empty()) return;
  }
}

std::string ComputeThread::compute(Completed& result) const {
  const ExperimentGrid& grid = sweep_.experiments[result.experiment];
  try {
    const Parameters point = grid.point(result.point);
    result.batches = grid.experiment->batch_count(point);
    result.batch =
        grid.experiment->compute_batch(point, sweep_.seed, result.point, result.item.batch);
    if (result.whole()) {
      // A point of one batch is reduced here, as Experiment::compute would, without
      // asking the experiment for its batch count again.
      result.values = grid.experiment->reduce_batches(point, {std::move(result.batch)});
      result.batch.clear();
    }
  } catch (const std::exception& error) {
    return error.what();
  }
  const std::size_t metrics = grid.experiment->metrics().size();
  if (result.whole() && result.values.size() != metrics) {
    return "returned " + std::to_string(result.values.size()) + " metrics instead of " +
           std::to_string(metrics);
  }
  return {};
}

}  // namespace ropesweep
