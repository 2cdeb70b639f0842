#pragma once
// One result of a computation: a value with its standard error and the number
// of samples behind it. Exact quantities have se 0 and n 1; a value not (yet)
// computed is NaN.
#include <limits>

namespace ropesweep {

struct Estimate {
  double value = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();  // standard error (0 if exact)
  double n = 0;                                          // samples behind the value
  // For probabilities of rare events: a one-sided 95% upper bound that stays
  // honest at zero or few events (physics/rare_events.hpp); NaN where not given.
  double upper = std::numeric_limits<double>::quiet_NaN();

  static Estimate exact(double value) { return Estimate{value, 0.0, 1.0, value}; }
};

}  // namespace ropesweep
