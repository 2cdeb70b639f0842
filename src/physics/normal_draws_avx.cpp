// Compiled with -mavx (src/physics/CMakeLists.txt); called only on the AVX2 path.
#include <immintrin.h>
#include <sleef.h>

#include "normal_draws_lanes.hpp"
#include "normal_draws_wide.hpp"

namespace ropesweep::detail {

void box_muller_avx(const double* uniforms, std::size_t pairs, double* out) {
  box_muller_in_vectors<4>(
      uniforms, pairs, out,
      [](const double* u, const double* halfturns, double* logs, double* sines, double* cosines) {
        _mm256_store_pd(logs, Sleef_logd4_u35avx(_mm256_load_pd(u)));
        const Sleef___m256d_2 r = Sleef_sincospid4_u35avx(_mm256_load_pd(halfturns));
        _mm256_store_pd(sines, r.x);
        _mm256_store_pd(cosines, r.y);
      });
}

}  // namespace ropesweep::detail
