#pragma once
// The messages between rank 0 (the dispatcher) and the other ranks (workers)
// during a run, and their wire form: the kind is the MPI tag, the contents an
// array of 64-bit words. Doubles travel as their bit patterns, so predicted
// seconds arrive exactly as sent.
//
//   kind       direction     contents                              words
//   kRequest   worker -> 0   give me work                          none
//   kWork      0 -> worker   a chunk; an empty one: no more work   id, batch, seconds per item
//   kProgress  worker -> 0   points finished since the last report points, seconds
//   kResults   worker -> 0   results for rank 0 to write           experiment, count, ids,
//                                                                  4 words per metric value
//   kBatches   worker -> 0   batches of points computed in several experiment, count, numbers
//                            batches, for rank 0 to reduce         per batch, then per batch:
//                                                                  point, batch, its numbers
//   kDone      worker -> 0   the rest; the worker leaves           points, seconds, interrupted
//   kStop      0 -> worker   stop now: the run is interrupted      none
//   kAck       0 -> worker   the last message to a worker that left  none
#include <cstdint>
#include <vector>

#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/experiments/experiment.hpp"

namespace ropesweep {

enum class MessageKind : int {
  kRequest = 101,
  kWork,
  kProgress,
  kDone,
  kStop,
  kAck,
  kResults,
  kBatches
};

// Points finished and their predicted seconds: what progress counts. A batch of a point
// of B batches counts 1/B of a point.
struct Tally {
  double points = 0;
  double seconds = 0;

  Tally& operator+=(const Tally& other) {
    points += other.points;
    seconds += other.seconds;
    return *this;
  }
};

// Results of points of one experiment, values point-major (values[i * metrics + m]).
struct ResultBatch {
  std::size_t experiment = 0;
  std::vector<std::uint64_t> points;
  std::vector<MetricValue> values;
};

// Batches of points of one experiment that are computed in several batches: batch
// batches[k] of point points[k] holds numbers[k * per_batch, (k + 1) * per_batch).
struct BatchSet {
  std::size_t experiment = 0;
  std::vector<std::uint64_t> points;
  std::vector<std::int64_t> batches;
  std::vector<double> numbers;
  std::size_t per_batch() const { return points.empty() ? 0 : numbers.size() / points.size(); }
};

struct Message {
  MessageKind kind = MessageKind::kRequest;
  std::vector<WorkItem> chunk;  // kWork
  Tally finished;               // kProgress, kDone
  bool interrupted = false;     // kDone: the worker stopped on a stop request
  ResultBatch results;          // kResults
  BatchSet batches;             // kBatches

  static Message request();
  static Message work(std::vector<WorkItem> chunk);
  static Message progress(Tally finished);
  static Message done(Tally finished, bool interrupted);
  static Message stop();
  static Message ack();
  static Message results_of(ResultBatch results);
  static Message batches_of(BatchSet batches);
};

std::vector<std::uint64_t> encode(const Message& message);

// The message of kind `tag` (an MPI tag) with contents `words`; MpiError when
// the tag is not a message kind or the words do not fit it.
Message decode(int tag, const std::vector<std::uint64_t>& words);

}  // namespace ropesweep
