// Compiled with -mavx (src/physics/CMakeLists.txt); called only on the AVX2 path. SLEEF's AVX
// entry points without FMA (its AVX2 ones use FMA and would change bits).
#include <immintrin.h>
#include <sleef.h>

#include "plackett_lanes.hpp"

namespace ropesweep::detail {

namespace {
struct AvxMath {
  Lanes<4> asin(Lanes<4> x) const { return Sleef_asind4_u10avx(x); }
  Lanes<4> sin(Lanes<4> x) const { return Sleef_sind4_u10avx(x); }
  Lanes<4> exp(Lanes<4> x) const { return Sleef_expd4_u10avx(x); }
};
}  // namespace

void plackett_concordant_avx(const PlackettJob& job) {
  plackett_concordant_lanes<4>(job, AvxMath{});
}

}  // namespace ropesweep::detail
