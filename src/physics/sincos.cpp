#include "ropesweep/physics/sincos.hpp"

#include <sleef.h>

#include "ropesweep/physics/vector_path.hpp"
#include "sincos_lanes.hpp"
#include "vector_target.hpp"

#if ROPESWEEP_X86_KERNELS
#include <emmintrin.h>

#include "sincos_wide.hpp"
#endif

namespace ropesweep {

// SLEEF's portable scalar entry points are the generic path: the algorithm of its vector
// ones, one lane at a time, with the same bits (each lane of a vector call is computed on its
// own). On x86 the vector path chosen for the program (vector_path.hpp) picks SSE2, AVX (on
// the AVX2 path; SLEEF's AVX2 entry points use FMA and would change bits) or AVX-512F without
// FMA.

namespace {

Sleef_double_2 portable_sincos(double angle) { return Sleef_sincosd1_u10purec(angle); }
Sleef_float_2 portable_sincos(float angle) { return Sleef_sincosf1_u10purec(angle); }

// `sse2(in, sin, cos)`: SLEEF's SSE2 sincos of kSse2Lanes values of T.
template <typename T, std::size_t kSse2Lanes, typename Sse2Call>
void sincos_on_path(const T* angles, std::size_t count, T* cos_out, T* sin_out,
                    [[maybe_unused]] Sse2Call sse2) {
#if ROPESWEEP_X86_KERNELS
  switch (vector_path()) {
    case VectorPath::kAvx512:
      return detail::sincos_avx512(angles, count, cos_out, sin_out);
    case VectorPath::kAvx2:
      return detail::sincos_avx(angles, count, cos_out, sin_out);
    case VectorPath::kSse2:
      return sincos_in_vectors<T, kSse2Lanes>(angles, count, cos_out, sin_out, sse2);
    case VectorPath::kGeneric:
      break;
  }
#endif
  for (std::size_t i = 0; i < count; ++i) {
    const auto r = portable_sincos(angles[i]);
    sin_out[i] = r.x;
    cos_out[i] = r.y;
  }
}

}  // namespace

void sincos_bulk(const double* angles, std::size_t count, double* cos_out, double* sin_out) {
  sincos_on_path<double, 2>(angles, count, cos_out, sin_out,
                            []([[maybe_unused]] const double* in, [[maybe_unused]] double* sines,
                               [[maybe_unused]] double* cosines) {
#if ROPESWEEP_X86_KERNELS
                              const Sleef___m128d_2 r = Sleef_sincosd2_u10sse2(_mm_loadu_pd(in));
                              _mm_storeu_pd(sines, r.x);
                              _mm_storeu_pd(cosines, r.y);
#endif
                            });
}

void sincos_bulk(const float* angles, std::size_t count, float* cos_out, float* sin_out) {
  sincos_on_path<float, 4>(angles, count, cos_out, sin_out,
                           []([[maybe_unused]] const float* in, [[maybe_unused]] float* sines,
                              [[maybe_unused]] float* cosines) {
#if ROPESWEEP_X86_KERNELS
                             const Sleef___m128_2 r = Sleef_sincosf4_u10sse2(_mm_loadu_ps(in));
                             _mm_storeu_ps(sines, r.x);
                             _mm_storeu_ps(cosines, r.y);
#endif
                           });
}

}  // namespace ropesweep
