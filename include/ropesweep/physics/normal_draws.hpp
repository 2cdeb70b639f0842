#pragma once
// Standard normal draws in bulk: Box-Muller on Philox uniforms, vectorised on the program's
// vector path (vector_path.hpp) with SLEEF's entry points without FMA, so every path gives
// the same bits.
//
// Layout, a pure function of the stream's position and `count`: value 2j is r_j cos(t_j)
// and value 2j + 1 is r_j sin(t_j), with r_j = sqrt(-2 log u) and t_j = 2 pi v for the
// uniforms (u, v) = the stream's next two uniform_open() values. An odd count draws one more
// pair and drops its sine: nothing is kept for the next call, so a call always starts a
// fresh pair, and calls of even sizes give the same values as one call of their sum.
#include <cstddef>

#include "ropesweep/core/rng.hpp"

namespace ropesweep {

void fill_normal(RandomStream& stream, double* out, std::size_t count);

// static_cast<float>(standard_deviation * z) for the draws z of the double version.
void fill_normal(RandomStream& stream, float* out, std::size_t count, double standard_deviation);

}  // namespace ropesweep
