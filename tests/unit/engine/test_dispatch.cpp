// The dispatcher/worker protocol of a run, with its ranks on threads of this
// process and messages passed in memory (in_memory_transport.hpp): real compute
// threads and scheduler, results kept in memory instead of a file.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "in_memory_transport.hpp"
#include "line_experiment.hpp"
#include "ropesweep/engine/dispatch.hpp"
#include "ropesweep/sweep/spec.hpp"

namespace ropesweep {
namespace {

using testing::gate;
using testing::InMemoryTransport;
using testing::Mailboxes;
using testing::SentMessage;

// 48 + 20 points; point p of either experiment has x = p.
constexpr std::uint64_t kLongPoints = 48, kPoints = 68;

Sweep line_sweep() {
  const SpecResult result = parse_sweep(R"(seed: 5
experiments:
  long:
    kind: line
    fixed: {slope: 2}
    axes:
      x: {range: [0, 48, 1]}
  short:
    kind: line
    fixed: {slope: -3}
    axes:
      x: {range: [0, 20, 1]}
)",
                                        "line.yaml");
  for (const SpecError& problem : result.problems) ADD_FAILURE() << problem.what();
  return result.sweep;
}

// The value a point's result must hold, from its global id.
double expected_value(std::uint64_t id) {
  return id < kLongPoints ? 2.0 * double(id) : -3.0 * double(id - kLongPoints);
}

// Every point, one predicted second each (so guided chunk sizes are whole numbers).
std::vector<WorkItem> one_second_items() {
  std::vector<WorkItem> items;
  for (std::uint64_t id = 0; id < kPoints; ++id) items.push_back({id, 0, 1.0});
  return items;
}

// Keeps a rank's results in memory; counts them over all ranks too.
class KeptResults : public ResultSink {
 public:
  explicit KeptResults(std::atomic<std::size_t>& kept_everywhere)
      : kept_everywhere_(kept_everywhere) {}
  void keep(Completed result) override {
    kept.push_back(std::move(result));
    ++kept_everywhere_;
  }
  void flush_if_due() override {}
  void flush() override { flushed = kept.size(); }
  // Workers here keep their results: nothing is sent to rank 0 to store.
  void store(const ResultBatch&) override { ADD_FAILURE() << "no rank sends results here"; }
  void store(const BatchSet&) override { ADD_FAILURE() << "no rank sends batches here"; }

  std::vector<Completed> kept;
  std::size_t flushed = 0;  // results kept when last flushed

