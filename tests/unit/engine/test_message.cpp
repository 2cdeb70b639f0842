#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/engine/message.hpp"

namespace ropesweep {
namespace {

std::uint64_t bits_of(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

using Words = std::vector<std::uint64_t>;

TEST(Message, KindsAreTheTagsOfTheWire) {
  EXPECT_EQ(int(MessageKind::kRequest), 101);
  EXPECT_EQ(int(MessageKind::kWork), 102);
  EXPECT_EQ(int(MessageKind::kProgress), 103);
  EXPECT_EQ(int(MessageKind::kDone), 104);
  EXPECT_EQ(int(MessageKind::kStop), 105);
  EXPECT_EQ(int(MessageKind::kAck), 106);
  EXPECT_EQ(int(MessageKind::kResults), 107);
}

TEST(Message, EncodesResultsAsIdsThenFourWordsPerValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ResultBatch batch{
      2,
      {5, 9},
      {{1.5, 0.0, 1.0, 1.5}, {-0.0, nan, 7.0, 0.25}, {3.0, 0.5, 2.0, nan}, {4.0, 0.0, 1.0, 4.0}}};
  const Words words = encode(Message::results_of(batch));
  Words expected{2, 2, 5, 9};
  for (const MetricValue& value : batch.values) {
    for (double field : {value.value, value.se, value.n, value.upper}) {
      expected.push_back(bits_of(field));
    }
  }
  EXPECT_EQ(words, expected);
  const Message back = decode(int(MessageKind::kResults), words);
  EXPECT_EQ(back.kind, MessageKind::kResults);
  EXPECT_EQ(back.results.experiment, 2u);
  EXPECT_EQ(back.results.points, (Words{5, 9}));
  ASSERT_EQ(back.results.values.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const MetricValue& a = batch.values[i];
    const MetricValue& b = back.results.values[i];
    EXPECT_EQ((Words{bits_of(a.value), bits_of(a.se), bits_of(a.n), bits_of(a.upper)}),
              (Words{bits_of(b.value), bits_of(b.se), bits_of(b.n), bits_of(b.upper)}));
  }
}

TEST(Message, EncodesWorkAsIdBatchAndSecondsBitsPerItem) {
  const Message work = Message::work({{7, 0, 1.5}, {123456789012345ull, 41, 0.1}});
  EXPECT_EQ(work.kind, MessageKind::kWork);
  EXPECT_EQ(encode(work), (Words{7, 0, bits_of(1.5), 123456789012345ull, 41, bits_of(0.1)}));
  EXPECT_EQ(encode(Message::work({})), Words{});
}

TEST(Message, EncodesTalliesAndTheInterruptedFlag) {
  EXPECT_EQ(encode(Message::progress({12, 3.25})), (Words{bits_of(12.0), bits_of(3.25)}));
  EXPECT_EQ(encode(Message::done({5, 0.5}, false)), (Words{bits_of(5.0), bits_of(0.5), 0}));
  EXPECT_EQ(encode(Message::done({0, 0.0}, true)), (Words{bits_of(0.0), bits_of(0.0), 1}));
}

TEST(Message, BatchesRoundTripWithEveryBit) {
  BatchSet set;
  set.experiment = 2;
  set.points = {5, 5, 900};
  set.batches = {0, 3, 1};
  set.numbers = {1.0, -0.0, 1.0 / 3.0, std::numeric_limits<double>::quiet_NaN(),
                 std::numeric_limits<double>::denorm_min(), 7.0};
  const Words words = encode(Message::batches_of(set));
  EXPECT_EQ(words.size(), 3u + 3u * (2u + 2u));
  const Message back = decode(int(MessageKind::kBatches), words);
  ASSERT_EQ(back.kind, MessageKind::kBatches);
  EXPECT_EQ(back.batches.experiment, 2u);
  EXPECT_EQ(back.batches.points, set.points);
  EXPECT_EQ(back.batches.batches, set.batches);
  ASSERT_EQ(back.batches.numbers.size(), set.numbers.size());
  for (std::size_t i = 0; i < set.numbers.size(); ++i) {
    EXPECT_EQ(bits_of(back.batches.numbers[i]), bits_of(set.numbers[i])) << i;
  }
  // A batch's numbers cut short, or a count that does not fit the words.
  Words cut = words;
  cut.pop_back();
  EXPECT_THROW(decode(int(MessageKind::kBatches), cut), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kBatches), {2, 1, 2, 5, 0, 1}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kBatches), {2, 1}), MpiError);
}

