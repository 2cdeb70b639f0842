#pragma once
// Box-Muller over whole vectors of one width, for the translation units that hold one vector
// path each (normal_draws.cpp, normal_draws_avx.cpp, normal_draws_avx512.cpp). Internal
// linkage: each of them compiles it for its own instruction set, and no copy may stand in for
// another's.
#include <cmath>
#include <cstddef>

namespace ropesweep {
namespace {

// `pairs` pairs of uniforms (u, v), interleaved, into r cos(2 pi v), r sin(2 pi v) with
// r = sqrt(-2 log u), interleaved likewise. `call(u, halfturns, log, sin, cos)` is one SLEEF
// vector log of u and sincospi of the angles in half turns (2v, exact) over N lanes. The tail
// is padded with 1/2; SLEEF computes each lane on its own, so neither the width nor the
// padding changes a bit. sqrt and the products are IEEE operations, rounded the same on
// every path (-ffp-contract=off).
template <std::size_t N, typename Call>
void box_muller_in_vectors(const double* uniforms, std::size_t pairs, double* out, Call call) {
  alignas(64) double u[N], halfturns[N], logs[N], sines[N], cosines[N];
  for (std::size_t i = 0; i < pairs; i += N) {
    const std::size_t lanes = pairs - i < N ? pairs - i : N;
    for (std::size_t k = 0; k < N; ++k) {
      u[k] = k < lanes ? uniforms[2 * (i + k)] : 0.5;
      halfturns[k] = k < lanes ? 2.0 * uniforms[2 * (i + k) + 1] : 0.5;
    }
    call(u, halfturns, logs, sines, cosines);
    for (std::size_t k = 0; k < lanes; ++k) {
      const double radius = std::sqrt(-2.0 * logs[k]);
      out[2 * (i + k)] = radius * cosines[k];
      out[2 * (i + k) + 1] = radius * sines[k];
    }
  }
}

}  // namespace
}  // namespace ropesweep
