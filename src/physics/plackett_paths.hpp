#pragma once
// The vector paths of bivariate_normal_concordant over many points (gaussian.hpp): one batch
// of points that share one Gauss-Legendre rule, and the function of each path
// (plackett_lanes.hpp; the AVX and AVX-512F ones in files compiled for them).
#include <cstddef>

#include "gauss_legendre.hpp"
#include "ropesweep/physics/gaussian.hpp"

namespace ropesweep::detail {

constexpr std::size_t kPlackettLanes = 8;  // the widest path: batches are padded to it

struct PlackettJob {
  // count values each, count a multiple of kPlackettLanes: the points (h, k, r), every
  // |r| below kPlackettLimit and choosing `rule`, none 0, h and k finite; and the normal
  // tails normal_cdf(-h), normal_cdf(h), normal_cdf(-k), normal_cdf(k) of each.
  const double *h, *k, *r;
  const double *phi_minus_h, *phi_h, *phi_minus_k, *phi_k;
  std::size_t count;
  GaussLegendreRule rule;
  double* out;  // the concordant probability of each point
};

void plackett_concordant_avx(const PlackettJob& job);
void plackett_concordant_avx512(const PlackettJob& job);

}  // namespace ropesweep::detail
