#pragma once
// An upper bound on a probability that stays honest when events are rare or
// absent (docs/science.md, "Standard errors"): a standard error from replicate
// blocks is 0 when no block saw an event, which says nothing about how rare the
// event is. Instead, count the independent units (replicate blocks, probe
// samples) in which the event occurred at least once: the probability that a
// unit sees an event is at least the per-sample probability, so a one-sided
// Clopper-Pearson bound on the unit rate bounds the per-sample rate too.
#include <cstdint>

namespace ropesweep {

// One-sided 95% Clopper-Pearson upper bound on a binomial rate after `events`
// successes in `trials` independent trials (1 - 0.05^(1/n) at zero events).
double rate_upper_bound(std::int64_t events, std::int64_t trials);

}  // namespace ropesweep
