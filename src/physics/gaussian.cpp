#include "ropesweep/physics/gaussian.hpp"

#include <sleef.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "gauss_legendre.hpp"
#include "plackett_lanes.hpp"
#include "plackett_paths.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_target.hpp"

#if ROPESWEEP_X86_KERNELS
#include <emmintrin.h>
#endif

namespace ropesweep {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

namespace {

// The special cases of P(X > h, Y > k): an infinite limit, or r = 0. Sets `value` and says
// whether it applies.
bool bivariate_special_case(double h, double k, double r, double& value) {
  if (std::isinf(h) && h > 0) return value = 0.0, true;
  if (std::isinf(k) && k > 0) return value = 0.0, true;
  if (std::isinf(h)) return value = std::isinf(k) ? 1.0 : normal_cdf(-k), true;
  if (std::isinf(k)) return value = normal_cdf(-h), true;
  if (r == 0.0) return value = normal_cdf(-h) * normal_cdf(-k), true;
  return false;
}

// Genz's BVNU in two parts. The first, the quadrature, depends on h and k only through
// h k, h^2 + k^2 and (h - k)^2 (the last after k's sign flip for r < 0), so (h, k) and
// (-h, -k) share it bit for bit; the second adds the normal distribution terms of (h, k).
// r in [-1, 1], not 0; h and k finite.
double bivariate_quadrature(double h, double k, double r) {
  constexpr double kTwoPi = 2.0 * M_PI;
  const GaussLegendreRule rule = gauss_legendre_rule(r);
  const double* w = rule.weights;
  const double* x = rule.nodes;
  const int count = rule.count;

  double hk = h * k;
  double bvn = 0.0;
  if (std::fabs(r) < kPlackettLimit) {
    // Integral of the density's r-derivative from 0 to asin(r) (Plackett's identity).
    const double hs = (h * h + k * k) / 2.0;
    const double asr = std::asin(r) / 2.0;
    for (int i = 0; i < count; ++i) {
      for (int sign : {-1, 1}) {
        const double sn = std::sin(asr * (1.0 + sign * x[i]));
        bvn += w[i] * std::exp((sn * hk - hs) / (1.0 - sn * sn));
      }
    }
    return bvn * asr / kTwoPi;
  }
  // |r| close to 1: expansion around the degenerate case (Drezner & Wesolowsky).
  if (r < 0.0) {
    k = -k;
    hk = -hk;
  }
  if (std::fabs(r) < 1.0) {
    const double as = (1.0 - r) * (1.0 + r);
    double a = std::sqrt(as);
    const double bs = (h - k) * (h - k);
    const double c = (4.0 - hk) / 8.0;
    const double d = (12.0 - hk) / 16.0;
    double asr = -(bs / as + hk) / 2.0;
    if (asr > -100.0) {
      bvn = a * std::exp(asr) *
            (1.0 - c * (bs - as) * (1.0 - d * bs / 5.0) / 3.0 + c * d * as * as / 5.0);
    }
    if (hk > -100.0) {
      const double b = std::sqrt(bs);
      const double sp = std::sqrt(kTwoPi) * normal_cdf(-b / a);
      bvn -= std::exp(-hk / 2.0) * sp * b * (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0);
    }
    a /= 2.0;
    for (int i = 0; i < count; ++i) {
      for (int sign : {-1, 1}) {
        const double xs = std::pow(a * (1.0 + sign * x[i]), 2);
        const double rs = std::sqrt(1.0 - xs);
        asr = -(bs / xs + hk) / 2.0;
        if (asr > -100.0) {
          const double sp = 1.0 + c * xs * (1.0 + d * xs);
          const double ep = std::exp(-hk * xs / (2.0 * (1.0 + rs) * (1.0 + rs))) / rs;
          bvn += a * w[i] * std::exp(asr) * (ep - sp);
        }
      }
    }
    bvn = -bvn / kTwoPi;
  }
  return bvn;
}

// `k_tails`: Phi(k) and Phi(-k), which the caller may share between calls.
double bivariate_with_quadrature(double quadrature, double h, double k, double r,
                                 NormalTails k_tails) {
  double bvn = quadrature;
  if (std::fabs(r) < kPlackettLimit) {
    return std::clamp(bvn + normal_cdf(-h) * k_tails.above, 0.0, 1.0);
  }
  if (r < 0.0) {
    k = -k;
    std::swap(k_tails.below, k_tails.above);
  }
  if (r > 0.0) {
    bvn += h >= k ? normal_cdf(-h) : k_tails.above;  // Phi(-max(h, k))
  } else if (h >= k) {
    bvn = -bvn;
  } else {
    const double between = h < 0.0 ? k_tails.below - normal_cdf(h) : normal_cdf(-h) - k_tails.above;
    bvn = between - bvn;
  }
  return std::clamp(bvn, 0.0, 1.0);
}

}  // namespace

NormalTails normal_tails(double k) { return {normal_cdf(k), normal_cdf(-k)}; }

double bivariate_normal_upper(double h, double k, double r) {
  double value;
  if (bivariate_special_case(h, k, r, value)) return value;
  r = std::clamp(r, -1.0, 1.0);
  return bivariate_with_quadrature(bivariate_quadrature(h, k, r), h, k, r, normal_tails(k));
}

double bivariate_normal_concordant(double h, double k, double r, const NormalTails& k_tails) {
  double upper, lower;
  if (bivariate_special_case(h, k, r, upper) || bivariate_special_case(-h, -k, r, lower)) {
    return bivariate_normal_upper(h, k, r) + bivariate_normal_upper(-h, -k, r);
  }
  r = std::clamp(r, -1.0, 1.0);
  const double quadrature = bivariate_quadrature(h, k, r);
  return bivariate_with_quadrature(quadrature, h, k, r, k_tails) +
         bivariate_with_quadrature(quadrature, -h, -k, r, {k_tails.above, k_tails.below});
}

double bivariate_normal_concordant(double h, double k, double r) {
  return bivariate_normal_concordant(h, k, r, normal_tails(k));
}

namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
struct PortableMath {  // SLEEF's portable scalar entry points: the generic path
  double asin(double x) const { return Sleef_asind1_u10purec(x); }
  double sin(double x) const { return Sleef_sind1_u10purec(x); }
  double exp(double x) const { return Sleef_expd1_u10purec(x); }
};
#if ROPESWEEP_X86_KERNELS
struct Sse2Math {
  detail::Lanes<2> asin(detail::Lanes<2> x) const { return Sleef_asind2_u10sse2(x); }
  detail::Lanes<2> sin(detail::Lanes<2> x) const { return Sleef_sind2_u10sse2(x); }
  detail::Lanes<2> exp(detail::Lanes<2> x) const { return Sleef_expd2_u10sse2(x); }
};
#endif
#pragma GCC diagnostic pop

void plackett_concordant(const detail::PlackettJob& job) {
#if ROPESWEEP_X86_KERNELS
  switch (vector_path()) {
    case VectorPath::kAvx512:
      return detail::plackett_concordant_avx512(job);
    case VectorPath::kAvx2:
      return detail::plackett_concordant_avx(job);
    case VectorPath::kSse2:
      return plackett_concordant_lanes<2>(job, Sse2Math{});
    case VectorPath::kGeneric:
      break;
  }
#endif
  plackett_concordant_lanes<1>(job, PortableMath{});
}

}  // namespace

