#pragma once
// A write-ahead journal next to the results file (OUT.h5.journal/): every rank
// appends each batch of results there before writing it into the HDF5 file. If a
// kill ever leaves OUT.h5 unreadable, `run --resume` rebuilds the file from the
// spec and replays the journal, so nothing flushed is lost. The journal is
// removed when a run completes.
//
// A point computed in several batches (experiments/experiment.hpp) is journaled batch
// by batch as each is computed, so a kill loses at most the batches since the last
// flush and `--resume` computes only the batches the journal lacks.
//
// Records (little-endian, native doubles), each a 24-byte header then doubles:
//   a point:  u32 magic "RSW2", u32 experiment, u64 point, u32 metric count M,
//             u32 reserved, then M x (value, se, n, upper);
//   a batch:  u32 magic "RSB1", u32 experiment, u64 point, u32 number count N,
//             u32 batch, then the batch's N numbers.
// A record cut short by a kill is ignored.
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"

namespace ropesweep {

std::string journal_directory(const std::string& output_path);

struct JournalRecord {
  std::uint32_t experiment = 0;
  std::uint64_t point = 0;
  std::vector<MetricValue> values;  // a point's record
};

struct JournalBatch {
  std::uint32_t experiment = 0;
  std::uint64_t point = 0;
  std::int64_t batch = 0;
  BatchMoments numbers;
};

// Creates (or empties) the journal directory and stores the spec text in it.
void start_journal(const std::string& output_path, const std::string& spec_text);
// The spec text stored by start_journal; empty when there is no journal.
std::string journal_spec(const std::string& output_path);
// Every complete point record of every part file.
std::vector<JournalRecord> read_journal(const std::string& output_path);
// Every complete batch record of every part file.
std::vector<JournalBatch> read_journal_batches(const std::string& output_path);
void remove_journal(const std::string& output_path);

// One rank's part file, opened on first append (unique per process).
class JournalWriter {
 public:
  explicit JournalWriter(std::string output_path);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  // One write(2) per batch; throws IoError on failure.
  void append(std::uint32_t experiment, const std::vector<std::uint64_t>& points,
              const std::vector<MetricValue>& values, std::size_t metrics);
  // One write(2) for `batches`, each of `numbers` numbers (batch-major).
  void append_batches(std::uint32_t experiment, const std::vector<std::uint64_t>& points,
                      const std::vector<std::int64_t>& batches, const std::vector<double>& numbers);

 private:
  void write_all(const std::string& buffer);

  std::string output_path_;
  std::string part_path_;
  int fd_ = -1;
};

}  // namespace ropesweep
