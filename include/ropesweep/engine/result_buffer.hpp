#pragma once
// Where a rank's computed points go. ResultBuffer keeps them until a flush is
// due (every `flush_seconds` or `flush_points` tasks), then appends them to the rank's
// journal and hands them on: rank 0 writes them into the results file, which it
// alone holds open (io/results_file.hpp), every other rank sends them to rank 0,
// which writes them as they arrive. Journal first, so whatever the HDF5 file
// holds, a journal holds too.
//
// Batches of points computed in several batches go the same way, and rank 0 reduces a
// point once it holds all its batches (engine/partial_points.hpp); the point's values
// are then journaled and written with rank 0's next flush.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ropesweep/engine/compute_thread.hpp"
#include "ropesweep/engine/message.hpp"
#include "ropesweep/engine/partial_points.hpp"
#include "ropesweep/io/journal.hpp"
#include "ropesweep/io/results_file.hpp"

namespace ropesweep {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void keep(Completed result) = 0;
  virtual void flush_if_due() = 0;
  virtual void flush() = 0;
  // Rank 0: results another rank sent.
  virtual void store(const ResultBatch& batch) = 0;
  virtual void store(const BatchSet& batches) = 0;
};

class ResultBuffer : public ResultSink {
 public:
  // Sends a kResults or kBatches message to rank 0.
  using Sender = std::function<void(Message)>;
  // Rank 0 (no `send_to_root`) opens the results file and reduces batches, starting from
  // those `computed` already holds; the others send to rank 0.
  ResultBuffer(const std::string& path, const Sweep& sweep, double flush_seconds,
               std::uint64_t flush_points, Sender send_to_root = nullptr,
               PartialPoints computed = {});
  void keep(Completed result) override;
  void flush_if_due() override;
  void flush() override;
  void store(const ResultBatch& batch) override;
  void store(const BatchSet& batches) override;
  // Closes the results file; flush first.
  void close();

 private:
  using Clock = std::chrono::steady_clock;
  const Sweep& sweep_;
  const double flush_seconds_;
  const std::uint64_t flush_points_;
  std::optional<ResultWriter> writer_;  // rank 0
  Sender send_to_root_;                 // the other ranks
  JournalWriter journal_;
  void add_point(std::size_t experiment, std::uint64_t point,
                 const std::vector<MetricValue>& values);
  // Rank 0: keeps the batches and queues the points they complete.
  void reduce(const BatchSet& batches);

  PartialPoints computed_;                                  // rank 0
  std::vector<std::vector<std::uint64_t>> pending_points_;  // per experiment
  std::vector<std::vector<MetricValue>> pending_values_;    // per experiment, point-major
  std::vector<BatchSet> pending_batches_;                   // per experiment
  std::uint64_t pending_count_ = 0;
  Clock::time_point last_flush_ = Clock::now();
};

}  // namespace ropesweep
