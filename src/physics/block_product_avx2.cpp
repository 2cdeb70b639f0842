// Compiled with -mavx2 -mfma (src/physics/CMakeLists.txt); called only on the AVX2 path,
// which the processor takes only when it has both.
#include "block_product_lanes.hpp"

namespace ropesweep::detail {

void product_avx2(const ProductJob& job) { product_on<4>(job); }

}  // namespace ropesweep::detail
