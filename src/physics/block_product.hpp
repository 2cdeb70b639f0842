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
constexpr std::int64_t kColumnBlock = 32;

// Where the factors of a column block come from: the angle-addition tables and the split
// indices (r = high K + low) of each distance.
struct FactorSource {
  std::int64_t pairs;
  const double *coarse_cos, *coarse_sin, *fine_cos, *fine_sin;
  const std::int64_t *high, *low;
};

// What the features of a row are computed from (pair_features in block_product_lanes.hpp):
// a query and its key, for scores ([F; G], depth 2 pairs:
// F_t = s^2 (a x + b y), G_t = -s^2 (b x - a y) for the pair (a, b) of q, (x, y) of k), or a
// query alone, for profiles (F_t = s^2 (a^2 + b^2), depth pairs).
struct FeatureSource {
  const double* queries;  // rows x head_dim
  const double* keys;     // rows x head_dim, or null: profiles
  std::int64_t head_dim, pairs;
  bool interleaved;  // pair t at (2t, 2t + 1); else at (t, t + pairs)
  double scale_squared;
};

struct ProductJob {
  FeatureSource source;
  double* features;  // room for rows x depth, filled first
  std::int64_t rows, depth;
  double* out;                 // rows x count
  std::int64_t count, stride;  // distances, padded row length of a whole table
  const double* supplied;      // a whole [cos; sin] table (depth x stride), or null...
  FactorSource factors;        // ...for slices built from these
  double* slice;               // room for one slice, [cos rows; sin rows] x kColumnBlock
};

// Room for `count` doubles in `storage` from its first cache-line (64-byte) boundary, which
// is returned: the product's vector loads and stores of a slice or of features then never
// straddle two lines, which would cost a second access each.
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