 private:
  std::atomic<std::size_t>& kept_everywhere_;
};

struct RankOutcome {
  bool interrupted = false;
  std::vector<Completed> kept;
  std::size_t flushed = 0;
};

struct ProtocolRun {
  std::vector<RankOutcome> ranks;
  std::vector<SentMessage> log;
  std::size_t undelivered = 0;
  std::string progress;  // rank 0's final progress line
};

// Whether `rank` is asked to stop, given how many results all ranks have kept.
using StopRule = std::function<bool(int rank, std::size_t kept_everywhere)>;

bool never(int, std::size_t) { return false; }

// A rank that failed in a test must not leave the others waiting for it (a run
// ends them with MPI_Abort): its messages are posted on its behalf.
void leave_without(int failed, Mailboxes& mailboxes) {
  if (failed == 0) {
    for (int worker = 1; worker < mailboxes.ranks(); ++worker) {
      mailboxes.post(0, worker, Message::stop());
      mailboxes.post(0, worker, Message::ack());
    }
  } else {
    mailboxes.post(failed, 0, Message::done({}, true));
  }
}

// What a rank runs with besides its number and its mailbox.
struct RankSetup {
  const Sweep& sweep;
  std::function<bool()> stop_requested;
  std::atomic<std::size_t>& kept_everywhere;
  std::vector<WorkItem> items;   // rank 0: the work to hand out
  Progress* progress = nullptr;  // rank 0
  std::chrono::milliseconds report_interval = kProgressReportInterval;  // workers
};

// One rank's side of the protocol, as run_sweep runs it.
RankOutcome run_rank(Mailboxes& mailboxes, int rank, const RankSetup& setup) {
  ComputeThread compute(setup.sweep);
  KeptResults results(setup.kept_everywhere);
  LocalRank local{compute, results, setup.stop_requested};
  InMemoryTransport transport(mailboxes, rank);
  bool interrupted = false;
  if (rank == 0) {
    GuidedScheduler scheduler(setup.items, transport.ranks());
    interrupted = run_dispatcher(transport, local, scheduler, setup.progress);
  } else {
    interrupted = run_worker(transport, local, setup.report_interval);
  }
  const Tally last = wind_down(local);
  if (setup.progress) setup.progress->add(last.points, last.seconds);
  return {interrupted, std::move(results.kept), results.flushed};
}

// Runs the protocol on `ranks` ranks, rank 0 on this thread and the workers on
// threads of their own; `beside`, if given, on one more thread meanwhile.
ProtocolRun run_protocol(const Sweep& sweep, const std::vector<WorkItem>& items, int ranks,
                         const StopRule& stop = never,
                         std::chrono::milliseconds report_interval = kProgressReportInterval,
                         const std::function<void(const Mailboxes&)>& beside = nullptr) {
  Mailboxes mailboxes(ranks);
  std::atomic<std::size_t> kept_everywhere{0};
  char* text = nullptr;
  std::size_t length = 0;
  std::FILE* stream = open_memstream(&text, &length);
  double predicted = 0;
  for (const WorkItem& item : items) predicted += item.seconds;
  Progress progress(items.size(), 0, predicted, stream, false, 1e9);
  ProtocolRun run;
  run.ranks.resize(std::size_t(ranks));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(ranks));
  auto run_one = [&](int r) {
    const RankSetup setup{sweep,
                          [&, r] { return stop(r, kept_everywhere.load()); },
                          kept_everywhere,
                          items,
                          r == 0 ? &progress : nullptr,
                          report_interval};
    try {
      run.ranks[std::size_t(r)] = run_rank(mailboxes, r, setup);
    } catch (...) {
      errors[std::size_t(r)] = std::current_exception();
      leave_without(r, mailboxes);
    }
  };
  std::vector<std::thread> threads;
  if (beside) threads.emplace_back([&] { beside(mailboxes); });
  for (int r = 1; r < ranks; ++r) threads.emplace_back(run_one, r);
  run_one(0);
  for (std::thread& thread : threads) thread.join();
  progress.finish("");
  std::fclose(stream);
  run.progress.assign(text, length);
  std::free(text);
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  run.log = mailboxes.log();
  run.undelivered = mailboxes.undelivered();
  return run;
}

std::vector<std::uint64_t> kept_ids(const RankOutcome& rank) {
  std::vector<std::uint64_t> ids;
  for (const Completed& result : rank.kept) ids.push_back(result.item.id);
  return ids;
}

