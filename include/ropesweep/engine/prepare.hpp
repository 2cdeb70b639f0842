#pragma once
// What rank 0 does before a run computes anything: validate the spec, then make
// the results file ready. Nothing is written before the spec is known to be
// valid. A new run checks where the file goes and that it fits, then writes the
// skeleton and starts the journal; --resume reads which points the file holds,
// rebuilding it from the journal when it cannot be read, and takes the batches the
// journal holds of points the file lacks, so that only missing batches are computed.
#include <cstdint>
#include <vector>

#include "ropesweep/engine/partial_points.hpp"
#include "ropesweep/engine/run.hpp"
#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

struct Prepared {
  Sweep sweep;
  WorkList work;                   // the batches still to do, largest point first
  PartialPoints computed;          // batches of unfinished points, from the journal
  std::uint64_t total_points = 0;  // of the sweep, or of the shard
  std::uint64_t already_done = 0;
};

// Serial, on rank 0; `ranks` goes into the file's provenance.
Prepared prepare(const RunOptions& options, int ranks);

}  // namespace ropesweep
