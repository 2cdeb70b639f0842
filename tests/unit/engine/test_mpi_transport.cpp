// MpiTransport over MPI_COMM_SELF: a process sends to itself from a second
// thread (MPI_THREAD_MULTIPLE), so no mpirun is needed. The protocol itself is
// tested in test_dispatch.cpp.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "ropesweep/engine/transport.hpp"

namespace ropesweep {
namespace {

int g_thread_level = MPI_THREAD_SINGLE;

class MpiEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &g_thread_level);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  }
  void TearDown() override { MPI_Finalize(); }
};

::testing::Environment* const kMpi = ::testing::AddGlobalTestEnvironment(new MpiEnvironment);

std::uint64_t bits_of(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Sends messages to this rank from another thread while this one receives them,
// as another rank would (a blocking send may wait for its receive).
class Sender {
 public:
  Sender(Transport& transport, std::vector<Message> messages)
      : messages_(std::move(messages)), thread_([this, &transport] {
          for (const Message& message : messages_) transport.send(0, message);
        }) {}
  ~Sender() { thread_.join(); }

 private:
  const std::vector<Message> messages_;
  std::thread thread_;
};

Envelope poll_until_arrived(Transport& transport) {
  for (;;) {
    if (std::optional<Envelope> envelope = transport.poll()) return *envelope;
    std::this_thread::yield();
  }
}

class MpiTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (g_thread_level < MPI_THREAD_MULTIPLE) GTEST_SKIP() << "no MPI_THREAD_MULTIPLE";
  }
  const Communicator self_{MPI_COMM_SELF};
  MpiTransport transport_{self_};
};

TEST_F(MpiTransportTest, PollFindsNothingWhenNothingWasSent) {
  EXPECT_EQ(transport_.ranks(), 1);
  EXPECT_FALSE(transport_.poll().has_value());
}

TEST_F(MpiTransportTest, EveryKindArrivesAsSentAndInOrder) {
  const std::vector<Message> sent = {Message::request(),
                                     Message::work({{3, 0, 0.1}, {900, 12, 2.5}}),
                                     Message::work({}),
                                     Message::progress({17, 1.0 / 3.0}),
                                     Message::done({2, 0.75}, true),
                                     Message::stop(),
                                     Message::ack()};
  std::vector<Envelope> received;
  {
    const Sender sender(transport_, sent);
    // Alternately polled and waited for: both receive the same way.
    for (std::size_t i = 0; i < sent.size(); ++i)
      received.push_back(i % 2 ? poll_until_arrived(transport_) : transport_.receive());
  }
  for (std::size_t i = 0; i < sent.size(); ++i) {
    SCOPED_TRACE(i);
    const Envelope& envelope = received[i];
    const Message& message = envelope.message;
    EXPECT_EQ(envelope.source, 0);
    EXPECT_EQ(message.kind, sent[i].kind);
    ASSERT_EQ(message.chunk.size(), sent[i].chunk.size());
    for (std::size_t k = 0; k < message.chunk.size(); ++k) {
      EXPECT_EQ(message.chunk[k].id, sent[i].chunk[k].id);
      EXPECT_EQ(message.chunk[k].batch, sent[i].chunk[k].batch);
      EXPECT_EQ(bits_of(message.chunk[k].seconds), bits_of(sent[i].chunk[k].seconds));
    }
    EXPECT_EQ(message.finished.points, sent[i].finished.points);
    EXPECT_EQ(bits_of(message.finished.seconds), bits_of(sent[i].finished.seconds));
    EXPECT_EQ(message.interrupted, sent[i].interrupted);
  }
  EXPECT_FALSE(transport_.poll().has_value());
}

TEST_F(MpiTransportTest, OnTheWireAMessageIsItsTagAndUint64Words) {
  const Sender sender(transport_,
                      {Message::work({{42, 5, 1.5}}), Message::done({7, 0.25}, false)});
  MPI_Status status;
  std::vector<std::uint64_t> words(3);
  MPI_Recv(words.data(), 3, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_SELF, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_UINT64_T, &count);
  EXPECT_EQ(status.MPI_TAG, 102);
  ASSERT_EQ(count, 3);
  EXPECT_EQ(words, (std::vector<std::uint64_t>{42, 5, bits_of(1.5)}));
  MPI_Recv(words.data(), 3, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_SELF, &status);
  MPI_Get_count(&status, MPI_UINT64_T, &count);
  EXPECT_EQ(status.MPI_TAG, 104);
  ASSERT_EQ(count, 3);
  EXPECT_EQ(words, (std::vector<std::uint64_t>{bits_of(7.0), bits_of(0.25), 0}));
}

}  // namespace
}  // namespace ropesweep
