#pragma once
// `ropesweep run`: validate the spec, prepare or reopen the results file
// (engine/prepare.hpp), then compute every point not yet done across all ranks
// of a communicator and finish the file.
//
// Rank 0 orders the work largest-first by the cost model and hands out guided
// chunks on request (engine/dispatch.hpp); every rank, rank 0 included, computes
// on a thread of its own (engine/compute_thread.hpp) while its main thread does
// all MPI and HDF5 calls (MPI_THREAD_FUNNELED) and hands its results on every
// `flush_seconds` or `flush_points`: rank 0 writes every rank's results into the
// file (engine/result_buffer.hpp). SIGTERM/SIGINT stop the run after flushing (exit
// code 75; engine/stop_signal.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include "ropesweep/core/error.hpp"
#include "ropesweep/engine/mpi.hpp"
#include "ropesweep/sweep/shard.hpp"

namespace ropesweep {

struct RunOptions {
  std::string spec_path;
  std::string output_path;
  bool resume = false;     // continue from the file's `done` masks
  bool overwrite = false;  // replace an existing file
  double flush_seconds = 30;
  std::uint64_t flush_points = 1000;
  std::optional<std::uint64_t> max_points;
  double progress_seconds = 10;  // interval of plain progress lines (not on a terminal)
  bool calibrate = true;
  bool quiet = false;  // no progress output
  Shard shard;         // the slice of the grid this run computes (default: all of it)
  // Hands the tasks out cheapest first instead of largest first: slower to finish, and
  // a check that results do not depend on the order (they must not).
  bool reversed_order = false;
};

// Collective over `comm`. Returns the exit code; errors found by rank 0 before
// any work (spec, file) are thrown on rank 0 and returned silently elsewhere.
ExitCode run_sweep(const Communicator& comm, const RunOptions& options);

}  // namespace ropesweep
