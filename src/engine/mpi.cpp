#include "ropesweep/engine/mpi.hpp"

#include <vector>

namespace ropesweep {

void check_mpi(int status, const char* what) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw MpiError(std::string(what) + " failed: " + std::string(text, length));
}

MpiSession::MpiSession(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    // FUNNELED: a run computes on worker threads, but only the main thread calls MPI.
    int provided = MPI_THREAD_SINGLE;
    check_mpi(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    if (provided < MPI_THREAD_FUNNELED) {
      throw MpiError("the MPI library does not support MPI_THREAD_FUNNELED");
    }
  }
  // Errors come back as codes so they can become exceptions with context.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

MpiSession::~MpiSession() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

Communicator::Communicator(MPI_Comm comm) : comm_(comm) {
  check_mpi(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check_mpi(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

bool Communicator::any(bool value) const {
  int local = value ? 1 : 0, global = 0;
  check_mpi(MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_LOR, comm_), "MPI_Allreduce");
  return global != 0;
}

int Communicator::minimum(int value) const {
  int global = value;
  check_mpi(MPI_Allreduce(&value, &global, 1, MPI_INT, MPI_MIN, comm_), "MPI_Allreduce");
  return global;
}

std::string Communicator::broadcast(const std::string& value) const {
  unsigned long long length = value.size();
  check_mpi(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, comm_), "MPI_Bcast");
  std::vector<char> buffer(value.begin(), value.end());
  buffer.resize(length);
  if (length > 0) {
    check_mpi(MPI_Bcast(buffer.data(), static_cast<int>(length), MPI_CHAR, 0, comm_), "MPI_Bcast");
  }
  return std::string(buffer.begin(), buffer.end());
}

}  // namespace ropesweep
