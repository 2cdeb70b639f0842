#pragma once
// The exact path's product, written once for every vector width N (lanes.hpp): N = 1 is the
// generic C++ path, 2 SSE2, 4 AVX2, 8 AVX-512F. Internal linkage: each file that includes it
// compiles it for its own instruction set, and no copy may stand in for another's.
//
// Per value, on every path: the features of a row are computed first (pair_features); a
// factor is the angle addition of the coarse and fine rows, cos = fma(cc, fc, -(cs fs)),
// sin = fma(cs, fc, cc fs) (one product, then one fused multiply-add: multiply_add_lanes,
// whose product is not rounded before the sum); and an output is sum over k = 0 .. depth-1,
// in order, of feature[k] * factor[k], each term added by one fused multiply-add. A vector
// holds N columns (distances), never N values of k, so the order of every sum is the same on
// every path, and so are the bits.
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "block_product.hpp"
#include "lanes.hpp"

namespace ropesweep::detail {
namespace {

// Lanes<N> values pass between always-inlined functions only (lanes.hpp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// Distances per column block: one fused multiply-add waits four cycles for the one before it
// on the same sum, and two issue per cycle, so a register block needs at least eight sums;
// with one broadcast feature per row and one load of factors per vector of a row, each k
// also loads kRows + kColumns / N values. AVX-512 takes four vectors of columns (32) by four
// rows: sixteen sums, eight loads for sixteen multiply-adds (two vectors, eight sums, ran at
// 0.7 of this rate); its slice, 32 distances x d, still fits L1 beside the features. The
// narrower paths take one block of 8 (kColumnBlock, the padding of the table, is a multiple
// of both).
template <int kLanes>
constexpr std::int64_t kColumns = kLanes == 8 ? 32 : 8;
static_assert(kColumnBlock % kColumns<8> == 0 && kColumnBlock % kColumns<1> == 0);

template <int kLanes>
ROPESWEEP_ALWAYS_INLINE void add_angles(const FactorSource& source, std::int64_t j, std::int64_t t,
                                        Lanes<kLanes>& cos, Lanes<kLanes>& sin) {
  const std::int64_t coarse = source.high[j] * source.pairs + t;
  const std::int64_t fine = source.low[j] * source.pairs + t;
  const Lanes<kLanes> cc = load_lanes<kLanes>(source.coarse_cos + coarse);
  const Lanes<kLanes> cs = load_lanes<kLanes>(source.coarse_sin + coarse);
  const Lanes<kLanes> fc = load_lanes<kLanes>(source.fine_cos + fine);
  const Lanes<kLanes> fs = load_lanes<kLanes>(source.fine_sin + fine);
  cos = multiply_add_lanes<kLanes>(cc, fc, -(cs * fs));  // cos(x + y)
  sin = multiply_add_lanes<kLanes>(cs, fc, cc * fs);     // sin(x + y)
}

// The factors of distances j0 .. j0 + kColumns - 1 (pairs x kColumns cos rows, then as many
// sin rows when asked for). The tables are contiguous in t, the slice in j: N distances x N
// frequencies at a time make an N x N block that is transposed in registers, so loads and stores
// are both whole vectors; the frequencies beyond the last whole block one at a time.
template <int kLanes, std::int64_t kCols>
ROPESWEEP_ALWAYS_INLINE void factor_slice(const FactorSource& source, std::int64_t j0,
                                          bool with_sin, double* slice) {
  const std::int64_t pairs = source.pairs;
  double* cos_slice = slice;
  double* sin_slice = slice + pairs * kCols;
  const std::int64_t t_vector_end = pairs - pairs % kLanes;
  for (std::int64_t j = j0; j < j0 + kCols; j += kLanes) {
    for (std::int64_t t = 0; t < t_vector_end; t += kLanes) {
      Lanes<kLanes> cos[kLanes], sin[kLanes];  // [distance][frequency]
      for (int i = 0; i < kLanes; ++i) add_angles<kLanes>(source, j + i, t, cos[i], sin[i]);
      transpose_lanes<kLanes>(cos);  // [frequency][distance]
      for (int i = 0; i < kLanes; ++i)
        store_lanes<kLanes>(cos_slice + (t + i) * kCols + (j - j0), cos[i]);
      if (!with_sin) continue;
      transpose_lanes<kLanes>(sin);
      for (int i = 0; i < kLanes; ++i)
        store_lanes<kLanes>(sin_slice + (t + i) * kCols + (j - j0), sin[i]);
    }
  }
  for (std::int64_t j = 0; j < kCols; ++j) {
    for (std::int64_t t = t_vector_end; t < pairs; ++t) {
      add_angles<1>(source, j0 + j, t, cos_slice[t * kCols + j], sin_slice[t * kCols + j]);
    }
  }
}

// out rows c .. c + kRows - 1, columns j0 .. j0 + width - 1, from one column block of the
// table (depth rows of kColumns values, row_stride apart). Every accumulator stays in a
// register.
template <int kLanes, std::int64_t kCols, int kRows>
ROPESWEEP_ALWAYS_INLINE void block_rows(const ProductJob& job, std::int64_t c, const double* table,
                                        std::int64_t row_stride, std::int64_t j0,
                                        std::int64_t width) {
  constexpr int kVectors = kCols / kLanes;
  const std::int64_t depth = job.depth;
  const double* features = job.features + c * depth;
  Lanes<kLanes> sums[kRows][kVectors];
  for (int i = 0; i < kRows; ++i) {
    for (int h = 0; h < kVectors; ++h) sums[i][h] = broadcast_lanes<kLanes>(0.0);
  }
  for (std::int64_t k = 0; k < depth; ++k) {
    const double* row = table + k * row_stride;
    Lanes<kLanes> factors[kVectors];
#pragma GCC unroll 8
    for (int h = 0; h < kVectors; ++h) factors[h] = load_lanes<kLanes>(row + h * kLanes);
#pragma GCC unroll 4
    for (int i = 0; i < kRows; ++i) {
      const Lanes<kLanes> x = broadcast_lanes<kLanes>(features[i * depth + k]);
#pragma GCC unroll 8
      for (int h = 0; h < kVectors; ++h)
        sums[i][h] = multiply_add_lanes<kLanes>(x, factors[h], sums[i][h]);
    }
  }
  for (int i = 0; i < kRows; ++i) {
    double block[kCols];
    for (int h = 0; h < kVectors; ++h) store_lanes<kLanes>(block + h * kLanes, sums[i][h]);
    std::copy(block, block + width, job.out + (c + i) * job.count + j0);
  }
}

// Rows c .. rows-1 in blocks of kRows, then of kRows / 2, ..., 1.
template <int kLanes, std::int64_t kCols, int kRows>
ROPESWEEP_ALWAYS_INLINE void block_rows_from(const ProductJob& job, std::int64_t c,
                                             const double* table, std::int64_t row_stride,
                                             std::int64_t j0, std::int64_t width) {
  for (; c + kRows <= job.rows; c += kRows) {
    block_rows<kLanes, kCols, kRows>(job, c, table, row_stride, j0, width);
  }
  if constexpr (kRows > 1) {
    block_rows_from<kLanes, kCols, kRows / 2>(job, c, table, row_stride, j0, width);
  }
}

// Rows per register block: each sum's chain of multiply-adds waits on the previous one, so
// the wide paths take more rows at a time to keep the units busy (eight rows of AVX-512
// measured slower than four); SSE2 has registers for two rows only.
template <int kLanes>
constexpr int kRowBlock = kLanes >= 4 ? 4 : 2;

// The features of every row (FeatureSource), N pairs at a time: the pairs of an interleaved
// vector split in registers (deinterleave_lanes), those of a half-split one loaded as they
// lie. Each value is the same expression on every path.
template <int kLanes>
ROPESWEEP_ALWAYS_INLINE void pair_features(const ProductJob& job) {
  const FeatureSource& source = job.source;
  const std::int64_t pairs = source.pairs, head_dim = source.head_dim;
  auto features_at = [&](auto width, const double* q, const double* k, double* f, std::int64_t t) {
    constexpr int kWidth = decltype(width)::value;
    Lanes<kWidth> a, b, x, y;
    if (source.interleaved) {
      deinterleave_lanes<kWidth>(load_lanes<kWidth>(q + 2 * t),
                                 load_lanes<kWidth>(q + 2 * t + kWidth), a, b);
      if (k != nullptr) {
        deinterleave_lanes<kWidth>(load_lanes<kWidth>(k + 2 * t),
                                   load_lanes<kWidth>(k + 2 * t + kWidth), x, y);
      }
    } else {
      a = load_lanes<kWidth>(q + t);
      b = load_lanes<kWidth>(q + pairs + t);
      if (k != nullptr) {
        x = load_lanes<kWidth>(k + t);
        y = load_lanes<kWidth>(k + pairs + t);
      }
    }
    const Lanes<kWidth> scale = broadcast_lanes<kWidth>(source.scale_squared);
    if (k == nullptr) {
      store_lanes<kWidth>(f + t, scale * (a * a + b * b));
      return;
    }
    // Re[(a + ib)(x - iy) e^{i angle}] = (ax + by) cos - (bx - ay) sin
    store_lanes<kWidth>(f + t, scale * (a * x + b * y));
    store_lanes<kWidth>(f + pairs + t,
                        broadcast_lanes<kWidth>(-source.scale_squared) * (b * x - a * y));
  };
  for (std::int64_t c = 0; c < job.rows; ++c) {
    const double* q = source.queries + c * head_dim;
    const double* k = source.keys != nullptr ? source.keys + c * head_dim : nullptr;
    double* f = job.features + c * job.depth;
    std::int64_t t = 0;
    for (; t + kLanes <= pairs; t += kLanes) {
      features_at(std::integral_constant<int, kLanes>{}, q, k, f, t);
    }
    for (; t < pairs; ++t) features_at(std::integral_constant<int, 1>{}, q, k, f, t);
  }
}

// Column blocks outside, rows inside: each block's slice of the cos/sin table (depth x
// kCols) is built, and stays in L1, while every row reads it; the whole table is never
// stored. Blocks of kColumns distances while whole ones remain, then of half as many, down
// to one vector's: the last distances do not fill a wide block of padding.
template <int kLanes, std::int64_t kCols>
ROPESWEEP_ALWAYS_INLINE void product_from(const ProductJob& job, std::int64_t j0) {
  const bool with_sin = job.depth > job.factors.pairs;  // profiles need no sin rows
  const bool last = kCols == kLanes;  // the narrowest block also takes a partial one
  for (; last ? j0 < job.count : j0 + kCols <= job.count; j0 += kCols) {
    const double* table = job.slice;
    std::int64_t row_stride = kCols;
    if (job.supplied != nullptr) {
      table = job.supplied + j0;
      row_stride = job.stride;
    } else {
      factor_slice<kLanes, kCols>(job.factors, j0, with_sin, job.slice);
    }
    const std::int64_t width = std::min(kCols, job.count - j0);
    block_rows_from<kLanes, kCols, kRowBlock<kLanes>>(job, 0, table, row_stride, j0, width);
  }
  if constexpr (kCols > kLanes) product_from<kLanes, kCols / 2>(job, j0);
}

template <int kLanes>
ROPESWEEP_ALWAYS_INLINE void product_on(const ProductJob& job) {
  pair_features<kLanes>(job);
  product_from<kLanes, kColumns<kLanes>>(job, 0);
}

#pragma GCC diagnostic pop

}  // namespace
}  // namespace ropesweep::detail
