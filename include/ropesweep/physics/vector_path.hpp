#pragma once
// The one choice of vector instructions for the hand-vectorised kernels of the whole program
// (the decay and b_min walks, the pairwise block kernel): plain C++, and on x86-64 (unless
// built with ROPESWEEP_GENERIC_KERNELS) SSE2, AVX2 and AVX-512F where the processor has them.
// Every path does the same IEEE operations in the same order per value, so all give the same
// bits; the fastest available one runs unless a test or ROPESWEEP_SIMD chooses another.
// A kernel without a version for the chosen path takes the widest one it has below it (the
// walks have none for AVX-512F and run AVX2 there).
#include <string>
#include <vector>

namespace ropesweep {

enum class VectorPath { kGeneric, kSse2, kAvx2, kAvx512 };  // narrowest to widest

std::vector<VectorPath> available_vector_paths();  // kGeneric first, fastest last
void use_vector_path(VectorPath path);             // throws Error for one not available
VectorPath vector_path();
const char* vector_path_name(VectorPath path);  // "generic C++", "SSE2", "AVX2", "AVX-512F"
// By the key a user gives (ROPESWEEP_SIMD): generic, sse2, avx2, avx512; throws Error naming
// the available ones for any other key or one not available here.
VectorPath vector_path_keyed(const std::string& key);

}  // namespace ropesweep
