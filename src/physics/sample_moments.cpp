#include "ropesweep/physics/sample_moments.hpp"

#include <cmath>
#include <numeric>

#include "ropesweep/physics/rare_events.hpp"

namespace ropesweep {

void SampleMoments::add(double value) {
  if (value > 0.0) with_events += 1;
  count += 1;
  const double delta = value - mean;
  mean += delta / count;
  squares += delta * (value - mean);
}

SampleMoments SampleMoments::of(const double* values, std::size_t count) {
  SampleMoments moments;
  if (count == 0) return moments;
  moments.count = static_cast<double>(count);
  moments.mean = std::accumulate(values, values + count, 0.0) / moments.count;
  for (std::size_t i = 0; i < count; ++i) {
    moments.squares += (values[i] - moments.mean) * (values[i] - moments.mean);
    if (values[i] > 0.0) moments.with_events += 1;
  }
  return moments;
}

void SampleMoments::merge(const SampleMoments& next) {
  if (next.count == 0) return;
  if (count == 0) {
    *this = next;
    return;
  }
  const double total = count + next.count;
  const double delta = next.mean - mean;
  mean += delta * (next.count / total);
  squares += next.squares + delta * delta * (count * next.count / total);
  count = total;
  with_events += next.with_events;
}

Estimate SampleMoments::estimate(double samples_per_unit, bool rare) const {
  Estimate estimate;
  estimate.n = count * samples_per_unit;
  if (count == 0) return estimate;
  estimate.value = mean;
  estimate.se = count > 1 ? std::sqrt(squares / (count - 1.0) / count) : std::nan("");
  if (rare) {
    estimate.upper = rate_upper_bound(static_cast<std::int64_t>(with_events),
                                      static_cast<std::int64_t>(count));
  }
  return estimate;
}

}  // namespace ropesweep
