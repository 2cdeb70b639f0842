#include "ropesweep/physics/rare_events.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <limits>

#include "ropesweep/core/error.hpp"

namespace ropesweep {

double rate_upper_bound(std::int64_t events, std::int64_t trials) {
  if (trials < 1 || events < 0 || events > trials) {
    throw Error("rate_upper_bound: need 0 <= events <= trials and trials >= 1 (got " +
                std::to_string(events) + " of " + std::to_string(trials) + ")");
  }
  using boost::math::binomial_distribution;
  // alpha 0.05 in one tail: find_upper_bound_on_p with the exact (Clopper-Pearson)
  // interval solves P(X <= events | p) = alpha.
  return binomial_distribution<double>::find_upper_bound_on_p(
      static_cast<double>(trials), static_cast<double>(events), 0.05,
      binomial_distribution<double>::clopper_pearson_exact_interval);
}

}  // namespace ropesweep
