#include "ropesweep/physics/sincos.hpp"

#include <sleef.h>

#include <algorithm>

#include "vector_target.hpp"

#if ROPESWEEP_X86_KERNELS
#include <emmintrin.h>
#endif

namespace ropesweep {

#if ROPESWEEP_X86_KERNELS

void sincos_bulk(const double* angles, std::size_t count, double* cos_out, double* sin_out) {
  std::size_t i = 0;
  for (; i + 2 <= count; i += 2) {
    const Sleef___m128d_2 r = Sleef_sincosd2_u10sse2(_mm_loadu_pd(angles + i));
    _mm_storeu_pd(sin_out + i, r.x);
    _mm_storeu_pd(cos_out + i, r.y);
  }
  if (i < count) {
    alignas(16) double in[2] = {angles[i], 0.0}, s[2], c[2];
    const Sleef___m128d_2 r = Sleef_sincosd2_u10sse2(_mm_load_pd(in));
    _mm_store_pd(s, r.x);
    _mm_store_pd(c, r.y);
    sin_out[i] = s[0];
    cos_out[i] = c[0];
  }
}

void sincos_bulk(const float* angles, std::size_t count, float* cos_out, float* sin_out) {
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const Sleef___m128_2 r = Sleef_sincosf4_u10sse2(_mm_loadu_ps(angles + i));
    _mm_storeu_ps(sin_out + i, r.x);
    _mm_storeu_ps(cos_out + i, r.y);
  }
  if (i < count) {
    alignas(16) float in[4] = {0.0f, 0.0f, 0.0f, 0.0f}, s[4], c[4];
    const std::size_t rest = count - i;
    std::copy(angles + i, angles + count, in);
    const Sleef___m128_2 r = Sleef_sincosf4_u10sse2(_mm_load_ps(in));
    _mm_store_ps(s, r.x);
    _mm_store_ps(c, r.y);
    std::copy(s, s + rest, sin_out + i);
    std::copy(c, c + rest, cos_out + i);
  }
}

#else

// SLEEF's portable scalar entry points: the algorithm of its SSE2 ones, one lane at a
// time, with the same bits (each lane of a vector call is computed on its own).
void sincos_bulk(const double* angles, std::size_t count, double* cos_out, double* sin_out) {
  for (std::size_t i = 0; i < count; ++i) {
    const Sleef_double_2 r = Sleef_sincosd1_u10purec(angles[i]);
    sin_out[i] = r.x;
    cos_out[i] = r.y;
  }
}

void sincos_bulk(const float* angles, std::size_t count, float* cos_out, float* sin_out) {
  for (std::size_t i = 0; i < count; ++i) {
    const Sleef_float_2 r = Sleef_sincosf1_u10purec(angles[i]);
    sin_out[i] = r.x;
    cos_out[i] = r.y;
  }
}

#endif

}  // namespace ropesweep
