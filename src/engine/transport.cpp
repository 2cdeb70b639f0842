#include "ropesweep/engine/transport.hpp"

#include <cstdint>
#include <vector>

namespace ropesweep {

MpiTransport::~MpiTransport() {
  // Every message of the protocol is received before the ranks leave it.
  for (Pending& pending : pending_) MPI_Wait(&pending.request, MPI_STATUS_IGNORE);
}

void MpiTransport::send(int destination, const Message& message) {
  complete_sent();
  Pending pending{MPI_REQUEST_NULL, encode(message)};
  check_mpi(MPI_Isend(pending.words.data(), int(pending.words.size()), MPI_UINT64_T, destination,
                      int(message.kind), comm_.get(), &pending.request),
            "MPI_Isend");
  pending_.push_back(std::move(pending));
}

void MpiTransport::complete_sent() {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    int complete = 0;
    check_mpi(MPI_Test(&pending_[i].request, &complete, MPI_STATUS_IGNORE), "MPI_Test");
    if (complete) continue;
    if (kept != i) pending_[kept] = std::move(pending_[i]);
    ++kept;
  }
  pending_.resize(kept);
}

std::optional<Envelope> MpiTransport::poll() {
  complete_sent();
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
