#pragma once
// The Gauss-Legendre rules of Genz's bivariate normal algorithm (gaussian.cpp and the
// vector paths of plackett_lanes.hpp): 6, 12 or 20 points on (-1, 1), chosen by |r| as in
// Genz's code, and the bounds of |r| that choose them.
#include <cmath>

namespace ropesweep {

struct GaussLegendreRule {
  const double* weights;  // per node pair
  const double* nodes;    // the positive half: the nodes are -nodes[i] and +nodes[i]
  int count;              // node pairs
};

// Plackett's quadrature serves |r| below this; above it, Drezner & Wesolowsky's expansion.
constexpr double kPlackettLimit = 0.925;

constexpr int kGaussLegendreRules = 3;

// Which rule |r| chooses: 0 (6 points), 1 (12) or 2 (20).
inline int gauss_legendre_rule_index(double r) {
  if (std::fabs(r) < 0.3) return 0;
  if (std::fabs(r) < 0.75) return 1;
  return 2;
}

inline GaussLegendreRule gauss_legendre_rule_at(int index) {
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
  if (index == 0) return {w6, x6, 3};
  if (index == 1) return {w12, x12, 6};
  return {w20, x20, 10};
}

inline GaussLegendreRule gauss_legendre_rule(double r) {
  return gauss_legendre_rule_at(gauss_legendre_rule_index(r));
}

}  // namespace ropesweep
