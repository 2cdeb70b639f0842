#pragma once
// The pairwise block kernel's product (src/physics/pairwise.cpp, block_rows), written with
// Google Highway and with xsimd for bench/simd_libraries.cpp: out (rows x count) =
// features (rows x depth) * table (depth x stride, padded to whole column blocks), each
// output the sum over k = 0 .. depth-1, in order, of features[k] * table[k], a product then
// a sum (no fused multiply-add), starting from 0.0: the operations and order of the
// project's kernel, so equal bits are expected. Column blocks of 8 distances, rows in
// register blocks of 4 (2 on 128-bit vectors), as the project's kernel takes them.
#include <cstdint>
#include <vector>

namespace ropesweep::bench {

constexpr std::int64_t kColumnBlock = 8;

struct ProductJob {
  const double* features;  // rows x depth
  std::int64_t rows, depth;
  const double* table;  // depth x stride
  std::int64_t stride;
  double* out;  // rows x count
  std::int64_t count;
};

// Google Highway, HWY_DYNAMIC_DISPATCH over its targets SCALAR (portable C++, one lane),
// SSE4, AVX2 and AVX3 (AVX-512F/BW/DQ/VL). `fused`: the sum as MulAdd, Highway's idiom, which is
// one FMA instruction on AVX2 and AVX3 and a product then a sum elsewhere.
void highway_product(const ProductJob& job, bool fused = false);
// The targets compiled in and supported here, best last, and their names.
std::vector<std::int64_t> highway_targets();
const char* highway_target_name(std::int64_t target);
// The target HWY_DYNAMIC_DISPATCH takes from now on (0: the best supported again); the
// name of the one it takes.
void highway_choose(std::int64_t target);
const char* highway_dispatched_name();

// cos and sin of `count` angles (a multiple of 8) with Highway's contrib/math Cos and Sin
// on the target HWY_DYNAMIC_DISPATCH takes.
void highway_sincos(const double* angles, std::int64_t count, double* cos_out, double* sin_out);

// xsimd: one instantiation per architecture, each in a file compiled for it.
enum class XsimdArch { kSse4_2, kAvx2, kAvx512f };
void xsimd_product(XsimdArch arch, const ProductJob& job);
// cos and sin of `count` angles (a multiple of 8) with xsimd::sincos.
void xsimd_sincos(XsimdArch arch, const double* angles, std::int64_t count, double* cos_out,
                  double* sin_out);
// Through xsimd::dispatch over avx512f, avx2, sse4_2 (the best the processor has).
void xsimd_dispatched_product(const ProductJob& job);
const char* xsimd_dispatched_name();
bool xsimd_available(XsimdArch arch);

}  // namespace ropesweep::bench
