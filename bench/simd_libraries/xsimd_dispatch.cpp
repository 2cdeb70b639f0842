// xsimd's dispatch over the three instantiations (xsimd_sse4_2.cpp, xsimd_avx2.cpp,
// xsimd_avx512f.cpp), compiled for the build's baseline.
#include <xsimd/xsimd.hpp>

#include "xsimd_kernels.hpp"

namespace ropesweep::bench {

using XsimdArchs = xsimd::arch_list<xsimd::avx512f, xsimd::avx2, xsimd::sse4_2>;

void xsimd_product(XsimdArch arch, const ProductJob& job) {
  switch (arch) {
    case XsimdArch::kAvx512f:
      return XsimdProduct{}(xsimd::avx512f{}, job);
    case XsimdArch::kAvx2:
      return XsimdProduct{}(xsimd::avx2{}, job);
    default:
      return XsimdProduct{}(xsimd::sse4_2{}, job);
  }
}

void xsimd_sincos(XsimdArch arch, const double* angles, std::int64_t count, double* cos_out,
                  double* sin_out) {
  switch (arch) {
    case XsimdArch::kAvx512f:
      return XsimdSinCos{}(xsimd::avx512f{}, angles, count, cos_out, sin_out);
    case XsimdArch::kAvx2:
      return XsimdSinCos{}(xsimd::avx2{}, angles, count, cos_out, sin_out);
    default:
      return XsimdSinCos{}(xsimd::sse4_2{}, angles, count, cos_out, sin_out);
  }
}

void xsimd_dispatched_product(const ProductJob& job) {
  static auto dispatched = xsimd::dispatch<XsimdArchs>(XsimdProduct{});
  dispatched(job);
}

struct ArchName {
  template <class Arch>
  const char* operator()(Arch) const {
    return Arch::name();
  }
};

const char* xsimd_dispatched_name() { return xsimd::dispatch<XsimdArchs>(ArchName{})(); }

bool xsimd_available(XsimdArch arch) {
  const auto available = xsimd::available_architectures();
  switch (arch) {
    case XsimdArch::kAvx512f:
      return available.avx512f;
    case XsimdArch::kAvx2:
      return available.avx2;
    default:
      return available.sse4_2;
  }
}

}  // namespace ropesweep::bench
