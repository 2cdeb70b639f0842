#pragma once
// Plackett's quadrature of the concordant pair (bivariate_normal_concordant) for many points
// at once, written once for every vector width N (lanes.hpp), for the files that hold one
// vector path each (gaussian.cpp: generic and SSE2; gaussian_avx.cpp; gaussian_avx512.cpp).
// Internal linkage: each of them compiles it for its own instruction set, and no copy may
// stand in for another's.
//
// Per point, on every path, the scalar algorithm's operations in its order (gaussian.cpp,
// bivariate_quadrature and bivariate_with_quadrature), with SLEEF's asin, sin and exp for the
// C library's: SLEEF computes each lane on its own, so every width gives the same bits. The
// normal tails of h and k come with the batch, from the scalar normal_cdf (SLEEF's erfc,
// 1.5 ulp in double-double arithmetic, costs more than the C library's).
#include <cmath>
#include <cstddef>

#include "gauss_legendre.hpp"
#include "lanes.hpp"
#include "plackett_paths.hpp"

namespace ropesweep {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// `math` has asin, sin and exp of a Lanes<N>, SLEEF's entry points of the path.
template <int kLanes, typename Math>
void plackett_concordant_lanes(const detail::PlackettJob& job, Math math) {
  using detail::broadcast_lanes;
  using L = detail::Lanes<kLanes>;
  constexpr double kTwoPi = 2.0 * M_PI;
  const L zero = broadcast_lanes<kLanes>(0.0);
  const L one = broadcast_lanes<kLanes>(1.0), two = broadcast_lanes<kLanes>(2.0);
  auto clamp_to_unit = [&](L v) {  // std::clamp(v, 0.0, 1.0)
    v = v < zero ? zero : v;
    return v > one ? one : v;
  };
  for (std::size_t i = 0; i < job.count; i += kLanes) {
    const L h = detail::load_lanes<kLanes>(job.h + i), r = detail::load_lanes<kLanes>(job.r + i);
    const L k = detail::load_lanes<kLanes>(job.k + i);
    const L hk = h * k, hs = (h * h + k * k) / two;
    const L asr = math.asin(r) / two;
    L bvn = zero;
    for (int n = 0; n < job.rule.count; ++n) {
      const L weight = broadcast_lanes<kLanes>(job.rule.weights[n]);
      for (double offset : {-job.rule.nodes[n], job.rule.nodes[n]}) {
        const L sn = math.sin(asr * (one + broadcast_lanes<kLanes>(offset)));
        bvn = bvn + weight * math.exp((sn * hk - hs) / (one - sn * sn));
      }
    }
    const L quadrature = bvn * asr / broadcast_lanes<kLanes>(kTwoPi);
    const L upper = clamp_to_unit(quadrature + detail::load_lanes<kLanes>(job.phi_minus_h + i) *
                                                   detail::load_lanes<kLanes>(job.phi_minus_k + i));
    const L lower = clamp_to_unit(quadrature + detail::load_lanes<kLanes>(job.phi_h + i) *
                                                   detail::load_lanes<kLanes>(job.phi_k + i));
    detail::store_lanes<kLanes>(job.out + i, upper + lower);
  }
}

#pragma GCC diagnostic pop

}  // namespace
}  // namespace ropesweep
