#pragma once
// Normal probabilities used by the conditional (Gaussian-given-q) estimators.
#include <cstddef>

namespace ropesweep {

// Phi(x), the standard normal distribution function.
double normal_cdf(double x);

// P(X > h, Y > k) for standard normal X, Y with correlation r in [-1, 1]: Genz's
// BVNU (Drezner & Wesolowsky 1990 with Genz's 2004 refinements), absolute error
// about 1e-15. Infinite h or k are allowed.
double bivariate_normal_upper(double h, double k, double r);

// Phi(k) and Phi(-k), the tails of one limit k.
struct NormalTails {
  double below = 0.0;  // Phi(k) = P(X < k)
  double above = 0.0;  // Phi(-k) = P(X > k)
};
NormalTails normal_tails(double k);

// P(X > h, Y > k) + P(X < h, Y < k), the same pair: bivariate_normal_upper(h, k, r) +
// bivariate_normal_upper(-h, -k, r) bit for bit, with the quadrature both share done once.
double bivariate_normal_concordant(double h, double k, double r);
// The same with normal_tails(k) given: computed once for many calls at one k.
double bivariate_normal_concordant(double h, double k, double r, const NormalTails& k_tails);

// The same at `count` points (h[i], k[i], r[i]) with k_tails[i] = normal_tails(k[i]), into
// out[i]. Points of Plackett's quadrature (finite h and k, 0 < |r| < 0.925) are evaluated
// several at a time on the program's vector path, with SLEEF's asin, sin and exp in place
// of the C library's: the same bits on every path, within a few 1e-16 of the function above,
// which this gives for the others.
void bivariate_normal_concordant(const double* h, const double* k, const NormalTails* k_tails,
                                 const double* r, std::size_t count, double* out);

}  // namespace ropesweep
