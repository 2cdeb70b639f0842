#pragma once
// cos and sin of many angles at once, vectorised (SLEEF, SSE2 code path so that
// every x86-64 machine computes the same bits; max error 1 ulp, whole range).
// The pairwise block kernel builds its per-frequency tables with these.
#include <cstddef>

namespace ropesweep {

void sincos_bulk(const double* angles, std::size_t count, double* cos_out, double* sin_out);
void sincos_bulk(const float* angles, std::size_t count, float* cos_out, float* sin_out);

}  // namespace ropesweep
