#pragma once
// A write-ahead journal next to the results file (OUT.h5.journal/): every rank
// appends each batch of results there before writing it into the HDF5 file. If a
// kill ever leaves OUT.h5 unreadable, `run --resume` rebuilds the file from the
// spec and replays the journal, so nothing flushed is lost. The journal is
// removed when a run completes.
//
// Record (little-endian, native doubles): u32 magic, u32 experiment, u64 point,
// u32 metric count M, u32 reserved, then M x (value, se, n). A record cut short
// by a kill is ignored.
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/experiments/experiment.hpp"

namespace ropesweep {

std::string journal_directory(const std::string& output_path);

struct JournalRecord {
  std::uint32_t experiment = 0;
  std::uint64_t point = 0;
  std::vector<MetricValue> values;
};

// Creates (or empties) the journal directory and stores the spec text in it.
void start_journal(const std::string& output_path, const std::string& spec_text);
// The spec text stored by start_journal; empty when there is no journal.
std::string journal_spec(const std::string& output_path);
// Every complete record of every part file.
std::vector<JournalRecord> read_journal(const std::string& output_path);
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

 private:
  std::string output_path_;
  std::string part_path_;
  int fd_ = -1;
};

}  // namespace ropesweep
