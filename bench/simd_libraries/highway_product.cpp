// The block kernel's product with Google Highway (product_job.hpp): compiled once per
// target by re-including itself through foreach_target.h, each copy inside Highway's
// target pragmas; HWY_DYNAMIC_DISPATCH chooses among them at run time.

// All attainable targets, so that the portable one (SCALAR) is compiled too (by default the
// baseline's best alone); without SSSE3 (the x86-64-v2 baseline lacks AES and PCLMUL, which
// Highway's SSE4 target requires, so SSSE3 would be its static target) and AVX3_DL (the
// same AVX-512F arithmetic for this kernel).
#ifndef HWY_COMPILE_ALL_ATTAINABLE
#define HWY_COMPILE_ALL_ATTAINABLE
#endif
#ifndef HWY_DISABLED_TARGETS
#define HWY_DISABLED_TARGETS (HWY_SSSE3 | HWY_AVX3_DL)
#endif

#include <algorithm>

#include "product_job.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "highway_product.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// After highway.h, inside the re-included part: contrib headers have per-target guards.
#include <hwy/contrib/math/math-inl.h>

HWY_BEFORE_NAMESPACE();
namespace ropesweep::bench {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using Tag = hn::CappedTag<double, kColumnBlock>;  // 2, 4, 8 lanes on SSE4, AVX2, AVX3
constexpr int kLanes = static_cast<int>(hn::MaxLanes(Tag()));
constexpr int kVectors = kColumnBlock / kLanes;
constexpr int kRowBlock = kLanes >= 4 ? 4 : 2;

template <int kRows, bool kFused>
HWY_INLINE void block_rows(const ProductJob& job, std::int64_t c, std::int64_t j0,
                           std::int64_t width) {
  const Tag d;
  using V = hn::Vec<Tag>;
  const std::int64_t depth = job.depth;
  const double* features = job.features + c * depth;
  V sums[kRows][kVectors];
  for (int i = 0; i < kRows; ++i) {
    for (int h = 0; h < kVectors; ++h) sums[i][h] = hn::Zero(d);
  }
  for (std::int64_t k = 0; k < depth; ++k) {
    const double* row = job.table + k * job.stride + j0;
    V factors[kVectors];
    for (int h = 0; h < kVectors; ++h) factors[h] = hn::LoadU(d, row + h * kLanes);
    for (int i = 0; i < kRows; ++i) {
      const V x = hn::Set(d, features[i * depth + k]);
      for (int h = 0; h < kVectors; ++h) {
        if constexpr (kFused) {
          sums[i][h] = hn::MulAdd(x, factors[h], sums[i][h]);
        } else {
          sums[i][h] = hn::Add(sums[i][h], hn::Mul(x, factors[h]));
        }
      }
    }
  }
  for (int i = 0; i < kRows; ++i) {
    double block[kColumnBlock];
    for (int h = 0; h < kVectors; ++h) hn::StoreU(sums[i][h], d, block + h * kLanes);
    std::copy(block, block + width, job.out + (c + i) * job.count + j0);
  }
}

template <int kRows, bool kFused>
HWY_INLINE void block_rows_from(const ProductJob& job, std::int64_t c, std::int64_t j0,
                                std::int64_t width) {
  for (; c + kRows <= job.rows; c += kRows) block_rows<kRows, kFused>(job, c, j0, width);
  if constexpr (kRows > 1) block_rows_from<kRows / 2, kFused>(job, c, j0, width);
}

template <bool kFused>
HWY_INLINE void product_on(const ProductJob& job) {
  for (std::int64_t j0 = 0; j0 < job.stride; j0 += kColumnBlock) {
    const std::int64_t width = std::min(kColumnBlock, job.count - j0);
    block_rows_from<kRowBlock, kFused>(job, 0, j0, width);
  }
}

void product(const ProductJob& job) { product_on<false>(job); }
void fused_product(const ProductJob& job) { product_on<true>(job); }
const char* dispatched_name() { return hwy::TargetName(HWY_TARGET); }

void sincos(const double* angles, std::int64_t count, double* cos_out, double* sin_out) {
  const Tag d;
  for (std::int64_t i = 0; i < count; i += kLanes) {
    const auto x = hn::LoadU(d, angles + i);
    hn::StoreU(hn::Cos(d, x), d, cos_out + i);
    hn::StoreU(hn::Sin(d, x), d, sin_out + i);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ropesweep::bench
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ropesweep::bench {

HWY_EXPORT(product);
HWY_EXPORT(fused_product);
HWY_EXPORT(dispatched_name);
HWY_EXPORT(sincos);

void highway_sincos(const double* angles, std::int64_t count, double* cos_out, double* sin_out) {
  HWY_DYNAMIC_DISPATCH(sincos)(angles, count, cos_out, sin_out);
}

void highway_product(const ProductJob& job, bool fused) {
  if (fused) {
    HWY_DYNAMIC_DISPATCH(fused_product)(job);
  } else {
    HWY_DYNAMIC_DISPATCH(product)(job);
  }
}

std::vector<std::int64_t> highway_targets() {
  std::vector<std::int64_t> targets = hwy::SupportedAndGeneratedTargets();
  std::reverse(targets.begin(), targets.end());  // lower bits are better targets
  return targets;
}

const char* highway_target_name(std::int64_t target) { return hwy::TargetName(target); }

void highway_choose(std::int64_t target) { hwy::SetSupportedTargetsForTest(target); }

const char* highway_dispatched_name() { return HWY_DYNAMIC_DISPATCH(dispatched_name)(); }

}  // namespace ropesweep::bench
#endif  // HWY_ONCE
