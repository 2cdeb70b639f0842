#include "ropesweep/physics/normal_draws.hpp"

#include <sleef.h>

#include <algorithm>

#include "normal_draws_lanes.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_target.hpp"

#if ROPESWEEP_X86_KERNELS
#include <emmintrin.h>

#include "normal_draws_wide.hpp"
#endif

namespace ropesweep {

// SLEEF's 1-ulp log and 0.506-ulp sincospi: the angle 2 pi v is passed as 2v half turns,
// exact, so no rounded product with pi and no argument reduction error; sincospi reduces by
// an exact subtraction, which makes it also cheaper than sincos. Each path takes SLEEF's
// entry points without FMA (portable scalar on the generic path, SSE2, AVX on the AVX2 path,
// AVX-512F-nofma), which compute the same operations per lane and so give the same bits; the
// generic path is the reference (as for sincos_bulk, sincos.cpp).

namespace {

constexpr std::size_t kChunkPairs = 256;  // uniforms of one chunk: 4 KiB on the stack

void box_muller(const double* uniforms, std::size_t pairs, double* out) {
#if ROPESWEEP_X86_KERNELS
  switch (vector_path()) {
    case VectorPath::kAvx512:
      return detail::box_muller_avx512(uniforms, pairs, out);
    case VectorPath::kAvx2:
      return detail::box_muller_avx(uniforms, pairs, out);
    case VectorPath::kSse2:
      return box_muller_in_vectors<2>(uniforms, pairs, out,
                                      [](const double* u, const double* halfturns, double* logs,
                                         double* sines, double* cosines) {
                                        _mm_store_pd(logs, Sleef_logd2_u35sse2(_mm_load_pd(u)));
                                        const Sleef___m128d_2 r =
                                            Sleef_sincospid2_u35sse2(_mm_load_pd(halfturns));
                                        _mm_store_pd(sines, r.x);
                                        _mm_store_pd(cosines, r.y);
                                      });
    case VectorPath::kGeneric:
      break;
  }
#endif
  box_muller_in_vectors<1>(
      uniforms, pairs, out,
      [](const double* u, const double* halfturns, double* logs, double* sines, double* cosines) {
        logs[0] = Sleef_logd1_u35purec(u[0]);
        const Sleef_double_2 r = Sleef_sincospid1_u35purec(halfturns[0]);
        sines[0] = r.x;
        cosines[0] = r.y;
      });
}

}  // namespace

void fill_normal(RandomStream& stream, double* out, std::size_t count) {
  double uniforms[2 * kChunkPairs];
  for (std::size_t done = 0; done < count; done += 2 * kChunkPairs) {
    const std::size_t values = std::min(count - done, 2 * kChunkPairs);
    const std::size_t pairs = values / 2;
    const bool odd = values % 2 != 0;  // only in the last chunk: its last pair loses its sine
    stream.fill_uniform_open(uniforms, 2 * (pairs + (odd ? 1 : 0)));
    box_muller(uniforms, pairs, out + done);
    if (odd) {
      double last[2];
      box_muller(uniforms + 2 * pairs, 1, last);
      out[done + values - 1] = last[0];
    }
  }
}

void fill_normal(RandomStream& stream, float* out, std::size_t count, double standard_deviation) {
  // Even chunks: the same draws as one call of the double version (see the header).
  double draws[2 * kChunkPairs];
  for (std::size_t done = 0; done < count; done += 2 * kChunkPairs) {
    const std::size_t values = std::min(count - done, 2 * kChunkPairs);
    fill_normal(stream, draws, values);
    for (std::size_t i = 0; i < values; ++i) {
      out[done + i] = static_cast<float>(standard_deviation * draws[i]);
    }
  }
}

}  // namespace ropesweep
