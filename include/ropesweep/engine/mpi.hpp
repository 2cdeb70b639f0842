#pragma once
// MPI behind two small RAII classes: MpiSession initialises and finalises MPI
// once per process; Communicator holds an MPI_Comm so nothing deep in the code
// reaches for MPI_COMM_WORLD.
#include <mpi.h>

#include <string>

#include "ropesweep/core/error.hpp"

namespace ropesweep {

// Throws MpiError with MPI's own description when `status` is not MPI_SUCCESS.
void check_mpi(int status, const char* what);

class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

class Communicator {
 public:
  explicit Communicator(MPI_Comm comm = MPI_COMM_WORLD);
  MPI_Comm get() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  // Logical OR over all ranks (collective).
  bool any(bool value) const;
  // The least value over all ranks (collective).
  int minimum(int value) const;
  // Rank 0's string, on every rank (collective).
  std::string broadcast(const std::string& value) const;

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace ropesweep
