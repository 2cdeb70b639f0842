#pragma once
// The block kernel's product with xsimd (product_job.hpp), a template over xsimd's
// architecture tags. xsimd chooses its registers from the compiler's target macros
// (__AVX2__, __AVX512F__), so each architecture's instantiation lives in a file of its own
// compiled with -mavx2 or -mavx512f (xsimd_avx2.cpp, ...), and xsimd::dispatch calls the one
// the processor supports.
#include <algorithm>
#include <xsimd/xsimd.hpp>

#include "product_job.hpp"
#include "xsimd_kernels.hpp"

namespace ropesweep::bench {

template <class Arch>
void XsimdSinCos::operator()(Arch, const double* angles, std::int64_t count, double* cos_out,
                             double* sin_out) const {
  using Batch = xsimd::batch<double, Arch>;
  for (std::int64_t i = 0; i < count; i += static_cast<std::int64_t>(Batch::size)) {
    const auto [sin, cos] = xsimd::sincos(Batch::load_unaligned(angles + i));
    cos.store_unaligned(cos_out + i);
    sin.store_unaligned(sin_out + i);
  }
}

namespace xsimd_detail {

template <class Arch, int kRows>
inline void block_rows(const ProductJob& job, std::int64_t c, std::int64_t j0, std::int64_t width) {
  using Batch = xsimd::batch<double, Arch>;
  constexpr int kLanes = static_cast<int>(Batch::size);
  constexpr int kVectors = kColumnBlock / kLanes;
  const std::int64_t depth = job.depth;
  const double* features = job.features + c * depth;
  Batch sums[kRows][kVectors];
  for (int i = 0; i < kRows; ++i) {
    for (int h = 0; h < kVectors; ++h) sums[i][h] = Batch(0.0);
  }
  for (std::int64_t k = 0; k < depth; ++k) {
    const double* row = job.table + k * job.stride + j0;
    Batch factors[kVectors];
    for (int h = 0; h < kVectors; ++h) factors[h] = Batch::load_unaligned(row + h * kLanes);
    for (int i = 0; i < kRows; ++i) {
      const Batch x(features[i * depth + k]);
      for (int h = 0; h < kVectors; ++h) sums[i][h] = sums[i][h] + x * factors[h];
    }
  }
  for (int i = 0; i < kRows; ++i) {
    double block[kColumnBlock];
    for (int h = 0; h < kVectors; ++h) sums[i][h].store_unaligned(block + h * kLanes);
    std::copy(block, block + width, job.out + (c + i) * job.count + j0);
  }
}

template <class Arch, int kRows>
inline void block_rows_from(const ProductJob& job, std::int64_t c, std::int64_t j0,
                            std::int64_t width) {
  for (; c + kRows <= job.rows; c += kRows) block_rows<Arch, kRows>(job, c, j0, width);
  if constexpr (kRows > 1) block_rows_from<Arch, kRows / 2>(job, c, j0, width);
}

}  // namespace xsimd_detail

template <class Arch>
void XsimdProduct::operator()(Arch, const ProductJob& job) const {
  constexpr int kRowBlock = xsimd::batch<double, Arch>::size >= 4 ? 4 : 2;
  for (std::int64_t j0 = 0; j0 < job.stride; j0 += kColumnBlock) {
    const std::int64_t width = std::min(kColumnBlock, job.count - j0);
    xsimd_detail::block_rows_from<Arch, kRowBlock>(job, 0, j0, width);
  }
}

}  // namespace ropesweep::bench
