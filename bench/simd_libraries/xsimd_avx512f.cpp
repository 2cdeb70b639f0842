// The xsimd product and sincos for avx512f (xsimd_product.hpp), in a file compiled for it.
#include "xsimd_product.hpp"

namespace ropesweep::bench {
template void XsimdProduct::operator()<xsimd::avx512f>(xsimd::avx512f, const ProductJob&) const;
template void XsimdSinCos::operator()<xsimd::avx512f>(xsimd::avx512f, const double*, std::int64_t,
                                                      double*, double*) const;
}  // namespace ropesweep::bench
