#include "ropesweep/engine/result_buffer.hpp"

#include <utility>

#include "ropesweep/core/error.hpp"

namespace ropesweep {

ResultBuffer::ResultBuffer(const std::string& path, const Sweep& sweep, double flush_seconds,
                           std::uint64_t flush_points, Sender send_to_root)
    : sweep_(sweep),
      flush_seconds_(flush_seconds),
      flush_points_(flush_points),
      send_to_root_(std::move(send_to_root)),
      journal_(path),
      pending_points_(sweep.experiments.size()),
      pending_values_(sweep.experiments.size()) {
  if (!send_to_root_) writer_.emplace(path, sweep);
}

void ResultBuffer::keep(Completed result) {
  pending_points_[result.experiment].push_back(result.point);
  std::vector<MetricValue>& values = pending_values_[result.experiment];
  values.insert(values.end(), result.values.begin(), result.values.end());
  ++pending_count_;
}

void ResultBuffer::flush_if_due() {
  const double since = std::chrono::duration<double>(Clock::now() - last_flush_).count();
  if (pending_count_ >= flush_points_ || (pending_count_ > 0 && since >= flush_seconds_)) flush();
}

void ResultBuffer::flush() {
  for (std::size_t e = 0; e < pending_points_.size(); ++e) {
    journal_.append(std::uint32_t(e), pending_points_[e], pending_values_[e],
                    sweep_.experiments[e].experiment->metrics().size());
    if (writer_) {
      writer_->write(e, pending_points_[e], pending_values_[e]);
    } else if (!pending_points_[e].empty()) {
      send_to_root_({e, std::move(pending_points_[e]), std::move(pending_values_[e])});
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

void ResultBuffer::close() {
  if (writer_) writer_->close();
}

}  // namespace ropesweep
