// The xsimd product for avx512f (xsimd_product.hpp), in a file compiled for it.
#include "xsimd_product.hpp"

namespace ropesweep::bench {
template void XsimdProduct::operator()<xsimd::avx512f>(xsimd::avx512f, const ProductJob&) const;
}  // namespace ropesweep::bench
