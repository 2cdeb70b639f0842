#include "ropesweep/engine/dispatch.hpp"

#include <string>
#include <utility>
#include <vector>

#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

class Dispatcher {
 public:
  Dispatcher(Transport& transport, LocalRank& rank, GuidedScheduler& scheduler, Progress* progress)
      : transport_(transport),
        rank_(rank),
        scheduler_(scheduler),
        progress_(progress),
        workers_(transport.ranks() - 1),
        left_(transport.ranks(), false) {}

  bool run() {
    for (;;) {
      if (rank_.stop_requested()) stop_everyone();
      count(collect(rank_));
      feed_own_compute_thread();
      while (const std::optional<Envelope> envelope = transport_.poll()) answer(*envelope);
      rank_.results.flush_if_due();
      if (progress_) progress_->maybe_print();
      if (finished()) return stopping_;
      rank_.compute.wait(kPollInterval);
    }
  }

 private:
  void count(const Tally& finished) {
    if (progress_) progress_->add(finished.points, finished.seconds);
  }

  void stop_everyone() {
    if (stopping_) return;
    stopping_ = true;
    for (int worker = 1; worker < transport_.ranks(); ++worker) {
      if (!left_[worker]) transport_.send(worker, Message::stop());
    }
  }

  void feed_own_compute_thread() {
    if (stopping_ || exhausted_ || rank_.compute.queued() > 0) return;
    const std::vector<WorkItem> chunk = scheduler_.next_chunk();
    if (chunk.empty()) exhausted_ = true;
    rank_.compute.submit(chunk);
  }

  void answer(const Envelope& envelope) {
    const Message& message = envelope.message;
    switch (message.kind) {
      case MessageKind::kRequest:
        // Once stopping, an empty chunk: the worker has nothing more to start.
        transport_.send(envelope.source, Message::work(stopping_ ? std::vector<WorkItem>()
                                                                 : scheduler_.next_chunk()));
        break;
      case MessageKind::kProgress:
        count(message.finished);
        break;
      case MessageKind::kResults:
        rank_.results.store(message.results);
        break;
      case MessageKind::kBatches:
        rank_.results.store(message.batches);
        break;
      case MessageKind::kDone:
        count(message.finished);
        if (message.interrupted) stop_everyone();
        let_leave(envelope.source);
        break;
      default:
        break;  // only workers receive the other kinds
    }
  }

  void let_leave(int worker) {
    left_[worker] = true;
    --workers_;
    transport_.send(worker, Message::ack());
  }

  bool finished() const {
    const bool own_work_finished = stopping_ || (exhausted_ && rank_.compute.idle());
    return own_work_finished && workers_ == 0;
  }

  Transport& transport_;
  LocalRank& rank_;
  GuidedScheduler& scheduler_;
  Progress* progress_;
  int workers_;             // workers that have not left yet
  std::vector<bool> left_;  // per rank: it sent Done and got its Ack
  bool stopping_ = false;   // the run is interrupted
  bool exhausted_ = false;  // the scheduler had nothing left for rank 0
};

class Worker {
 public:
  Worker(Transport& transport, LocalRank& rank, std::chrono::milliseconds report_interval)
      : transport_(transport), rank_(rank), report_interval_(report_interval) {}

  bool run() {
    for (;;) {
      if (rank_.stop_requested()) interrupted_ = true;
      unreported_ += collect(rank_);
      read_messages();
      if (interrupted_ || (exhausted_ && rank_.compute.idle())) break;
      ask_for_work_when_running_dry();
      rank_.results.flush_if_due();
      report_progress_when_due();
      rank_.compute.wait(kPollInterval);
    }
    leave();
    return interrupted_;
  }

 private:
  using Clock = std::chrono::steady_clock;

  void read_messages() {
    while (!interrupted_) {
      const std::optional<Envelope> envelope = transport_.poll();
      if (!envelope) return;
      const Message& message = envelope->message;
      if (message.kind == MessageKind::kStop) {
        interrupted_ = true;
      } else if (message.kind == MessageKind::kWork) {
        awaiting_work_ = false;
        if (message.chunk.empty()) exhausted_ = true;
        rank_.compute.submit(message.chunk);
      }
    }
  }

  // Asks while the last queued point is still computing, hiding the round trip.
  void ask_for_work_when_running_dry() {
    if (awaiting_work_ || exhausted_ || rank_.compute.queued() > 0) return;
    transport_.send(0, Message::request());
    awaiting_work_ = true;
  }

  void report_progress_when_due() {
    if (unreported_.points == 0 || Clock::now() - last_report_ <= report_interval_) return;
    transport_.send(0, Message::progress(unreported_));
    unreported_ = {};
    last_report_ = Clock::now();
  }

  // Results reach the file through rank 0, so the point in progress (when
  // interrupted) is waited for and sent before Done: nothing is sent after it.
  void leave() {
    rank_.results.flush();
    rank_.compute.stop();
    unreported_ += collect(rank_);
    rank_.results.flush();
    transport_.send(0, Message::done(unreported_, interrupted_));
    // Receive everything rank 0 still sends, up to its acknowledgement.
    for (;;) {
      if (transport_.receive().message.kind == MessageKind::kAck) return;
    }
  }

  Transport& transport_;
  LocalRank& rank_;
  const std::chrono::milliseconds report_interval_;
  bool awaiting_work_ = false;  // a request is on its way
  bool exhausted_ = false;      // rank 0 has no more work
  bool interrupted_ = false;
  Tally unreported_;
  Clock::time_point last_report_ = Clock::now();
};

}  // namespace

Tally collect(LocalRank& rank) {
  Tally finished;
  for (Completed& result : rank.compute.take()) {
    finished.points += 1.0 / double(result.batches);
    finished.seconds += result.item.seconds;
    rank.results.keep(std::move(result));
  }
  const std::string failure = rank.compute.failure();
  if (!failure.empty()) {
    rank.results.flush();  // keep what the good points computed
    throw Error(failure);
  }
  return finished;
}

Tally wind_down(LocalRank& rank) {
  rank.results.flush();
  rank.compute.stop();
  const Tally last = collect(rank);
  rank.results.flush();
  return last;
}

bool run_dispatcher(Transport& transport, LocalRank& rank, GuidedScheduler& scheduler,
                    Progress* progress) {
  return Dispatcher(transport, rank, scheduler, progress).run();
}

bool run_worker(Transport& transport, LocalRank& rank, std::chrono::milliseconds report_interval) {
  return Worker(transport, rank, report_interval).run();
}

}  // namespace ropesweep
