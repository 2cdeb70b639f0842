// The xsimd product for sse4_2 (xsimd_product.hpp), in a file compiled for it.
#include "xsimd_product.hpp"

namespace ropesweep::bench {
template void XsimdProduct::operator()<xsimd::sse4_2>(xsimd::sse4_2, const ProductJob&) const;
}  // namespace ropesweep::bench
