#include "ropesweep/engine/result_buffer.hpp"

#include <utility>

#include "ropesweep/core/error.hpp"

namespace ropesweep {

ResultBuffer::ResultBuffer(const std::string& path, const Sweep& sweep, double flush_seconds,
                           std::uint64_t flush_points, Sender send_to_root,
                           PartialPoints computed)
    : sweep_(sweep),
      flush_seconds_(flush_seconds),
      flush_points_(flush_points),
      send_to_root_(std::move(send_to_root)),
      journal_(path),
      computed_(std::move(computed)),
      pending_points_(sweep.experiments.size()),
      pending_values_(sweep.experiments.size()),
      pending_batches_(sweep.experiments.size()) {
  if (!send_to_root_) writer_.emplace(path, sweep);
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) pending_batches_[e].experiment = e;
}

void ResultBuffer::add_point(std::size_t experiment, std::uint64_t point,
                             const std::vector<MetricValue>& values) {
  pending_points_[experiment].push_back(point);
  std::vector<MetricValue>& pending = pending_values_[experiment];
  pending.insert(pending.end(), values.begin(), values.end());
  ++pending_count_;
}

void ResultBuffer::keep(Completed result) {
  if (result.whole()) {
    add_point(result.experiment, result.point, result.values);
    return;
  }
  BatchSet& batches = pending_batches_[result.experiment];
  batches.points.push_back(result.point);
  batches.batches.push_back(result.item.batch);
  batches.numbers.insert(batches.numbers.end(), result.batch.begin(), result.batch.end());
  ++pending_count_;
}

void ResultBuffer::flush_if_due() {
  const double since = std::chrono::duration<double>(Clock::now() - last_flush_).count();
  if (pending_count_ >= flush_points_ || (pending_count_ > 0 && since >= flush_seconds_)) flush();
}

void ResultBuffer::reduce(const BatchSet& batches) {
  const std::size_t per_batch = batches.per_batch();
  for (std::size_t k = 0; k < batches.points.size(); ++k) {
    const auto first = batches.numbers.begin() + std::ptrdiff_t(k * per_batch);
    std::optional<std::vector<MetricValue>> values =
        computed_.add(sweep_, batches.experiment, batches.points[k], batches.batches[k],
                      BatchMoments(first, first + std::ptrdiff_t(per_batch)));
    if (values) add_point(batches.experiment, batches.points[k], *values);
  }
}

void ResultBuffer::flush() {
  // Batches first: on rank 0 the points they complete go out with this flush.
  for (BatchSet& batches : pending_batches_) {
    if (batches.points.empty()) continue;
    journal_.append_batches(std::uint32_t(batches.experiment), batches.points, batches.batches,
                            batches.numbers);
    if (writer_) {
      reduce(batches);
    } else {
      send_to_root_(Message::batches_of(batches));
    }
    batches.points.clear();
    batches.batches.clear();
    batches.numbers.clear();
  }
  for (std::size_t e = 0; e < pending_points_.size(); ++e) {
    journal_.append(std::uint32_t(e), pending_points_[e], pending_values_[e],
                    sweep_.experiments[e].experiment->metrics().size());
    if (writer_) {
      writer_->write(e, pending_points_[e], pending_values_[e]);
    } else if (!pending_points_[e].empty()) {
      send_to_root_(
          Message::results_of({e, std::move(pending_points_[e]), std::move(pending_values_[e])}));
    }
    pending_points_[e].clear();
    pending_values_[e].clear();
  }
  pending_count_ = 0;
  last_flush_ = Clock::now();
}

void ResultBuffer::store(const ResultBatch& batch) {
  if (!writer_) throw Error("results sent to a rank that does not write the file");
  writer_->write(batch.experiment, batch.points, batch.values);
}

void ResultBuffer::store(const BatchSet& batches) {
  if (!writer_) throw Error("batches sent to a rank that does not reduce them");
  reduce(batches);
}

void ResultBuffer::close() {
  if (writer_) writer_->close();
}

}  // namespace ropesweep
