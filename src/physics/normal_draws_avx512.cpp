// Compiled with -mavx512f (src/physics/CMakeLists.txt); called only on the AVX-512F path.
#include <immintrin.h>
#include <sleef.h>

#include "normal_draws_lanes.hpp"
#include "normal_draws_wide.hpp"

namespace ropesweep::detail {

void box_muller_avx512(const double* uniforms, std::size_t pairs, double* out) {
  box_muller_in_vectors<8>(
      uniforms, pairs, out,
      [](const double* u, const double* halfturns, double* logs, double* sines, double* cosines) {
        _mm512_store_pd(logs, Sleef_logd8_u35avx512fnofma(_mm512_load_pd(u)));
        const Sleef___m512d_2 r = Sleef_sincospid8_u35avx512fnofma(_mm512_load_pd(halfturns));
        _mm512_store_pd(sines, r.x);
        _mm512_store_pd(cosines, r.y);
      });
}

}  // namespace ropesweep::detail