std::vector<std::uint64_t> all_kept_ids(const ProtocolRun& run) {
  std::vector<std::uint64_t> ids;
  for (const RankOutcome& rank : run.ranks) {
    const std::vector<std::uint64_t> mine = kept_ids(rank);
    ids.insert(ids.end(), mine.begin(), mine.end());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<Message> messages_to(const ProtocolRun& run, int rank) {
  std::vector<Message> messages;
  for (const SentMessage& sent : run.log) {
    if (sent.destination == rank) messages.push_back(sent.message);
  }
  return messages;
}

std::vector<Message> messages_from(const ProtocolRun& run, int rank) {
  std::vector<Message> messages;
  for (const SentMessage& sent : run.log) {
    if (sent.source == rank) messages.push_back(sent.message);
  }
  return messages;
}

std::size_t count_kind(const std::vector<Message>& messages, MessageKind kind) {
  return std::size_t(std::count_if(messages.begin(), messages.end(),
                                   [&](const Message& m) { return m.kind == kind; }));
}

// The chunks the default policy cuts from `count` one-second items for `ranks`
// ranks: half the remaining work shared among the ranks, at least one item.
// Keyed by first id, valued by size.
std::map<std::uint64_t, std::uint64_t> guided_chunks(std::uint64_t count, int ranks) {
  std::map<std::uint64_t, std::uint64_t> chunks;
  for (std::uint64_t start = 0; start < count;) {
    const std::uint64_t size = std::max<std::uint64_t>(1, (count - start) / (2 * ranks));
    chunks[start] = size;
    start += size;
  }
  return chunks;
}

class Dispatch : public ::testing::Test {
 protected:
  void SetUp() override {
    gate().release();
    testing::g_pace_microseconds = 0;
  }
  void TearDown() override {
    gate().release();
    testing::g_pace_microseconds = 0;
  }
  const Sweep sweep_ = line_sweep();
};

TEST_F(Dispatch, EveryPointIsComputedOnceWithItsOwnResultOnOneToFourRanks) {
  ASSERT_EQ(sweep_.point_count(), kPoints);
  std::vector<std::uint64_t> every_id(kPoints);
  for (std::uint64_t id = 0; id < kPoints; ++id) every_id[id] = id;
  for (int ranks = 1; ranks <= 4; ++ranks) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    const ProtocolRun run = run_protocol(sweep_, one_second_items(), ranks);
    EXPECT_EQ(all_kept_ids(run), every_id);
    for (const RankOutcome& rank : run.ranks) {
      EXPECT_FALSE(rank.interrupted);
      EXPECT_EQ(rank.flushed, rank.kept.size());
      for (const Completed& result : rank.kept) {
        EXPECT_EQ(result.experiment, result.item.id < kLongPoints ? 0u : 1u);
        EXPECT_EQ(result.point, result.item.id % kLongPoints);
        ASSERT_EQ(result.values.size(), 1u);
        EXPECT_EQ(result.values[0].value, expected_value(result.item.id)) << result.item.id;
      }
    }
    EXPECT_NE(run.progress.find(" 68/68 points (100.0%)"), std::string::npos) << run.progress;
    EXPECT_EQ(run.undelivered, 0u);
    if (ranks == 1) {
      EXPECT_TRUE(run.log.empty());
    }
  }
}

TEST_F(Dispatch, HandsOutGuidedChunksWholeAndEachOnce) {
  for (int ranks = 2; ranks <= 4; ++ranks) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    const std::map<std::uint64_t, std::uint64_t> chunks = guided_chunks(kPoints, ranks);
    const ProtocolRun run = run_protocol(sweep_, one_second_items(), ranks);
    // Which rank each point was sent to; the rest stayed with rank 0.
    std::vector<int> owner(kPoints, 0);
    std::set<std::uint64_t> chunks_sent;
    for (const SentMessage& sent : run.log) {
      if (sent.message.kind != MessageKind::kWork || sent.message.chunk.empty()) continue;
      const std::vector<WorkItem>& chunk = sent.message.chunk;
      const auto expected = chunks.find(chunk.front().id);
      ASSERT_NE(expected, chunks.end()) << "a chunk starts at " << chunk.front().id;
      EXPECT_EQ(chunk.size(), expected->second) << "the chunk at " << chunk.front().id;
      EXPECT_TRUE(chunks_sent.insert(chunk.front().id).second) << "sent twice";
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        EXPECT_EQ(chunk[i].id, chunk.front().id + i);
        EXPECT_EQ(chunk[i].seconds, 1.0);
        owner[chunk[i].id] = sent.destination;
      }
    }
    for (int r = 0; r < ranks; ++r) {
      for (const std::uint64_t id : kept_ids(run.ranks[std::size_t(r)])) {
        EXPECT_EQ(owner[id], r) << "point " << id;
      }
    }
    EXPECT_EQ(all_kept_ids(run).size(), kPoints);
  }
}

TEST_F(Dispatch, EndsEveryWorkerWithEmptyWorkThenAck) {
  for (int ranks = 2; ranks <= 4; ++ranks) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    const ProtocolRun run = run_protocol(sweep_, one_second_items(), ranks);
    for (const SentMessage& sent : run.log) {
      EXPECT_NE(sent.source, sent.destination);
      EXPECT_TRUE(sent.source == 0 || sent.destination == 0) << "workers talk to rank 0 only";
    }
    for (int worker = 1; worker < ranks; ++worker) {
      SCOPED_TRACE("worker " + std::to_string(worker));
      const std::vector<Message> to = messages_to(run, worker);
      const std::vector<Message> from = messages_from(run, worker);
      ASSERT_GE(to.size(), 2u);
      EXPECT_EQ(to.back().kind, MessageKind::kAck);
      EXPECT_EQ(count_kind(to, MessageKind::kAck), 1u);
      EXPECT_EQ(count_kind(to, MessageKind::kStop), 0u);
      // One empty chunk, after every other: the end of the work.
      const Message& last_work = to[to.size() - 2];
      EXPECT_EQ(last_work.kind, MessageKind::kWork);
      EXPECT_TRUE(last_work.chunk.empty());
      const auto empty_chunks = std::count_if(to.begin(), to.end(), [](const Message& m) {
        return m.kind == MessageKind::kWork && m.chunk.empty();
      });
      EXPECT_EQ(empty_chunks, 1);
      // Every request answered once; one Done, the worker's last word.
      EXPECT_EQ(count_kind(from, MessageKind::kRequest), count_kind(to, MessageKind::kWork));
      ASSERT_FALSE(from.empty());
      EXPECT_EQ(from.back().kind, MessageKind::kDone);
      EXPECT_FALSE(from.back().interrupted);
      EXPECT_EQ(count_kind(from, MessageKind::kDone), 1u);
    }
    EXPECT_EQ(run.undelivered, 0u);
  }
}