TEST(Message, SignalsCarryNoWords) {
  EXPECT_EQ(encode(Message::request()), Words{});
  EXPECT_EQ(encode(Message::stop()), Words{});
  EXPECT_EQ(encode(Message::ack()), Words{});
  EXPECT_EQ(Message::request().kind, MessageKind::kRequest);
  EXPECT_EQ(Message::stop().kind, MessageKind::kStop);
  EXPECT_EQ(Message::ack().kind, MessageKind::kAck);
}

TEST(Message, RoundTripKeepsEveryBitOfTheSeconds) {
  const double awkward[] = {0.1,
                            -0.0,
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::max(),
                            std::numeric_limits<double>::infinity(),
                            1.0 / 3.0};
  std::vector<WorkItem> chunk;
  for (std::uint64_t i = 0; i < std::size(awkward); ++i) chunk.push_back({1000 + i, std::int64_t(i), awkward[i]});
  chunk.push_back({std::numeric_limits<std::uint64_t>::max(), 7, 2.0});

  const Message work = decode(int(MessageKind::kWork), encode(Message::work(chunk)));
  ASSERT_EQ(work.kind, MessageKind::kWork);
  ASSERT_EQ(work.chunk.size(), chunk.size());
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    EXPECT_EQ(work.chunk[i].id, chunk[i].id);
    EXPECT_EQ(work.chunk[i].batch, chunk[i].batch);
    EXPECT_EQ(bits_of(work.chunk[i].seconds), bits_of(chunk[i].seconds)) << i;
  }
  for (const double seconds : awkward) {
    const Message progress =
        decode(int(MessageKind::kProgress), encode(Message::progress({99, seconds})));
    EXPECT_EQ(progress.kind, MessageKind::kProgress);
    EXPECT_EQ(progress.finished.points, 99.0);
    EXPECT_EQ(bits_of(progress.finished.seconds), bits_of(seconds));
  }
  for (const bool interrupted : {false, true}) {
    const Message done =
        decode(int(MessageKind::kDone), encode(Message::done({4, 0.1}, interrupted)));
    EXPECT_EQ(done.kind, MessageKind::kDone);
    EXPECT_EQ(done.finished.points, 4.0);
    EXPECT_EQ(done.finished.seconds, 0.1);
    EXPECT_EQ(done.interrupted, interrupted);
  }
  for (const Message& signal : {Message::request(), Message::stop(), Message::ack()}) {
    const Message back = decode(int(signal.kind), encode(signal));
    EXPECT_EQ(back.kind, signal.kind);
    EXPECT_TRUE(back.chunk.empty());
    EXPECT_EQ(back.finished.points, 0.0);
    EXPECT_FALSE(back.interrupted);
  }
}

TEST(Message, DecodeRejectsWhatNoRankSends) {
  EXPECT_THROW(decode(100, {}), MpiError);
  EXPECT_THROW(decode(109, {}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kResults), {0}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kResults), {0, 3, 1, 2}), MpiError);        // 3 ids, 2 given
  EXPECT_THROW(decode(int(MessageKind::kResults), {0, 1, 4, 1, 2, 3}), MpiError);  // 3 fields
  EXPECT_THROW(decode(int(MessageKind::kResults), {0, 2, 4, 5, 1, 2, 3, 4}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kWork), {1, 2, 3, 4}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kProgress), {1}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kProgress), {1, 2, 3}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kDone), {1, 2}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kDone), {1, 2, 2}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kRequest), {0}), MpiError);
  EXPECT_THROW(decode(int(MessageKind::kAck), {0}), MpiError);
}

TEST(Message, TalliesAdd) {
  Tally tally{3, 1.5};
  tally += Tally{0.25, 0.25};
  EXPECT_EQ(tally.points, 3.25);
  EXPECT_EQ(tally.seconds, 1.75);
}

}  // namespace
}  // namespace ropesweep
