#pragma once
// What one batch of a point's samples contributes to an estimate: the number of
// independent units (replicate blocks of the pairwise estimators, probe samples), their
// mean, the sum of squared deviations from it, and how many units saw an event at all
// (for the upper bound of a rare event, rare_events.hpp).
//
// A point's samples may be computed in batches on different ranks (docs/architecture.md,
// "Tasks"). The batches of a point are always the same, chosen from the point alone, and
// are merged in batch order, so the estimate's bits do not depend on who computed which
// batch or when. A point of one batch gives exactly the bits of a computation in one piece.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "ropesweep/core/estimate.hpp"

namespace ropesweep {

struct SampleMoments {
  double count = 0;        // independent units
  double mean = 0;         // of their values
  double squares = 0;      // sum of squared deviations from the mean
  double with_events = 0;  // units whose value is > 0

  // Welford's update with one more unit.
  void add(double value);
  // The moments of `count` values at once: mean, then squared deviations (two passes).
  static SampleMoments of(const double* values, std::size_t count);
  // The moments of this batch followed by `next` (Chan, Golub and LeVeque's pairwise
  // update); merging into empty moments copies `next` bit for bit.
  void merge(const SampleMoments& next);

  // Mean and standard error sd(units) / sqrt(units) of the merged batches; n counts
  // samples (`samples_per_unit` per unit). With `rare`, also the honest upper bound of
  // the rate from the units that saw the event.
  Estimate estimate(double samples_per_unit, bool rare) const;
};

// The batches of one point merged in order, field by field: `Moments` is a struct whose
// members are all SampleMoments (one per estimator).
template <typename Moments>
Moments merge_in_order(const std::vector<Moments>& batches) {
  static_assert(std::is_trivially_copyable_v<Moments> &&
                    sizeof(Moments) % sizeof(SampleMoments) == 0,
                "a struct of SampleMoments only");
  using Fields = std::array<SampleMoments, sizeof(Moments) / sizeof(SampleMoments)>;
  // Copied as bytes (both are plain doubles, trivially copyable; the casts to void say so).
  Fields merged{}, batch_fields;
  for (const Moments& batch : batches) {
    std::memcpy(static_cast<void*>(&batch_fields), static_cast<const void*>(&batch), sizeof batch);
    for (std::size_t i = 0; i < merged.size(); ++i) merged[i].merge(batch_fields[i]);
  }
  Moments result;
  std::memcpy(static_cast<void*>(&result), static_cast<const void*>(&merged), sizeof result);
  return result;
}

}  // namespace ropesweep
