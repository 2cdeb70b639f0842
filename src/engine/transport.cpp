#include "ropesweep/engine/transport.hpp"

#include <cstdint>
#include <vector>

namespace ropesweep {

void MpiTransport::send(int destination, const Message& message) {
  const std::vector<std::uint64_t> words = encode(message);
  check_mpi(MPI_Send(words.data(), int(words.size()), MPI_UINT64_T, destination, int(message.kind),
                     comm_.get()),
            "MPI_Send");
}

std::optional<Envelope> MpiTransport::poll() {
  MPI_Status status;
  int arrived = 0;
  check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_.get(), &arrived, &status), "MPI_Iprobe");
  if (!arrived) return std::nullopt;
  return receive_probed(status);
}

Envelope MpiTransport::receive() {
  MPI_Status status;
  check_mpi(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_.get(), &status), "MPI_Probe");
  return receive_probed(status);
}

Envelope MpiTransport::receive_probed(const MPI_Status& status) {
  int count = 0;
  check_mpi(MPI_Get_count(&status, MPI_UINT64_T, &count), "MPI_Get_count");
  std::vector<std::uint64_t> words(count);
  check_mpi(MPI_Recv(words.data(), count, MPI_UINT64_T, status.MPI_SOURCE, status.MPI_TAG,
                     comm_.get(), MPI_STATUS_IGNORE),
            "MPI_Recv");
  return {status.MPI_SOURCE, decode(status.MPI_TAG, words)};
}

}  // namespace ropesweep
