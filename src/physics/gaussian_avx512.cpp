// Compiled with -mavx512f (src/physics/CMakeLists.txt); called only on the AVX-512F path.
#include <immintrin.h>
#include <sleef.h>

#include "plackett_lanes.hpp"

namespace ropesweep::detail {

namespace {
struct Avx512Math {
  Lanes<8> asin(Lanes<8> x) const { return Sleef_asind8_u10avx512fnofma(x); }
  Lanes<8> sin(Lanes<8> x) const { return Sleef_sind8_u10avx512fnofma(x); }
  Lanes<8> exp(Lanes<8> x) const { return Sleef_expd8_u10avx512fnofma(x); }
};
}  // namespace

void plackett_concordant_avx512(const PlackettJob& job) {
  plackett_concordant_lanes<8>(job, Avx512Math{});
}

}  // namespace ropesweep::detail
