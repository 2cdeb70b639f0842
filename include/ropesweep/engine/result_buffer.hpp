#pragma once
// Where a rank's computed points go. ResultBuffer keeps them until a flush is
// due (every `flush_seconds` or `flush_points`), then appends them to the rank's
// journal and writes them into the shared results file: journal first, so
// whatever the HDF5 file holds, the journal holds too.
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/engine/compute_thread.hpp"
#include "ropesweep/io/journal.hpp"
#include "ropesweep/io/results_file.hpp"

namespace ropesweep {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void keep(Completed result) = 0;
  virtual void flush_if_due() = 0;
  virtual void flush() = 0;
};

class ResultBuffer : public ResultSink {
 public:
  // Opens the results file on every rank of `comm` (collective).
  ResultBuffer(const std::string& path, const Sweep& sweep, MPI_Comm comm, double flush_seconds,
               std::uint64_t flush_points);
  void keep(Completed result) override;
  void flush_if_due() override;
  void flush() override;
  // Closes the results file (collective); flush first.
  void close();

 private:
  using Clock = std::chrono::steady_clock;
  const Sweep& sweep_;
  const double flush_seconds_;
  const std::uint64_t flush_points_;
  ResultWriter writer_;
  JournalWriter journal_;
  std::vector<std::vector<std::uint64_t>> pending_points_;  // per experiment
  std::vector<std::vector<MetricValue>> pending_values_;    // per experiment, point-major
  std::uint64_t pending_count_ = 0;
  Clock::time_point last_flush_ = Clock::now();
};

}  // namespace ropesweep