TEST_F(Dispatch, WorkersReportWhatTheyFinishToRankZero) {
  testing::g_pace_microseconds = 1500;
  // Eighths: every sum of predicted seconds is exact in any order.
  std::vector<WorkItem> items;
  for (std::uint64_t id = 0; id < kPoints; ++id) items.push_back({id, 0, 1.0 + double(id % 8) / 8});
  const int ranks = 3;
  const ProtocolRun run = run_protocol(sweep_, items, ranks, never, std::chrono::milliseconds(0));
  for (int worker = 1; worker < ranks; ++worker) {
    SCOPED_TRACE("worker " + std::to_string(worker));
    const std::vector<Message> from = messages_from(run, worker);
    Tally reported;
    for (const Message& message : from) {
      if (message.kind == MessageKind::kProgress || message.kind == MessageKind::kDone) {
        reported += message.finished;
      }
    }
    Tally kept;
    for (const Completed& result : run.ranks[std::size_t(worker)].kept) {
      kept += Tally{1, items[result.item.id].seconds};
    }
    EXPECT_GT(kept.points, 0u);
    EXPECT_GE(count_kind(from, MessageKind::kProgress), 1u);
    EXPECT_EQ(reported.points, kept.points);
    EXPECT_EQ(reported.seconds, kept.seconds);
  }
  EXPECT_NE(run.progress.find(" 68/68 points (100.0%)"), std::string::npos) << run.progress;
}

// Points from x = 6 on wait at the gate until every worker has left, so the
// stop is decided while no rank can run out of work; the points in progress
// then finish.
constexpr double kHeldFrom = 6;

