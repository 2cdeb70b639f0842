#pragma once
// The exact path's block product (BlockKernel::product): what one call computes, and its
// paths. Each path is compiled in a file of its own for its instruction set
// (block_product*.cpp, src/physics/CMakeLists.txt), from the one template of
// block_product_lanes.hpp.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ropesweep::detail {

// The table's rows are padded to a multiple of this many distances: the widest column block
// of any path (block_product_lanes.hpp).
constexpr std::int64_t kColumnBlock = 16;

// Where the factors of a column block come from: the angle-addition tables and the split
// indices (r = high K + low) of each distance.
struct FactorSource {
  std::int64_t pairs;
  const double *coarse_cos, *coarse_sin, *fine_cos, *fine_sin;
  const std::int64_t *high, *low;
};

struct ProductJob {
  const double* features;  // rows x depth
  std::int64_t rows, depth;
  double* out;                 // rows x count
  std::int64_t count, stride;  // distances, padded row length of a whole table
  const double* supplied;      // a whole [cos; sin] table (depth x stride), or null...
  FactorSource factors;        // ...for slices built from these
  double* slice;               // room for one slice, [cos rows; sin rows] x kColumnBlock
};

// Room for `count` doubles in `storage` from its first cache-line (64-byte) boundary, which
// is returned: the product's vector loads of a slice then never straddle two lines, which
// would cost a second load each.
inline double* cache_aligned(std::vector<double>& storage, std::size_t count) {
  storage.resize(count + 64 / sizeof(double));
  const auto misalignment = reinterpret_cast<std::uintptr_t>(storage.data()) % 64;
  return storage.data() + (64 - misalignment) % 64 / sizeof(double);
}

void product_generic(const ProductJob& job);
void product_sse2(const ProductJob& job);    // x86 builds only
void product_avx2(const ProductJob& job);    // AVX2 + FMA
void product_avx512(const ProductJob& job);  // AVX-512F

}  // namespace ropesweep::detail
