#include "ropesweep/engine/progress.hpp"

#include <cmath>

#include "ropesweep/core/format.hpp"

namespace ropesweep {

std::string format_progress(const ProgressSnapshot& s) {
  char text[160];
  const double percent = s.total ? 100.0 * double(s.done) / double(s.total) : 100.0;
  std::snprintf(text, sizeof text, "%llu/%llu points (%.1f%%), %.3g points/s, elapsed %s, ETA %s",
                static_cast<unsigned long long>(s.done), static_cast<unsigned long long>(s.total),
                percent, s.rate, format_duration(s.elapsed).c_str(),
                s.eta < 0 ? "?" : format_duration(s.eta).c_str());
  return text;
}

Progress::Progress(std::uint64_t total, std::uint64_t already_done, double predicted_seconds,
                   std::FILE* stream, bool terminal, double interval)
    : total_(total),
      already_done_(already_done),
      predicted_total_(predicted_seconds),
      stream_(stream),
      terminal_(terminal),
      interval_(terminal ? 0.5 : interval) {}

void Progress::add(double points, double predicted_seconds) {
  done_ += points;
  predicted_done_ += predicted_seconds;
}

ProgressSnapshot Progress::snapshot() const {
  ProgressSnapshot s;
  // Whole points only; the tolerance absorbs the rounding of summed 1/B batch shares.
  s.done = already_done_ + static_cast<std::uint64_t>(std::floor(done_ + 1e-6));
  s.total = total_;
  s.elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  s.rate = s.elapsed > 0 ? done_ / s.elapsed : 0;
  // Points are handed out largest-first, so the ETA scales elapsed time by the
  // predicted work left rather than by the count of points left.
  if (s.done >= s.total) {
    s.eta = 0;
  } else if (predicted_done_ > 0) {
    s.eta = s.elapsed * std::max(0.0, predicted_total_ - predicted_done_) / predicted_done_;
  }
  return s;
}

void Progress::print(bool final_line) {
  const std::string line = "ropesweep: " + format_progress(snapshot());
  if (terminal_) {
    std::fprintf(stream_, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stream_, "%s\n", line.c_str());
  }
  std::fflush(stream_);
  printed_ = true;
  last_print_ = Clock::now();
}

void Progress::maybe_print() {
  if (std::chrono::duration<double>(Clock::now() - last_print_).count() >= interval_) print(false);
}

void Progress::finish(const std::string& closing) {
  print(true);
  if (!closing.empty()) std::fprintf(stream_, "ropesweep: %s\n", closing.c_str());
  std::fflush(stream_);
}

}  // namespace ropesweep
