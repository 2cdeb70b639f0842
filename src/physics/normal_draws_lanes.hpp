#pragma once
// Box-Muller over whole vectors of one width, for the translation units that hold one vector
// path each (normal_draws.cpp, normal_draws_avx.cpp, normal_draws_avx512.cpp). Internal
// linkage: each of them compiles it for its own instruction set, and no copy may stand in for
// another's.
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "lanes.hpp"

namespace ropesweep {
namespace {

// `pairs` pairs of uniforms (u, v), interleaved, into r cos(2 pi v), r sin(2 pi v) with
// r = sqrt(-2 log u), interleaved likewise. `call(u, halfturns, log, sin, cos)` is one SLEEF
// vector log of u and sincospi of the angles in half turns (2v, exact) over N lanes, through
// aligned buffers of N values. The uniforms are split, and the draws joined, in registers;
// the tail is padded with 1/2. SLEEF computes each lane on its own, so neither the width
// nor the padding changes a bit. The square root and the products are IEEE operations,
// rounded the same on every path (-ffp-contract=off).
template <std::size_t N, typename Call>
void box_muller_in_vectors(const double* uniforms, std::size_t pairs, double* out, Call call) {
  using detail::Lanes;
  constexpr int kN = static_cast<int>(N);
  alignas(64) double u[N], halfturns[N], logs[N], sines[N], cosines[N];
  const Lanes<kN> two = detail::broadcast_lanes<kN>(2.0), minus_two = detail::broadcast_lanes<kN>(-2.0);
  auto finish = [&](double* to) {  // from logs, sines, cosines; N pairs into `to`
    const Lanes<kN> radius = detail::sqrt_lanes<kN>(minus_two * detail::load_lanes<kN>(logs));
    Lanes<kN> low, high;
    detail::interleave_lanes<kN>(radius * detail::load_lanes<kN>(cosines),
                                 radius * detail::load_lanes<kN>(sines), low, high);
    detail::store_lanes<kN>(to, low);
    detail::store_lanes<kN>(to + N, high);
  };
  const std::size_t whole = pairs - pairs % N;
  for (std::size_t i = 0; i < whole; i += N) {
    Lanes<kN> first, second;
    detail::deinterleave_lanes<kN>(detail::load_lanes<kN>(uniforms + 2 * i),
                                   detail::load_lanes<kN>(uniforms + 2 * i + N), first, second);
    detail::store_lanes<kN>(u, first);
    detail::store_lanes<kN>(halfturns, two * second);
    call(u, halfturns, logs, sines, cosines);
    finish(out + 2 * i);
  }
  if (whole == pairs) return;
  const std::size_t lanes = pairs - whole;
  for (std::size_t k = 0; k < N; ++k) {
    u[k] = k < lanes ? uniforms[2 * (whole + k)] : 0.5;
    halfturns[k] = k < lanes ? 2.0 * uniforms[2 * (whole + k) + 1] : 0.5;
  }
  call(u, halfturns, logs, sines, cosines);
  double tail[2 * N];
  finish(tail);
  std::copy(tail, tail + 2 * lanes, out + 2 * whole);
}

}  // namespace
}  // namespace ropesweep
