#pragma once
// What `mpirun -np N ropesweep run SPEC -o OUT` spends from launch to exit besides
// computing, for `ropesweep plan`: the set-up on rank 0 before any point is computed,
// rank 0's writes of every result into the HDF5 file (and its own journal appends),
// and the steps after the last point (the final stamp, the journal's removal, the
// finishing steps such as the base trade-off frontier).
//
// The I/O is measured, not guessed: measure_io_costs() does it through the io layer on
// a temporary results file of the same sweep next to where the run will write, then
// removes the file. Only the launcher's start-up (mpirun, MPI_Init, MPI_Finalize) is
// a constant, measured once with Open MPI on one node (kLaunchSeconds).
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

// `mpirun -np 2` of a one-point sweep on the development machine (2 cores, Open MPI 4):
// 0.43 s, of which the sweep itself takes under 0.02 s.
inline constexpr double kLaunchSeconds = 0.4;

// Grids above this many points are not finished on the temporary file (the finishing
// steps read whole datasets); their finishing time is not predicted.
inline constexpr std::uint64_t kFinishMeasuredPoints = 2000000;

// Rank 0's I/O costs for one sweep, measured on this machine.
struct IoCosts {
  double create_seconds = 0;  // the file's skeleton and the journal started
  // Per experiment: one ResultWriter::write (its two flushes), and each point in it.
  std::vector<double> write_call_seconds, write_point_seconds;
  // One journal append, and each point in it.
  double journal_call_seconds = 0, journal_point_seconds = 0;
  // finish_output, remove_journal and, for a whole sweep, the finishing steps.
  double finish_seconds = 0;
  bool finish_measured = true;  // false above kFinishMeasuredPoints
};

// Serial. Creates a temporary results file of `sweep` in `directory`, writes a few
// points of every experiment into it and its journal, finishes it (run_finishing_steps
// when `whole`: not on a shard), and removes it. Throws IoError when the directory
// cannot take the file.
IoCosts measure_io_costs(const Sweep& sweep, const std::string& directory, bool whole);

// The run's flush policy, as RunOptions holds it.
struct FlushPolicy {
  double seconds = 30;
  std::uint64_t points = 1000;
};

// Rank 0's seconds writing the results of `work` (the run's work list) on `ranks`
// ranks that compute for `makespan` seconds: each rank hands its results on every
// `flush.points` tasks or `flush.seconds`, one write per experiment in a flush, each
// written by rank 0; rank 0 also journals its own share.
double predicted_write_seconds(const WorkList& work, const IoCosts& costs, int ranks,
                               double makespan, FlushPolicy flush = {});

// Launch to exit of one run, by part.
struct WallTime {
  double launch = 0;       // kLaunchSeconds
  double read_spec = 0;    // rank 0 reads and validates the spec
  double calibrate = 0;    // the cost model timed on this machine
  double work_list = 0;    // the WorkList's pricing
  double create_file = 0;  // the results file's skeleton and the journal
  double share_spec = 0;   // the other ranks parse the spec rank 0 sends them
  double compute = 0;      // simulate(): the makespan
  double writes = 0;       // predicted_write_seconds()
  double finish = 0;       // stamp, journal removed, finishing steps
  double set_up() const {
    return launch + read_spec + calibrate + work_list + create_file + share_spec;
  }
  double total() const { return set_up() + compute + writes + finish; }
};

}  // namespace ropesweep
