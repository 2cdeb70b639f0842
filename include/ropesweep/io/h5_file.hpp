#pragma once
// An HDF5 file, as its root group. Every use of the layer starts here, so this is
// where HDF5's printing of its error stack is switched off (once per process).
#include <string>

#include "ropesweep/io/h5_group.hpp"

namespace ropesweep::h5 {

enum class Access { kRead, kReadWrite };

class File : public Group {
 public:
  // A new file at `path`, replacing any. Errors name `shown_as` when given: the
  // path the user knows when the file is built under a temporary name.
  static File create(const std::string& path, const std::string& shown_as = {});
  // Read-write opens take no file lock, so that readers cannot make them fail.
  static File open(const std::string& path, Access access);
  // Read-write for a file that readers (`ropesweep info`, the analysis) look at
  // while it is written: its metadata reaches the file only when flushed.
  static File open_live(const std::string& path);
  // Whether `path` is an HDF5 file; false too when it cannot be read.
  static bool is_hdf5(const std::string& path);

  // Closes now and reports failure: a file's close is where its buffered writes
  // land. Objects still open keep a serial file open until they close too.
  void close();
  // Writes everything buffered (raw data and metadata) to the file.
  void flush() const;

 private:
  File(Handle handle, Location where) : Group(std::move(handle), std::move(where)) {}
};

}  // namespace ropesweep::h5
