#pragma once
// The wide vector paths of fill_normal, each in a translation unit compiled for its
// instruction set (src/physics/CMakeLists.txt): SLEEF's AVX (no FMA) and AVX-512F-without-FMA
// log and sincospi, which give the bits of its SSE2 and portable ones (NormalDraws tests;
// the ctest cli.vector_paths_same_bits compares whole sweeps).
#include <cstddef>

namespace ropesweep::detail {

// See box_muller_in_vectors (normal_draws_lanes.hpp).
void box_muller_avx(const double* uniforms, std::size_t pairs, double* out);
void box_muller_avx512(const double* uniforms, std::size_t pairs, double* out);

}  // namespace ropesweep::detail
