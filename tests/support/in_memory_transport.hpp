#pragma once
// The run's dispatcher/worker messages passed in memory between ranks that are
// threads of one process, so the protocol is tested without mpirun. Every
// message goes through its wire form (encode, then decode) as it would over MPI,
// and is logged for the tests to inspect.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "ropesweep/engine/transport.hpp"

namespace ropesweep::testing {

struct SentMessage {
  int source = 0;
  int destination = 0;
  Message message;
};

// The mailboxes of all ranks, one queue each, delivered in the order sent.
class Mailboxes {
 public:
  explicit Mailboxes(int ranks) : boxes_(std::size_t(ranks)) {}

  int ranks() const { return int(boxes_.size()); }

  void post(int source, int destination, const Message& message) {
    const Message delivered = decode(int(message.kind), encode(message));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      boxes_.at(std::size_t(destination)).push_back({source, delivered});
      log_.push_back({source, destination, delivered});
    }
    arrived_.notify_all();
  }

  std::optional<Envelope> take(int destination) {
    std::lock_guard<std::mutex> lock(mutex_);
    return pop(destination);
  }

  Envelope wait(int destination) {
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait(lock, [&] { return !boxes_[std::size_t(destination)].empty(); });
    return *pop(destination);
  }

  // As wait(), giving up after `timeout`.
  std::optional<Envelope> wait_for(int destination, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] { return !boxes_[std::size_t(destination)].empty(); });
    return pop(destination);
  }

  std::vector<SentMessage> log() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_;
  }

  std::size_t undelivered() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t count = 0;
    for (const auto& box : boxes_) count += box.size();
    return count;
  }

 private:
  std::optional<Envelope> pop(int destination) {
    auto& box = boxes_[std::size_t(destination)];
    if (box.empty()) return std::nullopt;
    Envelope envelope = box.front();
    box.pop_front();
    return envelope;
  }

  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::deque<Envelope>> boxes_;
  std::vector<SentMessage> log_;
};

// One rank's view of the mailboxes.
class InMemoryTransport : public Transport {
 public:
  InMemoryTransport(Mailboxes& mailboxes, int rank) : mailboxes_(mailboxes), rank_(rank) {}
  int ranks() const override { return mailboxes_.ranks(); }
  void send(int destination, const Message& message) override {
    mailboxes_.post(rank_, destination, message);
  }
  std::optional<Envelope> poll() override { return mailboxes_.take(rank_); }
  Envelope receive() override { return mailboxes_.wait(rank_); }

 private:
  Mailboxes& mailboxes_;
  int rank_;
};

}  // namespace ropesweep::testing