ProtocolRun run_held_protocol(const Sweep& sweep, int ranks, const StopRule& stop) {
  gate().hold_from(kHeldFrom);
  auto release_once_all_left = [ranks](const Mailboxes& mailboxes) {
    // A protocol that never lets the workers go fails the test rather than hanging it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::vector<SentMessage> log = mailboxes.log();
      const auto left = std::count_if(log.begin(), log.end(), [](const SentMessage& sent) {
        return sent.message.kind == MessageKind::kDone;
      });
      if (left == ranks - 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    gate().release();
  };
  return run_protocol(sweep, one_second_items(), ranks, stop, kProgressReportInterval,
                      release_once_all_left);
}

// A stop on `stopping_rank` once the points before the gate are done.
StopRule stop_on(int stopping_rank) {
  return [stopping_rank](int rank, std::size_t kept_everywhere) {
    return rank == stopping_rank && kept_everywhere >= std::size_t(kHeldFrom);
  };
}

void expect_stopped_run(const ProtocolRun& run) {
  const std::vector<std::uint64_t> ids = all_kept_ids(run);
  EXPECT_TRUE(std::adjacent_find(ids.begin(), ids.end()) == ids.end()) << "a point kept twice";
  EXPECT_GE(ids.size(), std::size_t(kHeldFrom));
  for (const RankOutcome& rank : run.ranks) {
    EXPECT_TRUE(rank.interrupted);
    EXPECT_EQ(rank.flushed, rank.kept.size());
  }
  for (int worker = 1; worker < int(run.ranks.size()); ++worker) {
    SCOPED_TRACE("worker " + std::to_string(worker));
    const std::vector<Message> to = messages_to(run, worker);
    ASSERT_FALSE(to.empty());
    EXPECT_EQ(to.back().kind, MessageKind::kAck);
    const std::vector<Message> from = messages_from(run, worker);
    ASSERT_FALSE(from.empty());
    EXPECT_EQ(from.back().kind, MessageKind::kDone);
  }
  EXPECT_EQ(run.undelivered, 0u);
}

TEST_F(Dispatch, AStopOnRankZeroStopsEveryWorker) {
  const int ranks = 3;
  const ProtocolRun run = run_held_protocol(sweep_, ranks, stop_on(0));
  expect_stopped_run(run);
  // Every rank was held at its first chunk until all had left: nothing more
  // was handed out.
  EXPECT_LT(all_kept_ids(run).size(), kPoints);
  for (int worker = 1; worker < ranks; ++worker) {
    SCOPED_TRACE("worker " + std::to_string(worker));
    const std::vector<Message> to = messages_to(run, worker);
    EXPECT_EQ(count_kind(to, MessageKind::kStop), 1u);
    const auto stop = std::find_if(to.begin(), to.end(),
                                   [](const Message& m) { return m.kind == MessageKind::kStop; });
    for (auto later = stop; later != to.end(); ++later) {
      EXPECT_TRUE(later->kind != MessageKind::kWork || later->chunk.empty())
          << "work handed out after the stop";
    }
    EXPECT_TRUE(messages_from(run, worker).back().interrupted);
  }
}

TEST_F(Dispatch, AStopOnOneWorkerStopsTheOthers) {
  const int ranks = 3;
  const ProtocolRun run = run_held_protocol(sweep_, ranks, stop_on(1));
  expect_stopped_run(run);
  EXPECT_TRUE(messages_from(run, 1).back().interrupted);
  EXPECT_EQ(count_kind(messages_to(run, 2), MessageKind::kStop), 1u);
  EXPECT_TRUE(messages_from(run, 2).back().interrupted);
}

// The next message to `rank`; throws when none arrives in time (a protocol
// that hangs).
Envelope next_message(Mailboxes& mailboxes, int rank) {
  const std::optional<Envelope> envelope = mailboxes.wait_for(rank, std::chrono::seconds(10));
  if (!envelope) throw std::runtime_error("no message for rank " + std::to_string(rank));
  return *envelope;
}

// One rank on a thread of its own, for tests that play the other rank by hand.
class RankThread {
 public:
  RankThread(const Sweep& sweep, Mailboxes& mailboxes, int rank, std::function<bool()> stop,
             std::vector<WorkItem> items = {})
      : setup_{sweep,
               std::move(stop),
               kept_everywhere_,
               std::move(items),
               nullptr,
               std::chrono::milliseconds(0)},
        thread_([this, &mailboxes, rank] { outcome_ = run_rank(mailboxes, rank, setup_); }) {}
  // Waits for the rank to finish.
  RankOutcome join() {
    thread_.join();
    return outcome_;
  }

 private:
  std::atomic<std::size_t> kept_everywhere_{0};
  const RankSetup setup_;
  RankOutcome outcome_;
  std::thread thread_;  // last: starts once everything above exists
};

TEST_F(Dispatch, AfterAStopRankZeroHandsOutNoMoreWork) {
  gate().hold_from(kHeldFrom);  // rank 0 keeps the scheduler from running dry
  Mailboxes mailboxes(2);
  InMemoryTransport worker(mailboxes, 1);
  worker.send(0, Message::request());
  std::atomic<bool> stop{false};
  RankThread rank_zero(
      sweep_, mailboxes, 0, [&] { return stop.load(); }, one_second_items());
  // Rank 0 takes the first chunk (68 / 4 points) before it answers: this is the second.
  const Envelope work = next_message(mailboxes, 1);
  EXPECT_EQ(work.source, 0);
  ASSERT_EQ(work.message.kind, MessageKind::kWork);
  ASSERT_EQ(work.message.chunk.size(), 51u / 4);
  EXPECT_EQ(work.message.chunk.front().id, 17u);
  stop = true;
  EXPECT_EQ(next_message(mailboxes, 1).message.kind, MessageKind::kStop);
  gate().release();
  worker.send(0, Message::request());
  const Message after_stop = next_message(mailboxes, 1).message;
  EXPECT_EQ(after_stop.kind, MessageKind::kWork);
  EXPECT_TRUE(after_stop.chunk.empty());
  worker.send(0, Message::done({}, true));
  EXPECT_EQ(next_message(mailboxes, 1).message.kind, MessageKind::kAck);
  EXPECT_TRUE(rank_zero.join().interrupted);
  EXPECT_EQ(mailboxes.undelivered(), 0u);
}

TEST_F(Dispatch, AWorkerAsksAgainUntilAnEmptyChunkThenLeaves) {
  Mailboxes mailboxes(2);
  InMemoryTransport rank_zero(mailboxes, 0);
  RankThread worker(sweep_, mailboxes, 1, [] { return false; });
  Tally reported;
  // Answers requests with `chunk` and sums progress reports until a request or Done.
  auto answer_with = [&](std::vector<WorkItem> chunk) {
    for (;;) {
      const Envelope envelope = next_message(mailboxes, 0);
      EXPECT_EQ(envelope.source, 1);
      const Message& message = envelope.message;
      if (message.kind == MessageKind::kProgress || message.kind == MessageKind::kDone) {
        reported += message.finished;
      }
      if (message.kind == MessageKind::kRequest) {
        rank_zero.send(1, Message::work(chunk));
        return;
      }
      if (message.kind == MessageKind::kDone) {
        EXPECT_FALSE(message.interrupted);
        rank_zero.send(1, Message::ack());
        return;
      }
    }
  };
  answer_with({{3, 0, 0.5}, {50, 0, 0.25}});
  answer_with({});  // the second request comes while point 50 computes
  answer_with({});  // no third request: the Done
  const RankOutcome outcome = worker.join();
  EXPECT_FALSE(outcome.interrupted);
  EXPECT_EQ(kept_ids(outcome), (std::vector<std::uint64_t>{3, 50}));
  EXPECT_EQ(outcome.kept[1].values[0].value, expected_value(50));
  EXPECT_EQ(reported.points, 2u);
  EXPECT_EQ(reported.seconds, 0.75);
  const std::vector<SentMessage> log = mailboxes.log();
  EXPECT_EQ(std::count_if(
                log.begin(), log.end(),
                [](const SentMessage& sent) { return sent.message.kind == MessageKind::kRequest; }),
            2);
  EXPECT_EQ(mailboxes.undelivered(), 0u);
}

// A worker's results reach the file through rank 0, so it finishes and hands on
// the point in progress before it says Done: nothing may follow its Done.
TEST_F(Dispatch, AStoppedWorkerFlushesThePointInProgressThenSaysSo) {
  gate().hold_from(kHeldFrom);
  Mailboxes mailboxes(2);
  InMemoryTransport rank_zero(mailboxes, 0);
  RankThread worker(sweep_, mailboxes, 1, [] { return false; });
  ASSERT_EQ(next_message(mailboxes, 0).message.kind, MessageKind::kRequest);
  // Point 10 waits at the gate; point 11 is queued behind it.
  rank_zero.send(1, Message::work({{10, 0, 1.0}, {11, 0, 1.0}}));
  gate().wait_for_a_held_point();
  rank_zero.send(1, Message::stop());
  // No Done while point 10 is still computing.
  EXPECT_FALSE(mailboxes.wait_for(0, std::chrono::milliseconds(200)).has_value());
  gate().release();
  const Message done = next_message(mailboxes, 0).message;
  ASSERT_EQ(done.kind, MessageKind::kDone);
  EXPECT_TRUE(done.interrupted);
  rank_zero.send(1, Message::ack());
  const RankOutcome outcome = worker.join();
  EXPECT_TRUE(outcome.interrupted);
  // Point 10 was in progress; point 11 may have started before the compute
  // thread was stopped (dropping queued points: test_compute_thread.cpp).
  ASSERT_FALSE(outcome.kept.empty());
  EXPECT_EQ(outcome.kept.front().item.id, 10u);
  EXPECT_LE(outcome.kept.size(), 2u);
  EXPECT_EQ(done.finished.points, outcome.kept.size());
  EXPECT_EQ(outcome.flushed, outcome.kept.size());
  EXPECT_EQ(mailboxes.undelivered(), 0u);
}

TEST_F(Dispatch, AFailingPointStopsTheRunAfterTheGoodPointsAreFlushed) {
  const SpecResult parsed = parse_sweep(R"(seed: 1
experiments:
  bad:
    kind: line
    axes:
      x: [1, 2, -1, 4]
)",
                                        "bad.yaml");
  for (const SpecError& problem : parsed.problems) ADD_FAILURE() << problem.what();
  ASSERT_TRUE(parsed.ok());
  Mailboxes mailboxes(1);
  InMemoryTransport transport(mailboxes, 0);
  std::atomic<std::size_t> kept_everywhere{0};
  ComputeThread compute(parsed.sweep);
  KeptResults results(kept_everywhere);
  LocalRank rank{compute, results, [] { return false; }};
  GuidedScheduler scheduler({{0, 0, 1.0}, {1, 0, 1.0}, {2, 0, 1.0}, {3, 0, 1.0}}, 1);
  try {
    run_dispatcher(transport, rank, scheduler, nullptr);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "experiment 'bad' point 2: x must not be negative");
  }
  EXPECT_EQ(kept_ids({false, results.kept, 0}), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(results.flushed, 2u);
}

}  // namespace
}  // namespace ropesweep
