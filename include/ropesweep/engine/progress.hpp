#pragma once
// Progress of a run, reported by rank 0 on stderr: points done / total, rate and
// ETA. On a terminal one line is rewritten in place; otherwise (batch logs) a
// plain line is printed every `interval` seconds.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "ropesweep/core/format.hpp"

namespace ropesweep {

struct ProgressSnapshot {
  std::uint64_t done = 0;   // points done, including those of earlier runs
  std::uint64_t total = 0;  // points in the sweep
  double elapsed = 0;       // seconds of this run
  double rate = 0;          // points per second in this run
  double eta = -1;          // seconds; negative when unknown
};
std::string format_progress(const ProgressSnapshot& snapshot);

class Progress {
 public:
  // `predicted_seconds`: the cost model's total for the points this run has to do.
  Progress(std::uint64_t total, std::uint64_t already_done, double predicted_seconds,
           std::FILE* stream, bool terminal, double interval);
  // `points` counts a batch of a point of B batches as 1/B.
  void add(double points, double predicted_seconds);
  void maybe_print();  // prints when due
  void finish(const std::string& closing);

 private:
  ProgressSnapshot snapshot() const;
  void print(bool final_line);

  using Clock = std::chrono::steady_clock;
  std::uint64_t total_, already_done_;
  double done_ = 0;
  double predicted_total_, predicted_done_ = 0;
  std::FILE* stream_;
  bool terminal_;
  double interval_;
  Clock::time_point start_ = Clock::now(), last_print_ = Clock::now();
  bool printed_ = false;
};

}  // namespace ropesweep
