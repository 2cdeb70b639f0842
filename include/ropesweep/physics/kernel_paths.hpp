#pragma once
// Which vector instructions the kernels use on this processor, and the versions of the
// numerical libraries they are built on: provenance for every results file.
#include <string>

namespace ropesweep {

// e.g. "vector path avx512 (ROPESWEEP_SIMD=avx512 takes it again); decay and bmin walks:
// AVX2; pairwise block kernel, sincos and normal draws: AVX-512F (...); probe products and
// attention: Eigen built for AVX-512F, AVX2 and FMA (...); ..."; in a build with
// ROPESWEEP_GENERIC_KERNELS, "... generic C++, no vector intrinsics ...".
std::string kernel_instruction_sets();
std::string eigen_version();  // "3.4.0"
std::string sleef_version();  // "3.5.1"

}  // namespace ropesweep
