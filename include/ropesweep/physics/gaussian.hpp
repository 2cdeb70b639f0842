#pragma once
// Normal probabilities used by the conditional (Gaussian-given-q) estimators.

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

}  // namespace ropesweep
