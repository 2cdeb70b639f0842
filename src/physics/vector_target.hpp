#pragma once
// The one switch between the x86 vector kernels (SSE2, and AVX2 and AVX-512F where the
// processor has them: vector_path.hpp; SLEEF's SSE2 entry points) and the generic C++
// ones (plain loops, SLEEF's portable scalar entry points). Both do the same IEEE operations in the
// same order per lane, so they give the same bits; the generic ones build on any processor and are
// the reference the vector ones are checked against (scripts/test-generic.sh).
// ROPESWEEP_GENERIC_KERNELS (CMake option of the same name) selects them on x86 too.
#if defined(__SSE2__) && !defined(ROPESWEEP_GENERIC_KERNELS)
#define ROPESWEEP_X86_KERNELS 1
#else
#define ROPESWEEP_X86_KERNELS 0
#endif
