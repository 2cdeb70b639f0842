#pragma once
// The wide vector paths of sincos_bulk, each in a translation unit compiled for its
// instruction set (src/physics/CMakeLists.txt): SLEEF's AVX (no FMA) and AVX-512F-without-FMA
// entry points, which give the bits of its SSE2 and portable ones (checked over 5e6 random
// angles, double and float; the ctest cli.vector_paths_same_bits compares whole sweeps).
#include <cstddef>

namespace ropesweep::detail {

void sincos_avx(const double* angles, std::size_t count, double* cos_out, double* sin_out);
void sincos_avx(const float* angles, std::size_t count, float* cos_out, float* sin_out);
void sincos_avx512(const double* angles, std::size_t count, double* cos_out, double* sin_out);
void sincos_avx512(const float* angles, std::size_t count, float* cos_out, float* sin_out);

}  // namespace ropesweep::detail
