#pragma once
// The xsimd kernels' declarations, and their instantiations for the three architectures as
// extern templates: xsimd_product.hpp defines them, each xsimd_<arch>.cpp instantiates its
// own in a file compiled for it, and xsimd_dispatch.cpp (the build's baseline) only calls.
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "product_job.hpp"

namespace ropesweep::bench {

struct XsimdProduct {
  template <class Arch>
  void operator()(Arch, const ProductJob& job) const;
};

struct XsimdSinCos {
  template <class Arch>
  void operator()(Arch, const double* angles, std::int64_t count, double* cos_out,
                  double* sin_out) const;
};

#define ROPESWEEP_XSIMD_EXTERN(arch)                                                     \
  extern template void XsimdProduct::operator()<xsimd::arch>(xsimd::arch,                \
                                                             const ProductJob&) const;   \
  extern template void XsimdSinCos::operator()<xsimd::arch>(xsimd::arch, const double*,  \
                                                            std::int64_t, double*, double*) const;
ROPESWEEP_XSIMD_EXTERN(sse4_2)
ROPESWEEP_XSIMD_EXTERN(avx2)
ROPESWEEP_XSIMD_EXTERN(avx512f)
#undef ROPESWEEP_XSIMD_EXTERN

}  // namespace ropesweep::bench
