// The generic and SSE2 paths of the block product, compiled with the project's baseline
// flags (block_product_lanes.hpp). Without an FMA unit their multiply-adds are the C
// library's std::fma, exact but slow: the processors that lack one (before 2013) are the only
// ones that take these paths in production.
#include "block_product_lanes.hpp"
#include "vector_target.hpp"

namespace ropesweep::detail {

void product_generic(const ProductJob& job) { product_on<1>(job); }
#if ROPESWEEP_X86_KERNELS
void product_sse2(const ProductJob& job) { product_on<2>(job); }
#endif

}  // namespace ropesweep::detail
