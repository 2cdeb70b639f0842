#include "ropesweep/physics/separation.hpp"

#include <algorithm>
#include <cmath>

namespace ropesweep {

std::int64_t minimum_gap(std::int64_t length, double separation) {
  // The tolerance keeps products such as 0.07 * 100 = 7.000000000000001 from
  // rounding up to 8; docs/science.md shows it exact for any g with up to six
  // decimals and L <= 2^24.
  const double scaled = std::ceil(separation * static_cast<double>(length) - 1e-9);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(scaled));
}

}  // namespace ropesweep
