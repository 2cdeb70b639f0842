#include "ropesweep/engine/message.hpp"

#include <cstring>
#include <string>
#include <utility>

#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

std::uint64_t to_bits(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

double from_bits(std::uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

Message of_kind(MessageKind kind) {
  Message message;
  message.kind = kind;
  return message;
}

MpiError malformed(int tag, std::size_t words) {
  return MpiError("malformed message: tag " + std::to_string(tag) + " with " +
                  std::to_string(words) + " words");
}

}  // namespace

Message Message::request() { return of_kind(MessageKind::kRequest); }

Message Message::work(std::vector<WorkItem> chunk) {
  Message message = of_kind(MessageKind::kWork);
  message.chunk = std::move(chunk);
  return message;
}

Message Message::progress(Tally finished) {
  Message message = of_kind(MessageKind::kProgress);
  message.finished = finished;
  return message;
}

Message Message::done(Tally finished, bool interrupted) {
  Message message = of_kind(MessageKind::kDone);
  message.finished = finished;
  message.interrupted = interrupted;
  return message;
}

Message Message::stop() { return of_kind(MessageKind::kStop); }

Message Message::ack() { return of_kind(MessageKind::kAck); }

Message Message::results_of(ResultBatch results) {
  Message message = of_kind(MessageKind::kResults);
  message.results = std::move(results);
  return message;
}

Message Message::batches_of(BatchSet batches) {
  Message message = of_kind(MessageKind::kBatches);
  message.batches = std::move(batches);
  return message;
}

std::vector<std::uint64_t> encode(const Message& message) {
  std::vector<std::uint64_t> words;
  switch (message.kind) {
    case MessageKind::kWork:
      for (const WorkItem& item : message.chunk) {
        words.push_back(item.id);
        words.push_back(std::uint64_t(item.batch));
        words.push_back(to_bits(item.seconds));
      }
      break;
    case MessageKind::kProgress:
      words = {to_bits(message.finished.points), to_bits(message.finished.seconds)};
      break;
    case MessageKind::kDone:
      words = {to_bits(message.finished.points), to_bits(message.finished.seconds),
               message.interrupted ? 1u : 0u};
      break;
    case MessageKind::kResults: {
      const ResultBatch& batch = message.results;
      words = {batch.experiment, batch.points.size()};
      words.insert(words.end(), batch.points.begin(), batch.points.end());
      for (const MetricValue& value : batch.values) {
        for (double field : {value.value, value.se, value.n, value.upper}) {
          words.push_back(to_bits(field));
        }
      }
      break;
    }
    case MessageKind::kBatches: {
      const BatchSet& set = message.batches;
      const std::size_t per_batch = set.per_batch();
      words = {set.experiment, set.points.size(), per_batch};
      for (std::size_t k = 0; k < set.points.size(); ++k) {
        words.push_back(set.points[k]);
        words.push_back(std::uint64_t(set.batches[k]));
        for (std::size_t i = 0; i < per_batch; ++i) {
          words.push_back(to_bits(set.numbers[k * per_batch + i]));
        }
      }
      break;
    }
    case MessageKind::kRequest:
    case MessageKind::kStop:
    case MessageKind::kAck:
      break;
  }
  return words;
}

Message decode(int tag, const std::vector<std::uint64_t>& words) {
  const auto kind = MessageKind(tag);
  switch (kind) {
    case MessageKind::kWork: {
      if (words.size() % 3 != 0) throw malformed(tag, words.size());
      std::vector<WorkItem> chunk;
      for (std::size_t i = 0; i < words.size(); i += 3) {
        chunk.push_back({words[i], std::int64_t(words[i + 1]), from_bits(words[i + 2])});
      }
      return Message::work(std::move(chunk));
    }
    case MessageKind::kProgress:
      if (words.size() != 2) throw malformed(tag, words.size());
      return Message::progress({from_bits(words[0]), from_bits(words[1])});
    case MessageKind::kDone:
      if (words.size() != 3 || words[2] > 1) throw malformed(tag, words.size());
      return Message::done({from_bits(words[0]), from_bits(words[1])}, words[2] == 1);
    case MessageKind::kResults: {
      if (words.size() < 2 || words[1] > words.size() - 2) throw malformed(tag, words.size());
      const std::uint64_t count = words[1];
      const std::size_t fields = words.size() - 2 - count;
      if (fields % 4 != 0 || (count == 0 ? fields != 0 : (fields / 4) % count != 0)) {
        throw malformed(tag, words.size());
      }
      ResultBatch batch;
      batch.experiment = words[0];
      batch.points.assign(words.begin() + 2, words.begin() + 2 + std::ptrdiff_t(count));
      for (std::size_t i = 2 + count; i < words.size(); i += 4) {
        batch.values.push_back({from_bits(words[i]), from_bits(words[i + 1]),
                                from_bits(words[i + 2]), from_bits(words[i + 3])});
      }
      return Message::results_of(std::move(batch));
    }
    case MessageKind::kBatches: {
      if (words.size() < 3) throw malformed(tag, words.size());
      const std::uint64_t count = words[1], per_batch = words[2];
      if (per_batch > words.size() || count * (2 + per_batch) != words.size() - 3) {
        throw malformed(tag, words.size());
      }
      BatchSet set;
      set.experiment = words[0];
      for (std::size_t i = 3; i < words.size(); i += 2 + per_batch) {
        set.points.push_back(words[i]);
        set.batches.push_back(std::int64_t(words[i + 1]));
        for (std::size_t j = 0; j < per_batch; ++j) set.numbers.push_back(from_bits(words[i + 2 + j]));
      }
      return Message::batches_of(std::move(set));
    }
    case MessageKind::kRequest:
    case MessageKind::kStop:
    case MessageKind::kAck:
      if (!words.empty()) throw malformed(tag, words.size());
      return of_kind(kind);
  }
  throw malformed(tag, words.size());
}

}  // namespace ropesweep
