// Compiled with -mavx512f (src/physics/CMakeLists.txt); called only on the AVX-512F path.
#include <immintrin.h>
#include <sleef.h>

#include "sincos_lanes.hpp"
#include "sincos_wide.hpp"

namespace ropesweep::detail {

void sincos_avx512(const double* angles, std::size_t count, double* cos_out, double* sin_out) {
  sincos_in_vectors<double, 8>(
      angles, count, cos_out, sin_out, [](const double* in, double* sines, double* cosines) {
        const Sleef___m512d_2 r = Sleef_sincosd8_u10avx512fnofma(_mm512_loadu_pd(in));
        _mm512_storeu_pd(sines, r.x);
        _mm512_storeu_pd(cosines, r.y);
      });
}

void sincos_avx512(const float* angles, std::size_t count, float* cos_out, float* sin_out) {
  sincos_in_vectors<float, 16>(
      angles, count, cos_out, sin_out, [](const float* in, float* sines, float* cosines) {
        const Sleef___m512_2 r = Sleef_sincosf16_u10avx512fnofma(_mm512_loadu_ps(in));
        _mm512_storeu_ps(sines, r.x);
        _mm512_storeu_ps(cosines, r.y);
      });
}

}  // namespace ropesweep::detail
