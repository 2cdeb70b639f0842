#include "ropesweep/physics/precision.hpp"

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_target.hpp"

namespace ropesweep {
namespace {

struct PrecisionName {
  Precision precision;
  const char* name;
};

constexpr PrecisionName kPrecisionNames[] = {
    {Precision::kFp64, "fp64"},
    {Precision::kFp32, "fp32"},
    {Precision::kBf16, "bf16"},
    {Precision::kFp16, "fp16"},
};

template <typename Sixteen>
float through(float value) {
  return static_cast<float>(Sixteen(value));
}

// fp64 -> fp32 with round-to-odd: an inexact result is replaced by the neighbour
// whose last significand bit is 1. Rounding that to a format with at most 22
// significand bits (bf16: 8, fp16: 11) gives the correctly rounded result of the
// original double (Boldo & Melquiond, IEEE TC 2008), which plain fp64 -> fp32 ->
// 16-bit rounding does not (it mis-rounds values just off a 16-bit tie).
float to_fp32_round_to_odd(double value) {
  float rounded = static_cast<float>(value);
  if (std::isnan(value) || static_cast<double>(rounded) == value) return rounded;
  if (std::fabs(static_cast<double>(rounded)) > std::fabs(value)) {
    rounded = std::nextafter(rounded, 0.0f);
  }
  std::uint32_t bits;
  std::memcpy(&bits, &rounded, sizeof bits);
  bits |= 1u;
  std::memcpy(&rounded, &bits, sizeof bits);
  return rounded;
}

}  // namespace

Precision parse_precision(const std::string& name) {
  for (const auto& entry : kPrecisionNames) {
    if (name == entry.name) return entry.precision;
  }
  throw Error("unknown precision '" + name + "' (known: fp64, fp32, bf16, fp16)");
}

std::string precision_name(Precision precision) {
  for (const auto& entry : kPrecisionNames) {
    if (precision == entry.precision) return entry.name;
  }
  throw Error("invalid precision value");
}

std::vector<std::string> precision_names() {
  std::vector<std::string> names;
  for (const auto& entry : kPrecisionNames) names.emplace_back(entry.name);
  return names;
}

float round_to(float value, Precision precision) {
  switch (precision) {
    case Precision::kFp64:
    case Precision::kFp32:
      return value;
    case Precision::kBf16:
      return through<Eigen::bfloat16>(value);
    case Precision::kFp16:
      return through<Eigen::half>(value);
  }
  return value;
}

double round_to(double value, Precision precision) {
  switch (precision) {
    case Precision::kFp64:
      return value;
    case Precision::kFp32:
      return static_cast<double>(static_cast<float>(value));
    case Precision::kBf16:
    case Precision::kFp16:
      return static_cast<double>(round_to(to_fp32_round_to_odd(value), precision));
  }
  return value;
}

void round_to(double* values, std::size_t count, Precision precision) {
  if (precision == Precision::kFp64) return;
  for (std::size_t i = 0; i < count; ++i) values[i] = round_to(values[i], precision);
}

namespace {

// Branch-free bit-level rounding of fp32 values, written so the compiler
// vectorises the loops. Bitwise the results of Eigen::bfloat16 / Eigen::half for
// every non-NaN input (tested on all exponents and ties); a NaN stays a NaN. Integer
// operations and one exact-by-construction fp32 addition: every vector width gives the
// same bits, so each loop is inlined into one function per vector path (below) and the
// compiler vectorises it for that path's registers.
[[gnu::always_inline]] inline void round_bf16_loop(float* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &values[i], sizeof bits);
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    const std::uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) & 0xffff0000u;
    bits = magnitude > 0x7f800000u ? bits : rounded;  // NaN: keep (carry would corrupt it)
    std::memcpy(&values[i], &bits, sizeof bits);
  }
}

[[gnu::always_inline]] inline void round_fp16_loop(float* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &values[i], sizeof bits);
    const std::uint32_t sign = bits & 0x80000000u;
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    // Normal half range (>= 2^-14): keep 10 fraction bits, ties to even; past
    // the largest half (65504) the carry reaches 65536 and becomes infinity.
    std::uint32_t normal = (magnitude + 0xfffu + ((magnitude >> 13) & 1u)) & 0xffffe000u;
    normal = normal >= 0x47800000u ? 0x7f800000u : normal;
    // Subnormal half range: multiples of 2^-24. Adding 0.5 puts the value where
    // the fp32 spacing is 2^-24, so the hardware's round-to-nearest-even does it.
    float small_value;
    std::memcpy(&small_value, &magnitude, sizeof small_value);
    small_value = (small_value + 0.5f) - 0.5f;
    std::uint32_t small;
    std::memcpy(&small, &small_value, sizeof small);
    std::uint32_t result = magnitude < 0x38800000u ? small : normal;
    result = magnitude > 0x7f800000u ? magnitude : result;  // NaN stays NaN
    bits = sign | result;
    std::memcpy(&values[i], &bits, sizeof bits);
  }
}

using RoundLoop = void (*)(float*, std::size_t);

template <bool kBf16>
void round_baseline(float* values, std::size_t count) {
  kBf16 ? round_bf16_loop(values, count) : round_fp16_loop(values, count);
}
#if ROPESWEEP_X86_KERNELS
template <bool kBf16>
__attribute__((target("avx2"))) void round_avx2(float* values, std::size_t count) {
  kBf16 ? round_bf16_loop(values, count) : round_fp16_loop(values, count);
}
template <bool kBf16>
__attribute__((target("avx512f"))) void round_avx512(float* values, std::size_t count) {
  kBf16 ? round_bf16_loop(values, count) : round_fp16_loop(values, count);
}
#endif

// The generic and SSE2 paths share the build's target (SSE2 is the x86-64 baseline).
template <bool kBf16>
RoundLoop round_loop() {
  switch (vector_path()) {
#if ROPESWEEP_X86_KERNELS
    case VectorPath::kAvx512:
      return &round_avx512<kBf16>;
    case VectorPath::kAvx2:
      return &round_avx2<kBf16>;
#endif
    default:
      return &round_baseline<kBf16>;
  }
}

}  // namespace

void round_to(float* values, std::size_t count, Precision precision) {
  switch (precision) {
    case Precision::kFp64:
    case Precision::kFp32:
      return;
    case Precision::kBf16:
      round_loop<true>()(values, count);
      return;
    case Precision::kFp16:
      round_loop<false>()(values, count);
      return;
  }
}

}  // namespace ropesweep
