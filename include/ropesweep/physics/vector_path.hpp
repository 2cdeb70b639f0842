#pragma once
// The one choice of vector instructions for the whole program: the hand-vectorised kernels
// (the decay and b_min walks, the pairwise block kernel, sincos) in plain C++, and on x86-64
// (unless built with ROPESWEEP_GENERIC_KERNELS) in SSE2, AVX2 and AVX-512F where the
// processor has them; and the transformer probe, whose Eigen code is compiled once for the
// build's target, once for AVX2 + FMA and once for AVX-512F (src/physics/probe_path.hpp).
// The hand-vectorised kernels do the same IEEE operations in the same order per value on
// every path, so all give the same bits; the probe's bits depend on the path (its products
// sum in another order), so a run agrees on one path over all ranks and records it. The
// fastest available path runs unless a test or ROPESWEEP_SIMD chooses another. A kernel
// without a version for the chosen path takes the widest one it has below it (the walks
// have none for AVX-512F and run AVX2 there; generic takes the probe of the build's target).
#include <string>
#include <vector>

namespace ropesweep {

enum class VectorPath { kGeneric, kSse2, kAvx2, kAvx512 };  // narrowest to widest

std::vector<VectorPath> available_vector_paths();  // kGeneric first, fastest last
void use_vector_path(VectorPath path);             // throws Error for one not available
VectorPath vector_path();
const char* vector_path_name(VectorPath path);  // "generic C++", "SSE2", "AVX2", "AVX-512F"
const char* vector_path_key(VectorPath path);   // "generic", "sse2", "avx2", "avx512"
// By the key a user gives (ROPESWEEP_SIMD): generic, sse2, avx2, avx512; throws Error naming
// the available ones for any other key or one not available here.
VectorPath vector_path_keyed(const std::string& key);
// Uses the path the environment variable ROPESWEEP_SIMD names, if it is set and not empty;
// throws Error beginning "ROPESWEEP_SIMD: " for a key vector_path_keyed refuses.
void use_vector_path_from_environment();

}  // namespace ropesweep
