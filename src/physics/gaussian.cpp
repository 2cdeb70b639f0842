#include "ropesweep/physics/gaussian.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

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
  // Gauss-Legendre nodes on (-1, 1) (positive half; weights per node), for 6, 12
  // and 20 points, chosen by |r| as in Genz's code.
  static const double w6[] = {0.1713244923791705, 0.3607615730481384, 0.4679139345726904};
  static const double x6[] = {0.9324695142031522, 0.6612093864662647, 0.2386191860831970};
  static const double w12[] = {0.04717533638651177, 0.1069393259953183, 0.1600783285433464,
                               0.2031674267230659,  0.2334925365383547, 0.2491470458134029};
  static const double x12[] = {0.9815606342467191, 0.9041172563704750, 0.7699026741943050,
                               0.5873179542866171, 0.3678314989981802, 0.1252334085114692};
  static const double w20[] = {0.01761400713915212, 0.04060142980038694, 0.06267204833410906,
                               0.08327674157670475, 0.1019301198172404,  0.1181945319615184,
                               0.1316886384491766,  0.1420961093183821,  0.1491729864726037,
                               0.1527533871307259};
  static const double x20[] = {0.9931285991850949, 0.9639719272779138, 0.9122344282513259,
                               0.8391169718222188, 0.7463319064601508, 0.6360536807265150,
                               0.5108670019508271, 0.3737060887154196, 0.2277858511416451,
                               0.07652652113349733};
  const double* w;
  const double* x;
  int count;
  if (std::fabs(r) < 0.3) {
    w = w6, x = x6, count = 3;
  } else if (std::fabs(r) < 0.75) {
    w = w12, x = x12, count = 6;
  } else {
    w = w20, x = x20, count = 10;
  }

  double hk = h * k;
  double bvn = 0.0;
  if (std::fabs(r) < 0.925) {
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
  if (std::fabs(r) < 0.925) {
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

}  // namespace ropesweep
