// The xsimd product for avx2 (xsimd_product.hpp), in a file compiled for it.
#include "xsimd_product.hpp"

namespace ropesweep::bench {
template void XsimdProduct::operator()<xsimd::avx2>(xsimd::avx2, const ProductJob&) const;
}  // namespace ropesweep::bench
