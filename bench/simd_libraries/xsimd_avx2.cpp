// The xsimd product and sincos for avx2 (xsimd_product.hpp), in a file compiled for it.
#include "xsimd_product.hpp"

namespace ropesweep::bench {
template void XsimdProduct::operator()<xsimd::avx2>(xsimd::avx2, const ProductJob&) const;
template void XsimdSinCos::operator()<xsimd::avx2>(xsimd::avx2, const double*, std::int64_t,
                                                   double*, double*) const;
}  // namespace ropesweep::bench
