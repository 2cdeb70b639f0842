#pragma once
// The results file (layout: docs/file-format.md). Rank 0 builds the skeleton
// serially -- attributes, one group per experiment, axes as dimension scales,
// every metric dataset and `done` mask chunked by storage blocks
// (sweep/storage_blocks.hpp) with NaN and 0 as fill values and no space for
// points yet -- and is the one process that writes results into it: the other
// ranks send theirs to rank 0 (engine/result_buffer.hpp). A chunk's space is
// allocated when its first point is written, so the file grows with the work
// done. (HDF5 1.10's MPI-IO driver allocates and fills every chunk of a dataset
// when a file is opened for writing, and chunks allocated by independent writes
// on several ranks lose data, so parallel writes would need the whole file up
// front.) Every write is flushed, numbers before `done`, so a killed run leaves a
// file whose `done` masks say what was written; the journal covers a kill during
// a flush. The writer takes no file lock, so `info` can read the file during a
// run (it sees the file as of the last flush).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/io/h5.hpp"
#include "ropesweep/sweep/grid.hpp"

namespace ropesweep {

inline constexpr const char* kFileFormat = "ropesweep/1";

// What the kernels that computed the results ran on: the vector instructions they
// used on this processor and the numerical libraries they are built on
// (physics/kernel_paths.hpp; the engine fills it, a merge takes its shards').
struct KernelRecord {
  std::string simd_path, eigen_version, sleef_version;
};

struct Provenance {
  std::string spec_path;
  std::string host;
  std::string start_time;  // UTC ISO 8601
  std::string cost_model;  // CostModel::to_json()
  int ranks = 1;
  KernelRecord kernels;
};

// Dataset names of one experiment's metrics, in write order: for each metric its
// value, then <name>_se and <name>_n when stochastic.
std::vector<std::string> metric_dataset_names(const Experiment& experiment);

// Size of the complete results file (every point written), from its layout (a
// slight overestimate): the space a run needs before it starts.
std::uint64_t complete_file_bytes(const Sweep& sweep);

// Serial. Writes the skeleton to a temporary file next to `path` and renames it
// into place, so `path` is never a half-built file.
void create_output(const std::string& path, const Sweep& sweep, const Provenance& provenance);

// The file was written for another sweep: resuming it would mix two computations.
class SweepMismatch : public IoError {
 public:
  using IoError::IoError;
};

// The file is HDF5 but was not written by ropesweep (no or another `format`).
class ForeignFile : public IoError {
 public:
  using IoError::IoError;
};

// Serial. The sweep the file at `path` was made for, from its stored spec
// (SweepMismatch when that spec no longer validates).
Sweep read_stored_sweep(const std::string& path);

// Serial. Checks that `path` is one of ours, written for the same sweep (same
// canonical form; SweepMismatch otherwise), and returns each experiment's
// `done` mask (row-major).
std::vector<std::vector<std::uint8_t>> read_done_masks(const std::string& path, const Sweep& sweep);

// Serial. The checks of read_done_masks without reading the masks.
void check_same_sweep(const std::string& path, const Sweep& sweep);

// Serial. Opens an existing results file after checking it is one of ours
// (IoError naming the path otherwise; ForeignFile for HDF5 files of others).
h5::File open_output(const std::string& path, h5::Access mode);

// Serial. Stamps end_time (empty while incomplete) and the rank count of the last run.
void finish_output(const std::string& path, const std::string& end_time, int ranks);

// Opens `path` (serially: one process writes a results file) to write results.
class ResultWriter {
 public:
  ResultWriter(const std::string& path, const Sweep& sweep);
  // Points of one experiment and their results, values laid out point-major
  // (values[i * metrics + m]). Metric datasets are written before `done`, and
  // the file is flushed, so a point marked done has its numbers on disk.
  void write(std::size_t experiment, const std::vector<std::uint64_t>& points,
             const std::vector<MetricValue>& values);
  void close();

 private:
  struct ExperimentDatasets {
    h5::Group group;
    // Every dataset of every metric, with the metric and the Estimate field it holds.
    struct Column {
      h5::Dataset dataset;
      std::size_t metric;
      double Estimate::*field;
    };
    std::vector<Column> columns;
    h5::Dataset done;
    std::size_t metrics = 0;
  };
  // HDF5 1.10 cannot close a file whose write failed for want of space (and
  // crashes trying), so a write that may need new blocks the file system cannot
  // hold is refused before HDF5 sees it: an IoError, the file intact.
  void require_room(std::size_t experiment, const std::vector<std::uint64_t>& points) const;

  std::string path_;
  const Sweep* sweep_;
  h5::File file_;
  std::vector<ExperimentDatasets> experiments_;
};

// How a file was made, from its root attributes; text the file lacks reads as
// empty, numbers as 0.
struct RunRecord {
  std::string version, git_commit, sweep_name, spec_path, host, start_time, end_time, cost_model;
  std::uint64_t seed = 0;
  int ranks = 0;
  KernelRecord kernels;
};

// Serial. IoError for files that are not ours.
RunRecord read_run_record(const std::string& path);

// One experiment group as stored, with how much of it is done.
struct StoredExperiment {
  std::string name, kind;
  std::vector<std::uint64_t> shape;
  std::vector<std::string> dimensions;  // each dimension's scale ("" when none)
  std::string coordinates;              // zip members along a dimension, space-separated
  std::vector<std::string> metrics;     // metric datasets, without their _se and _n companions
  std::uint64_t points = 0, done = 0;
};

struct OutputSummary {
  RunRecord run;
  std::vector<StoredExperiment> experiments;  // groups without `experiment` left out
};

// Serial; what `ropesweep info` shows. IoError for files that are not ours.
OutputSummary read_output_summary(const std::string& path);

}  // namespace ropesweep
