// Compiled with -mavx512f (src/physics/CMakeLists.txt); called only on the AVX-512F path.
#include "block_product_lanes.hpp"

namespace ropesweep::detail {

void product_avx512(const ProductJob& job) { product_on<8>(job); }

}  // namespace ropesweep::detail
