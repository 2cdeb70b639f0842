// Compiled with -mavx (src/physics/CMakeLists.txt); called only on the AVX2 path.
#include <immintrin.h>
#include <sleef.h>

#include "sincos_lanes.hpp"
#include "sincos_wide.hpp"

namespace ropesweep::detail {

void sincos_avx(const double* angles, std::size_t count, double* cos_out, double* sin_out) {
  sincos_in_vectors<double, 4>(
      angles, count, cos_out, sin_out, [](const double* in, double* sines, double* cosines) {
        const Sleef___m256d_2 r = Sleef_sincosd4_u10avx(_mm256_loadu_pd(in));
        _mm256_storeu_pd(sines, r.x);
        _mm256_storeu_pd(cosines, r.y);
      });
}

void sincos_avx(const float* angles, std::size_t count, float* cos_out, float* sin_out) {
  sincos_in_vectors<float, 8>(angles, count, cos_out, sin_out,
                              [](const float* in, float* sines, float* cosines) {
                                const Sleef___m256_2 r = Sleef_sincosf8_u10avx(_mm256_loadu_ps(in));
                                _mm256_storeu_ps(sines, r.x);
                                _mm256_storeu_ps(cosines, r.y);
                              });
}

}  // namespace ropesweep::detail