void bivariate_normal_concordant(const double* h, const double* k, const NormalTails* k_tails,
                                 const double* r, std::size_t count, double* out) {
  // The points of each Gauss-Legendre rule, gathered and padded to whole batches; the special
  // cases and |r| >= kPlackettLimit one at a time.
  std::vector<std::size_t> by_rule[kGaussLegendreRules], alone;
  for (std::size_t i = 0; i < count; ++i) {
    const bool plackett = std::isfinite(h[i]) && std::isfinite(k[i]) && r[i] != 0.0 &&
                          std::fabs(r[i]) < kPlackettLimit;
    if (plackett) {
      by_rule[gauss_legendre_rule_index(r[i])].push_back(i);
    } else {
      alone.push_back(i);
    }
  }
  enum Column { kH, kK, kR, kPhiMinusH, kPhiH, kPhiMinusK, kPhiK, kOut, kColumns };
  std::vector<double> batch;
  for (int rule = 0; rule < kGaussLegendreRules; ++rule) {
    const std::vector<std::size_t>& members = by_rule[rule];
    if (members.empty()) continue;
    const std::size_t padded = (members.size() + detail::kPlackettLanes - 1) /
                               detail::kPlackettLanes * detail::kPlackettLanes;
    // Padding, whose results are dropped: h = k = r = 0.5, a finite point of any rule.
    batch.assign(kColumns * padded, 0.5);
    auto column = [&](Column c) { return batch.data() + c * padded; };
    for (std::size_t m = 0; m < members.size(); ++m) {
      const std::size_t i = members[m];
      column(kH)[m] = h[i];
      column(kK)[m] = k[i];
      column(kR)[m] = r[i];
      column(kPhiMinusH)[m] = normal_cdf(-h[i]);
      column(kPhiH)[m] = normal_cdf(h[i]);
      column(kPhiMinusK)[m] = k_tails[i].above;
      column(kPhiK)[m] = k_tails[i].below;
    }
    plackett_concordant({column(kH), column(kK), column(kR), column(kPhiMinusH), column(kPhiH),
                         column(kPhiMinusK), column(kPhiK), padded, gauss_legendre_rule_at(rule),
                         column(kOut)});
    for (std::size_t m = 0; m < members.size(); ++m) out[members[m]] = column(kOut)[m];
  }
  for (std::size_t i : alone) out[i] = bivariate_normal_concordant(h[i], k[i], r[i], k_tails[i]);
}

}  // namespace ropesweep
