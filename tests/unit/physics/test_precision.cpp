#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/precision.hpp"
#include "ropesweep/physics/vector_path.hpp"

namespace ropesweep {
namespace {

float from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::uint32_t to_bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

// Independent bf16 reference: keep the top 16 bits of the fp32 pattern after
// adding half an ulp minus one plus the parity bit (round to nearest, ties to even).
float bf16_reference(float x) {
  const std::uint32_t bits = to_bits(x);
  const std::uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
  return from_bits(rounded);
}

TEST(Precision, NamesRoundTrip) {
  for (const auto& name : precision_names()) EXPECT_EQ(precision_name(parse_precision(name)), name);
  EXPECT_THROW(parse_precision("fp8"), Error);
}

TEST(Precision, Fp64IsIdentityAndFp32IsTheCast) {
  EXPECT_EQ(round_to(0.1, Precision::kFp64), 0.1);
  EXPECT_EQ(round_to(0.1, Precision::kFp32), static_cast<double>(0.1f));
  EXPECT_EQ(round_to(1e300, Precision::kFp32), std::numeric_limits<double>::infinity());
}

TEST(Precision, Bf16TiesGoToEven) {
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: the even neighbour is 1.
  EXPECT_EQ(round_to(1.0f + 0x1p-8f, Precision::kBf16), 1.0f);
  // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
  EXPECT_EQ(round_to(1.0f + 3 * 0x1p-8f, Precision::kBf16), 1.0f + 0x1p-6f);
  // Just above the tie rounds up.
  EXPECT_EQ(round_to(1.0f + 0x1p-8f + 0x1p-20f, Precision::kBf16), 1.0f + 0x1p-7f);
  EXPECT_EQ(round_to(-(1.0f + 0x1p-8f), Precision::kBf16), -1.0f);
}

TEST(Precision, Bf16SubnormalsOverflowAndSpecials) {
  // bf16 keeps fp32's exponent range: 2^-133 is its smallest subnormal.
  EXPECT_EQ(round_to(0x1p-133f, Precision::kBf16), 0x1p-133f);
  EXPECT_EQ(round_to(0x1p-134f, Precision::kBf16), 0.0f);  // tie with 0: even is 0
  EXPECT_EQ(round_to(0x1.8p-134f, Precision::kBf16), 0x1p-133f);
  const float largest = from_bits(0x7F7F0000u);  // (2 - 2^-7) * 2^127
  EXPECT_EQ(round_to(largest, Precision::kBf16), largest);
  EXPECT_EQ(round_to(std::numeric_limits<float>::max(), Precision::kBf16),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(round_to(-std::numeric_limits<float>::max(), Precision::kBf16),
            -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(round_to(std::numeric_limits<float>::quiet_NaN(), Precision::kBf16)));
  EXPECT_EQ(round_to(std::numeric_limits<float>::infinity(), Precision::kBf16),
            std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::signbit(round_to(-0.0f, Precision::kBf16)));
}

TEST(Precision, Bf16MatchesBitReferenceOnRandomPatterns) {
  RandomStream stream({1, 2, 3, 4});
  for (int i = 0; i < 200000; ++i) {
    const float x = from_bits(static_cast<std::uint32_t>(stream.next_u64()));
    if (std::isnan(x)) continue;
    ASSERT_EQ(to_bits(round_to(x, Precision::kBf16)), to_bits(bf16_reference(x))) << x;
  }
}

TEST(Precision, Fp16TiesSubnormalsAndOverflow) {
  EXPECT_EQ(round_to(1.0f + 0x1p-11f, Precision::kFp16), 1.0f);                // tie -> even
  EXPECT_EQ(round_to(1.0f + 3 * 0x1p-11f, Precision::kFp16), 1.0f + 0x1p-9f);  // tie -> even
  EXPECT_EQ(round_to(65504.0f, Precision::kFp16), 65504.0f);
  EXPECT_EQ(round_to(65519.0f, Precision::kFp16), 65504.0f);
  EXPECT_EQ(round_to(65520.0f, Precision::kFp16), std::numeric_limits<float>::infinity());
  EXPECT_EQ(round_to(0x1p-24f, Precision::kFp16), 0x1p-24f);  // smallest subnormal
  EXPECT_EQ(round_to(0x1p-25f, Precision::kFp16), 0.0f);      // tie with 0
  EXPECT_EQ(round_to(0x1.8p-25f, Precision::kFp16), 0x1p-24f);
  EXPECT_EQ(round_to(3 * 0x1p-25f, Precision::kFp16), 2 * 0x1p-24f);  // 1.5 ulp -> even (2)
  EXPECT_EQ(round_to(0.1, Precision::kFp16), 0.0999755859375);
}

TEST(Precision, Fp16KeepsElevenSignificantBits) {
  RandomStream stream({5, 6, 7, 8});
  for (int i = 0; i < 10000; ++i) {
    const double x = (stream.uniform_open() - 0.5) * 1000.0;
    const double y = round_to(x, Precision::kFp16);
    int exponent;
    std::frexp(x, &exponent);
    const double ulp = std::ldexp(1.0, exponent - 11);
    ASSERT_LE(std::fabs(y - x), 0.5 * ulp + 1e-12) << x;
    ASSERT_EQ(std::fmod(y, ulp), 0.0);
  }
}

TEST(Precision, DoublesAreRoundedOnceNotTwice) {
  // Just below the fp16 tie 207.1875 (between 207.125 and 207.25), closer than half
  // an fp32 ulp: rounding through fp32 would land on the tie and go to 207.25.
  EXPECT_EQ(round_to(207.1875 - 5e-6, Precision::kFp16), 207.125);
  EXPECT_EQ(round_to(207.1875 + 5e-6, Precision::kFp16), 207.25);
  EXPECT_EQ(round_to(207.1875, Precision::kFp16), 207.25);  // exact tie: even
  EXPECT_EQ(round_to(1.0 + 0x1p-8 - 1e-12, Precision::kBf16), 1.0);
  EXPECT_EQ(round_to(1.0 + 0x1p-8 + 1e-12, Precision::kBf16), 1.0 + 0x1p-7);
  EXPECT_EQ(round_to(1e300, Precision::kBf16), std::numeric_limits<double>::infinity());
  EXPECT_EQ(round_to(1e-300, Precision::kFp16), 0.0);
}

TEST(Precision, BulkRoundingMatchesScalar) {
  RandomStream stream({9, 9, 9, 9});
  std::vector<double> values(1000);
  fill_normal(stream, values.data(), values.size());
  for (Precision p : {Precision::kFp64, Precision::kFp32, Precision::kBf16, Precision::kFp16}) {
    std::vector<double> bulk = values;
    std::vector<float> bulk_float(values.begin(), values.end());
    round_to(bulk.data(), bulk.size(), p);
    round_to(bulk_float.data(), bulk_float.size(), p);
    for (std::size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(bulk[i], round_to(values[i], p));
      EXPECT_EQ(bulk_float[i], round_to(static_cast<float>(values[i]), p));
    }
  }
}

TEST(Precision, VectorisedBulkRoundingIsEigenBitForBit) {
  // The bulk fp32 path rounds with integer bit tricks; it must give Eigen's
  // bfloat16 / half result bit for bit on every exponent, on the ties and their
  // neighbours of both formats, and on random bit patterns (NaN only stays NaN), on every
  // vector path (each its own compiled loop).
  std::vector<std::uint32_t> patterns;
  RandomStream stream({10, 10, 10, 10});
  for (std::uint32_t sign : {0u, 0x80000000u}) {
    for (std::uint32_t exponent = 0; exponent < 256; ++exponent) {
      for (std::uint32_t low : {0x0u, 0x1u, 0x7fffu, 0x8000u, 0x8001u, 0x18000u, 0xfffu, 0x1000u,
                                0x1001u, 0x3000u, 0x7fffffu, 0x400000u}) {
        patterns.push_back(sign | (exponent << 23) | low);
      }
      for (int i = 0; i < 256; ++i) {
        patterns.push_back(sign | (exponent << 23) |
                           static_cast<std::uint32_t>(stream.next_u64() & 0x7fffffu));
      }
    }
  }
  for (int i = 0; i < 200000; ++i)
    patterns.push_back(static_cast<std::uint32_t>(stream.next_u64()));
  for (VectorPath path : available_vector_paths()) {
    use_vector_path(path);
    for (Precision p : {Precision::kBf16, Precision::kFp16}) {
      std::vector<float> bulk(patterns.size());
      for (std::size_t i = 0; i < patterns.size(); ++i) bulk[i] = from_bits(patterns[i]);
      round_to(bulk.data(), bulk.size(), p);
      for (std::size_t i = 0; i < patterns.size(); ++i) {
        const float scalar = round_to(from_bits(patterns[i]), p);
        if (std::isnan(scalar)) {
          EXPECT_TRUE(std::isnan(bulk[i]));
          continue;
        }
        std::uint32_t got, want;
        std::memcpy(&got, &bulk[i], sizeof got);
        std::memcpy(&want, &scalar, sizeof want);
        ASSERT_EQ(got, want) << std::hex << patterns[i] << " " << precision_name(p) << " "
                             << vector_path_name(path);
      }
    }
  }
  use_vector_path(available_vector_paths().back());
}

}  // namespace
}  // namespace ropesweep
