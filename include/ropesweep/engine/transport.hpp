#pragma once
// How the dispatcher and the workers reach each other. A run uses MPI
// point-to-point messages on its communicator (MpiTransport); the protocol's
// unit tests put the ranks on threads of one process and pass messages in memory.
// Either way, messages between two ranks arrive in the order they were sent.
#include <optional>
#include <vector>

#include "ropesweep/engine/message.hpp"
#include "ropesweep/engine/mpi.hpp"

namespace ropesweep {

struct Envelope {
  int source = 0;  // the sending rank
  Message message;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Ranks taking part, rank 0 included.
  virtual int ranks() const = 0;
  virtual void send(int destination, const Message& message) = 0;
  // The next message to this rank if one has arrived; does not wait.
  virtual std::optional<Envelope> poll() = 0;
  // The next message to this rank, waiting for it.
  virtual Envelope receive() = 0;
};

// Sends that do not wait for the receiver and probed receives on `comm`, from the
// main thread only. A send must not wait: a worker sending its results and rank 0
// sending that worker a chunk of work at the same moment would otherwise wait for
// each other. The destructor waits until every message sent has been received.
class MpiTransport : public Transport {
 public:
  explicit MpiTransport(const Communicator& comm) : comm_(comm) {}
  ~MpiTransport() override;
  MpiTransport(const MpiTransport&) = delete;
  MpiTransport& operator=(const MpiTransport&) = delete;
  int ranks() const override { return comm_.size(); }
  void send(int destination, const Message& message) override;
  std::optional<Envelope> poll() override;
  Envelope receive() override;

 private:
  Envelope receive_probed(const MPI_Status& status);
  // Forgets the sends that have completed.
  void complete_sent();

  struct Pending {
    MPI_Request request;
    std::vector<std::uint64_t> words;  // the buffer MPI sends from until it completes
  };
  const Communicator& comm_;
  std::vector<Pending> pending_;
};

}  // namespace ropesweep
