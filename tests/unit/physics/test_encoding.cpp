#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/normal_draws.hpp"

namespace ropesweep {
namespace {

std::vector<double> gaussian(int d, std::uint64_t substream) {
  RandomStream stream({7, 0, 99, substream});
  std::vector<double> x(d);
  fill_normal(stream, x.data(), d);
  return x;
}

EncodingConfig config(EncodingKind kind, int d = 64, double base = 10000.0) {
  EncodingConfig c;
  c.kind = kind;
  c.head_dim = d;
  c.base = base;
  return c;
}

// Interleaved (2t, 2t+1) -> half-split (t, t + d/2).
std::vector<double> to_half_split(const std::vector<double>& x) {
  const int pairs = static_cast<int>(x.size()) / 2;
  std::vector<double> y(x.size());
  for (int t = 0; t < pairs; ++t) {
    y[t] = x[2 * t];
    y[t + pairs] = x[2 * t + 1];
  }
  return y;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

TEST(Encoding, FrequenciesFollowTheBase) {
  const Encoding rope(config(EncodingKind::kRope, 128, 10000.0));
  ASSERT_EQ(rope.frequencies().size(), 64u);
  EXPECT_EQ(rope.frequencies()[0], 1.0);
  EXPECT_NEAR(rope.frequencies()[63], std::pow(10000.0, -126.0 / 128.0), 1e-18);
  EXPECT_NEAR(rope.frequencies()[63], 1.1548e-4, 5e-9);
}

TEST(Encoding, ScoreIsTheDotProductOfRotatedVectors) {
  for (EncodingKind kind : {EncodingKind::kRope, EncodingKind::kRopeHalf, EncodingKind::kYarn,
                            EncodingKind::kPi, EncodingKind::kPartial}) {
    EncodingConfig c = config(kind, 32, 500.0);
    c.scale = 4.0;
    c.train_length = 256;
    c.partial_fraction = 0.5;
    const Encoding encoding(c);
    const auto q = gaussian(32, 1), k = gaussian(32, 2);
    std::vector<double> rq(32), rk(32);
    for (double m : {0.0, 5.0, 1000.0}) {
      for (double r : {0.0, 1.0, 37.0}) {
        if (r > m) continue;
        encoding.rotate(q.data(), m, rq.data());
        encoding.rotate(k.data(), m - r, rk.data());
        EXPECT_NEAR(encoding.score(q.data(), k.data(), r), dot(rq, rk), 1e-10)
            << encoding_name(kind) << " m=" << m << " r=" << r;
      }
    }
  }
}

TEST(Encoding, CIsTheSelfScore) {
  const Encoding rope(config(EncodingKind::kRope));
  const auto q = gaussian(64, 3);
  EXPECT_NEAR(rope.C(q.data(), 0.0), dot(q, q), 1e-12);
  for (double r : {1.0, 10.0, 12345.0}) {
    EXPECT_NEAR(rope.C(q.data(), r), rope.score(q.data(), q.data(), r), 1e-10);
  }
}

TEST(Encoding, RopeAndRopeHalfAgreeAfterThePermutation) {
  const Encoding rope(config(EncodingKind::kRope));
  const Encoding half(config(EncodingKind::kRopeHalf));
  EXPECT_EQ(half.layout(), PairLayout::kHalfSplit);
  const auto q = gaussian(64, 4), k = gaussian(64, 5);
  const auto qh = to_half_split(q), kh = to_half_split(k);
  for (double r : {0.0, 1.0, 2.0, 100.0, 4095.0, 99999.0}) {
    EXPECT_NEAR(rope.score(q.data(), k.data(), r), half.score(qh.data(), kh.data(), r), 1e-12);
    EXPECT_NEAR(rope.C(q.data(), r), half.C(qh.data(), r), 1e-12);
  }
  std::vector<double> rotated(64), rotated_half(64);
  rope.rotate(q.data(), 777.0, rotated.data());
  half.rotate(qh.data(), 777.0, rotated_half.data());
  const auto permuted = to_half_split(rotated);
  for (int i = 0; i < 64; ++i) EXPECT_NEAR(permuted[i], rotated_half[i], 1e-12);
}

TEST(Encoding, PartialInterpolatesBetweenNopeAndRope) {
  EncodingConfig full = config(EncodingKind::kPartial);
  full.partial_fraction = 1.0;
  EncodingConfig none = config(EncodingKind::kPartial);
  none.partial_fraction = 0.0;
  EncodingConfig half = config(EncodingKind::kPartial);
  half.partial_fraction = 0.5;
  const Encoding rope(config(EncodingKind::kRope)), nope(config(EncodingKind::kNope));
  const Encoding p1(full), p0(none), p05(half);
  EXPECT_EQ(p05.rotated_pairs(), 16);
  EXPECT_EQ(p05.frequencies()[15], rope.frequencies()[15]);  // the highest ones rotate
  EXPECT_EQ(p05.frequencies()[16], 0.0);
  const auto q = gaussian(64, 6), k = gaussian(64, 7);
  for (double r : {0.0, 3.0, 5000.0}) {
    EXPECT_EQ(p1.score(q.data(), k.data(), r), rope.score(q.data(), k.data(), r));
    EXPECT_EQ(p0.score(q.data(), k.data(), r), nope.score(q.data(), k.data(), r));
    EXPECT_EQ(nope.score(q.data(), k.data(), r), nope.score(q.data(), k.data(), 0.0));
  }
  EXPECT_NEAR(nope.score(q.data(), k.data(), 9.0), dot(q, k), 1e-12);
}

TEST(Encoding, NtkWithUnitScaleIsRope) {
  EncodingConfig c = config(EncodingKind::kNtk);
  c.scale = 1.0;
  const Encoding ntk(c), rope(config(EncodingKind::kRope));
  EXPECT_EQ(ntk.frequencies(), rope.frequencies());
  const auto q = gaussian(64, 8), k = gaussian(64, 9);
  EXPECT_EQ(ntk.score(q.data(), k.data(), 321.0), rope.score(q.data(), k.data(), 321.0));
}

TEST(Encoding, NtkRaisesTheBase) {
  EncodingConfig c = config(EncodingKind::kNtk, 64, 10000.0);
  c.scale = 8.0;
  const Encoding ntk(c);
  const Encoding reference(config(EncodingKind::kRope, 64, 10000.0 * std::pow(8.0, 64.0 / 62.0)));
  for (int t = 0; t < 32; ++t) {
    EXPECT_NEAR(ntk.frequencies()[t], reference.frequencies()[t],
                1e-15 * reference.frequencies()[t] + 1e-300);
  }
  // The lowest frequency is divided by exactly s: b'^(-(d-2)/d) = b^(-(d-2)/d) / s.
  EXPECT_NEAR(ntk.frequencies()[31] * 8.0, reference.frequencies()[31] * 8.0, 1e-15);
  const Encoding rope(config(EncodingKind::kRope, 64, 10000.0));
  EXPECT_NEAR(ntk.frequencies()[31], rope.frequencies()[31] / 8.0, 1e-12 * rope.frequencies()[31]);
}

TEST(Encoding, PositionInterpolationDividesPositions) {
  EncodingConfig c = config(EncodingKind::kPi);
  c.scale = 4.0;
  const Encoding pi(c), rope(config(EncodingKind::kRope));
  const auto q = gaussian(64, 10), k = gaussian(64, 11);
  EXPECT_NEAR(pi.score(q.data(), k.data(), 400.0), rope.score(q.data(), k.data(), 100.0), 1e-10);
}

TEST(Encoding, LinearIsPositionInterpolationBitForBit) {
  EncodingConfig c = config(EncodingKind::kLinear, 96, 5e5);
  c.scale = 8.0;
  const Encoding linear(c);
  c.kind = EncodingKind::kPi;
  const Encoding pi(c);
  EXPECT_EQ(linear.frequencies(), pi.frequencies());
  EXPECT_EQ(linear.qk_scale(), 1.0);
  const auto q = gaussian(96, 16), k = gaussian(96, 17);
  for (double r : {0.0, 7.0, 123456.0}) {
    EXPECT_EQ(linear.score(q.data(), k.data(), r), pi.score(q.data(), k.data(), r));
  }
  for (int t = 0; t < 48; ++t) {
    EXPECT_NEAR(linear.frequencies()[t], std::pow(5e5, -2.0 * t / 96) / 8.0, 1e-16);
  }
}

// transformers' _compute_dynamic_ntk_parameters: for seq_len > L0,
// base' = base (factor seq_len / L0 - (factor - 1))^(d / (d - 2)), inv_freq = 1 / base'^(2t/d).
TEST(Encoding, DynamicGrowsTheBaseBeyondTheOriginalLength) {
  EncodingConfig c = config(EncodingKind::kDynamic, 128, 1e4);
  c.scale = 2.0;
  c.train_length = 4096;
  const Encoding rope(config(EncodingKind::kRope, 128, 1e4));
  for (double length : {100.0, 4096.0}) {  // up to L0: RoPE itself
    c.context_length = length;
    EXPECT_EQ(Encoding(c).frequencies(), rope.frequencies()) << length;
  }
  for (double length : {8192.0, 131072.0}) {
    c.context_length = length;
    const Encoding dynamic(c);
    const double grown = 1e4 * std::pow(2.0 * length / 4096 - 1.0, 128.0 / 126.0);
    if (length == 8192.0) EXPECT_NEAR(grown, 30528.0, 0.5);  // science.md's sanity value
    for (int t = 0; t < 64; ++t) {
      const double expected = 1.0 / std::pow(grown, 2.0 * t / 128);
      EXPECT_NEAR(dynamic.frequencies()[t], expected, 1e-14 * expected) << length << " " << t;
    }
    EXPECT_EQ(dynamic.qk_scale(), 1.0);
  }
  c.context_length = 0;  // not given by the experiment
  EXPECT_THROW(Encoding{c}, Error);
}

TEST(Encoding, YarnRampAndTemperature) {
  EncodingConfig c = config(EncodingKind::kYarn, 128, 10000.0);
  c.scale = 16.0;
  c.train_length = 4096;
  const Encoding yarn(c), rope(config(EncodingKind::kRope, 128, 10000.0));
  EXPECT_NEAR(yarn.qk_scale(), 0.1 * std::log(16.0) + 1.0, 1e-15);
  int interpolated = 0, kept = 0, ramped = 0;
  for (int t = 0; t < 64; ++t) {
    const double theta = rope.frequencies()[t];
    const double ratio = 4096.0 * theta / (2.0 * M_PI);
    const double w = yarn.frequencies()[t];
    if (ratio > 32.0) {
      EXPECT_EQ(w, theta);
      ++kept;
    } else if (ratio < 1.0) {
      EXPECT_NEAR(w, theta / 16.0, 1e-18);
      ++interpolated;
    } else {
      const double gamma = (ratio - 1.0) / 31.0;
      EXPECT_NEAR(w, (1 - gamma) * theta / 16.0 + gamma * theta, 1e-15);
      EXPECT_LT(w, theta);
      EXPECT_GT(w, theta / 16.0);
      ++ramped;
    }
  }
  EXPECT_GT(kept, 0);
  EXPECT_GT(interpolated, 0);
  EXPECT_GT(ramped, 0);
  const auto q = gaussian(128, 12);
  EXPECT_NEAR(yarn.C(q.data(), 0.0), yarn.qk_scale() * yarn.qk_scale() * dot(q, q), 1e-10);
  c.scale = 1.0;
  const Encoding identity(c);
  for (int t = 0; t < 64; ++t) EXPECT_DOUBLE_EQ(identity.frequencies()[t], rope.frequencies()[t]);
  EXPECT_EQ(identity.qk_scale(), 1.0);
}

// Llama 3's rule as Meta's apply_scaling (meta-llama/llama-models, models/llama3/model.py)
// and transformers' _compute_llama3_parameters write it: inv_freq = 1 / b^(2t/d),
// wavelen = 2 pi / inv_freq; kept below L0 / high, divided by s above L0 / low,
// smoothed in between. Counts the kept, blended and divided pairs of the library's table.
struct Llama3Split {
  int kept = 0, blended = 0, divided = 0;
};

Llama3Split check_llama3(double base, int d, double s, double low, double high, double l0) {
  EncodingConfig c = config(EncodingKind::kLlama3, d, base);
  c.scale = s;
  c.train_length = l0;
  c.low_freq_factor = low;
  c.high_freq_factor = high;
  const Encoding llama3(c);
  EXPECT_EQ(llama3.qk_scale(), 1.0);
  Llama3Split split;
  for (int t = 0; t < d / 2; ++t) {
    const double inv_freq = 1.0 / std::pow(base, 2.0 * t / d);
    const double wavelen = 2.0 * M_PI / inv_freq;
    double expected;
    if (wavelen < l0 / high) {
      expected = inv_freq;
    } else if (wavelen > l0 / low) {
      expected = inv_freq / s;
    } else {
      const double smooth = (l0 / wavelen - low) / (high - low);
      expected = (1.0 - smooth) * inv_freq / s + smooth * inv_freq;
    }
    const double w = llama3.frequencies()[t];
    EXPECT_NEAR(w, expected, 1e-14 * expected) << "pair " << t;
    if (std::fabs(w / inv_freq - 1.0) < 1e-14) {
      ++split.kept;
    } else if (std::fabs(w * s / inv_freq - 1.0) < 1e-14) {
      ++split.divided;
    } else {
      ++split.blended;
    }
  }
  return split;
}

TEST(Encoding, Llama3FollowsMetasApplyScaling) {
  // Llama 3.1: base 5e5, d 128, factor 8, low 1, high 4, original context 8192.
  const Llama3Split llama31 = check_llama3(5e5, 128, 8.0, 1.0, 4.0, 8192.0);
  EXPECT_EQ(llama31.kept, 29);
  EXPECT_EQ(llama31.blended, 6);
  EXPECT_EQ(llama31.divided, 29);
  // Llama 3.2 1B: d 64, factor 32.
  const Llama3Split llama32 = check_llama3(5e5, 64, 32.0, 1.0, 4.0, 8192.0);
  EXPECT_EQ(llama32.kept, 15);
  EXPECT_EQ(llama32.blended, 3);
  EXPECT_EQ(llama32.divided, 14);
  // Other factors move the band: more pairs are kept when high_freq_factor is lower.
  const Llama3Split wide = check_llama3(1e4, 64, 4.0, 0.5, 2.0, 2048.0);
  EXPECT_EQ(wide.kept + wide.blended + wide.divided, 32);
  EXPECT_GT(wide.blended, 0);
}

TEST(Encoding, Llama3RejectsAnEmptyBand) {
  EncodingConfig c = config(EncodingKind::kLlama3);
  c.low_freq_factor = 4.0;
  c.high_freq_factor = 4.0;
  try {
    const Encoding encoding(c);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("high_freq_factor"), std::string::npos);
  }
}

// transformers' _compute_yarn_parameters written out: find_correction_dim(r) =
// d ln(L0 / (2 pi r)) / (2 ln b); low = max(floor(dim(beta_fast)), 0), high =
// min(ceil(dim(beta_slow)), d - 1) (no floor/ceil without truncate); ramp_t =
// clamp((t - low) / (high - low), 0, 1); inv_freq = inv_freq / s * ramp + inv_freq (1 - ramp).
// Counts the pairs the library keeps, blends and divides.
struct HfYarnCase {
  double base;
  int d;
  double s, l0;
  double mscale = 0, mscale_all_dim = 0;
  bool truncate = true;
};

Llama3Split check_hf_yarn(const HfYarnCase& x) {
  EncodingConfig c = config(EncodingKind::kHfYarn, x.d, x.base);
  c.scale = x.s;
  c.train_length = x.l0;
  c.mscale = x.mscale;
  c.mscale_all_dim = x.mscale_all_dim;
  c.truncate = x.truncate;
  const Encoding yarn(c);
  auto dim = [&](double rotations) {
    return x.d * std::log(x.l0 / (2 * M_PI * rotations)) / (2 * std::log(x.base));
  };
  double low = dim(32), high = dim(1);
  if (x.truncate) low = std::floor(low), high = std::ceil(high);
  low = std::max(low, 0.0), high = std::min(high, x.d - 1.0);
  Llama3Split split;
  for (int t = 0; t < x.d / 2; ++t) {
    const double inv_freq = 1.0 / std::pow(x.base, 2.0 * t / x.d);
    const double ramp = std::min(std::max((t - low) / (high - low), 0.0), 1.0);
    const double expected = inv_freq / x.s * ramp + inv_freq * (1 - ramp);
    const double w = yarn.frequencies()[t];
    EXPECT_NEAR(w, expected, 1e-14 * expected) << "pair " << t;
    if (std::fabs(w / inv_freq - 1.0) < 1e-14) {
      ++split.kept;
    } else if (std::fabs(w * x.s / inv_freq - 1.0) < 1e-14) {
      ++split.divided;
    } else {
      ++split.blended;
    }
  }
  return split;
}

double hf_yarn_attention_factor(const HfYarnCase& x) {
  EncodingConfig c = config(EncodingKind::kHfYarn, x.d, x.base);
  c.scale = x.s;
  c.train_length = x.l0;
  c.mscale = x.mscale;
  c.mscale_all_dim = x.mscale_all_dim;
  return Encoding(c).qk_scale();
}

TEST(Encoding, HfYarnDeepSeekV3) {
  // DeepSeek-V3: 64 rotary dimensions, base 1e4, factor 40, original 4096, beta 32 / 1,
  // mscale = mscale_all_dim = 1. dim(32) = 10.47, dim(1) = 22.51: low 10, high 23.
  const HfYarnCase deepseek{1e4, 64, 40.0, 4096.0, 1.0, 1.0};
  const Llama3Split split = check_hf_yarn(deepseek);
  EXPECT_EQ(split.kept, 11);     // t <= 10
  EXPECT_EQ(split.blended, 12);  // 10 < t < 23
  EXPECT_EQ(split.divided, 9);   // t >= 23
  // mscale = mscale_all_dim: g(40, 1) / g(40, 1) = 1
  EXPECT_EQ(hf_yarn_attention_factor(deepseek), 1.0);
  // Without mscale: g(40, 1) = 0.1 ln 40 + 1 = 1.3689.
  const HfYarnCase plain{1e4, 64, 40.0, 4096.0};
  EXPECT_NEAR(hf_yarn_attention_factor(plain), 1.3689, 5e-5);
  EXPECT_DOUBLE_EQ(hf_yarn_attention_factor(plain), 0.1 * std::log(40.0) + 1.0);
  // Only one of the two set: the plain factor, as in transformers.
  const HfYarnCase one{1e4, 64, 40.0, 4096.0, 0.707, 0.0};
  EXPECT_DOUBLE_EQ(hf_yarn_attention_factor(one), 0.1 * std::log(40.0) + 1.0);
  const HfYarnCase ratio{1e4, 64, 40.0, 4096.0, 1.0, 0.5};
  EXPECT_DOUBLE_EQ(hf_yarn_attention_factor(ratio),
                   (0.1 * std::log(40.0) + 1.0) / (0.05 * std::log(40.0) + 1.0));
  // Without truncate the ramp runs between the fractional dimensions.
  HfYarnCase untruncated = deepseek;
  untruncated.truncate = false;
  const Llama3Split fractional = check_hf_yarn(untruncated);
  EXPECT_EQ(fractional.kept, 11);  // t <= 10.47
  EXPECT_EQ(fractional.blended, 12);
}

TEST(Encoding, HfYarnQwen25Recipe) {
  // Qwen2.5's YaRN recipe: base 1e6, d 128, factor 4, original 32768.
  // dim(32) = 23.60, dim(1) = 39.65: low 23, high 40.
  const HfYarnCase qwen{1e6, 128, 4.0, 32768.0};
  const Llama3Split split = check_hf_yarn(qwen);
  EXPECT_EQ(split.kept, 24);
  EXPECT_EQ(split.blended, 16);
  EXPECT_EQ(split.divided, 24);
  EXPECT_DOUBLE_EQ(hf_yarn_attention_factor(qwen), 0.1 * std::log(4.0) + 1.0);
  // Against yarn (ramp linear in L0 / lambda_t): the largest difference, 71 %, at pair 32.
  EncodingConfig c = config(EncodingKind::kYarn, 128, 1e6);
  c.scale = 4.0;
  c.train_length = 32768;
  const Encoding paper(c);
  c.kind = EncodingKind::kHfYarn;
  const Encoding reference_code(c);
  double largest = 0;
  int at = -1;
  for (int t = 0; t < 64; ++t) {
    const double difference = std::fabs(reference_code.frequencies()[t] - paper.frequencies()[t]) /
                              paper.frequencies()[t];
    if (difference > largest) largest = difference, at = t;
  }
  EXPECT_EQ(at, 32);
  EXPECT_NEAR(largest, 0.713, 5e-4);
  EXPECT_EQ(reference_code.qk_scale(), paper.qk_scale());
}

TEST(Encoding, HfYarnAttentionFactorAndEdges) {
  EncodingConfig c = config(EncodingKind::kHfYarn, 64, 1e4);
  c.scale = 8.0;
  c.attention_factor = 1.25;  // given: used as is
  c.mscale = c.mscale_all_dim = 1.0;
  EXPECT_EQ(Encoding(c).qk_scale(), 1.25);
  // A short original context puts both correction dimensions below 0: every pair
  // keeps theta (low = 0, high = ceil(dim(1)) < 0).
  c = config(EncodingKind::kHfYarn, 64, 1e4);
  c.scale = 8.0;
  c.train_length = 2;
  const Encoding rope(config(EncodingKind::kRope, 64, 1e4));
  EXPECT_EQ(Encoding(c).frequencies(), rope.frequencies());
  c.train_length = 4096;
  c.beta_fast = 0.5;  // below beta_slow
  EXPECT_THROW(Encoding{c}, Error);
}

// Phi-3.5-mini-instruct's longrope lists (d = 96, 48 pairs; base 1e4, original
// context 4096, context 131072 so s = 32), from its config.json as copied verbatim
// into mlc-ai/mlc-llm, python/mlc_llm/model/model_preset.py ("phi-3_5"), commit
// 01ced331a9e155c5ba4e7625b027a51bee611450.
// clang-format off
const std::vector<double> kPhi35LongFactor = {
    1.0800000429153442, 1.1100000143051147, 1.1399999856948853, 1.340000033378601,
    1.5899999141693115, 1.600000023841858,  1.6200000047683716, 2.620000123977661,
    3.2300000190734863, 3.2300000190734863, 4.789999961853027,  7.400000095367432,
    7.700000286102295,  9.09000015258789,   12.199999809265137, 17.670000076293945,
    24.46000099182129,  28.57000160217285,  30.420001983642578, 30.840002059936523,
    32.590003967285156, 32.93000411987305,  42.320003509521484, 44.96000289916992,
    50.340003967285156, 50.45000457763672,  57.55000305175781,  57.93000411987305,
    58.21000289916992,  60.1400032043457,   62.61000442504883,  62.62000274658203,
    62.71000289916992,  63.1400032043457,   63.1400032043457,   63.77000427246094,
    63.93000411987305,  63.96000289916992,  63.970001220703125, 64.02999877929688,
    64.06999969482422,  64.08000183105469,  64.12000274658203,  64.41000366210938,
    64.4800033569336,   64.51000213623047,  64.52999877929688,  64.83999633789062};
const std::vector<double> kPhi35ShortFactor = {
    1.0,                1.0199999809265137, 1.0299999713897705, 1.0299999713897705,
    1.0499999523162842, 1.0499999523162842, 1.0499999523162842, 1.0499999523162842,
    1.0499999523162842, 1.0699999332427979, 1.0999999046325684, 1.1099998950958252,
    1.1599998474121094, 1.1599998474121094, 1.1699998378753662, 1.2899998426437378,
    1.339999794960022,  1.679999828338623,  1.7899998426437378, 1.8199998140335083,
    1.8499997854232788, 1.8799997568130493, 1.9099997282028198, 1.9399996995925903,
    1.9899996519088745, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346,
    2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0299997329711914,
    2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914,
    2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914,
    2.0799996852874756, 2.0899996757507324, 2.189999580383301,  2.2199995517730713,
    2.5899994373321533, 2.729999542236328,  2.749999523162842,  2.8399994373321533};
// clang-format on

EncodingConfig phi35_config(double context_length) {
  EncodingConfig c = config(EncodingKind::kLongrope, 96, 1e4);
  c.scale = 131072.0 / 4096.0;
  c.train_length = 4096;
  c.short_factor = kPhi35ShortFactor;
  c.long_factor = kPhi35LongFactor;
  c.context_length = context_length;
  return c;
}

// transformers' _compute_longrope_parameters: ext = long_factor if seq_len > L0 else
// short_factor; inv_freq = 1 / (ext * base^(2t/d)); attention factor
// sqrt(1 + ln s / ln L0) for s > 1.
TEST(Encoding, LongropePhi35MiniShortAndLongByLength) {
  for (double length : {100.0, 4096.0, 4097.0, 131072.0}) {
    const Encoding longrope(phi35_config(length));
    const std::vector<double>& ext = length > 4096 ? kPhi35LongFactor : kPhi35ShortFactor;
    ASSERT_EQ(ext.size(), 48u);
    for (int t = 0; t < 48; ++t) {
      const double expected = 1.0 / (ext[t] * std::pow(1e4, 2.0 * t / 96));
      EXPECT_NEAR(longrope.frequencies()[t], expected, 1e-14 * expected) << length << " " << t;
    }
    // The attention factor applies at every length: sqrt(1 + ln 32 / ln 4096) = 1.19024.
    EXPECT_DOUBLE_EQ(longrope.qk_scale(), std::sqrt(1.0 + std::log(32.0) / std::log(4096.0)));
    EXPECT_NEAR(longrope.qk_scale(), 1.19024, 5e-6);
  }
  EncodingConfig c = phi35_config(8192);
  c.attention_factor = 1.1;
  EXPECT_EQ(Encoding(c).qk_scale(), 1.1);
  c.attention_factor = 0;
  c.scale = 1.0;  // no extension: no attention factor
  EXPECT_EQ(Encoding(c).qk_scale(), 1.0);
}

TEST(Encoding, LongropeNeedsOneFactorPerPair) {
  EncodingConfig c = phi35_config(8192);
  c.long_factor.pop_back();
  try {
    const Encoding encoding(c);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "long_factor must list head_dim / 2 = 48 factors, one per pair (got 47)");
  }
  c = phi35_config(8192);
  c.short_factor.clear();  // needed even where the long list applies
  EXPECT_THROW(Encoding{c}, Error);
  c = phi35_config(0);  // the context length decides the list
  EXPECT_THROW(Encoding{c}, Error);
}

TEST(Encoding, AlibiSlopesOfPressEtAl) {
  const auto eight = alibi_slopes(8);
  ASSERT_EQ(eight.size(), 8u);
  for (int h = 0; h < 8; ++h) EXPECT_DOUBLE_EQ(eight[h], std::pow(2.0, -(h + 1.0)));
  // Not a power of two: the 8 slopes, then every other slope of the 16-head sequence.
  const auto twelve = alibi_slopes(12);
  ASSERT_EQ(twelve.size(), 12u);
  for (int h = 0; h < 8; ++h) EXPECT_DOUBLE_EQ(twelve[h], eight[h]);
  for (int h = 0; h < 4; ++h) EXPECT_DOUBLE_EQ(twelve[8 + h], std::pow(2.0, -0.5 - h));
  EXPECT_DOUBLE_EQ(alibi_slopes(1)[0], std::pow(2.0, -8.0));
}

TEST(Encoding, AlibiSubtractsALinearPenalty) {
  EncodingConfig c = config(EncodingKind::kAlibi);
  const Encoding alibi(c);
  EXPECT_DOUBLE_EQ(alibi.distance_slope(), 0.5);  // head 0 of 8
  c.alibi_slope = 0.125;
  const Encoding custom(c);
  const auto q = gaussian(64, 13), k = gaussian(64, 14);
  EXPECT_NEAR(custom.score(q.data(), k.data(), 40.0), dot(q, k) - 0.125 * 40.0, 1e-12);
  EXPECT_NEAR(custom.C(q.data(), 40.0), dot(q, q), 1e-12);
  EXPECT_EQ(custom.rotated_pairs(), 0);
}

TEST(Encoding, Fp32RotationUsesFp32Angles) {
  const Encoding rope(config(EncodingKind::kRope, 64, 10000.0));
  const auto q = gaussian(64, 15);
  std::vector<float> qf(q.begin(), q.end()), out(64);
  std::vector<double> exact(64);
  // Small position: fp32 and fp64 agree to fp32 accuracy.
  rope.rotate(qf.data(), 10.0, out.data());
  rope.rotate(q.data(), 10.0, exact.data());
  for (int i = 0; i < 64; ++i) EXPECT_NEAR(out[i], exact[i], 1e-5);
  // At m ~ 1e6 the fp32 angle of the fastest pair is fl(m) * fl(1) = m exactly, but
  // for t = 1 fl(m * fl(theta_1)) is off by up to ~0.03 rad from the true angle.
  const double m = 999999.0;
  std::vector<float> cos_f(32), sin_f(32);
  rope.rotation_factors(m, cos_f.data(), sin_f.data());
  const float angle = static_cast<float>(m) * static_cast<float>(rope.frequencies()[1]);
  EXPECT_EQ(cos_f[1], std::cos(angle));
  EXPECT_EQ(sin_f[1], std::sin(angle));
  const double error =
      std::fabs(std::remainder(static_cast<double>(angle) - m * rope.frequencies()[1], 2 * M_PI));
  EXPECT_GT(error, 1e-4);
  EXPECT_LT(error, 0.05);
}

// A change of each encoding's own parameter, away from the configuration of
// read_parameters_of().
struct Change {
  const char* parameter;
  void (*apply)(EncodingConfig&);
};

const Change kChanges[] = {
    {"scale", [](EncodingConfig& c) { c.scale = 8.0; }},
    {"train_length", [](EncodingConfig& c) { c.train_length = 2048.0; }},
    {"yarn_alpha", [](EncodingConfig& c) { c.yarn_alpha = 2.0; }},
    {"yarn_beta", [](EncodingConfig& c) { c.yarn_beta = 16.0; }},
    {"partial_fraction", [](EncodingConfig& c) { c.partial_fraction = 0.5; }},
    {"alibi_slope", [](EncodingConfig& c) { c.alibi_slope = 0.125; }},
    {"alibi_heads", [](EncodingConfig& c) { c.alibi_heads = 4; }},
    {"low_freq_factor", [](EncodingConfig& c) { c.low_freq_factor = 0.5; }},
    {"high_freq_factor", [](EncodingConfig& c) { c.high_freq_factor = 8.0; }},
    {"beta_fast", [](EncodingConfig& c) { c.beta_fast = 16.0; }},
    {"beta_slow", [](EncodingConfig& c) { c.beta_slow = 2.0; }},
    // mscale and mscale_all_dim act together (both non-zero).
    {"mscale", [](EncodingConfig& c) { c.mscale = 0.5, c.mscale_all_dim = 1.0; }},
    {"mscale_all_dim", [](EncodingConfig& c) { c.mscale = 1.0, c.mscale_all_dim = 0.5; }},
    {"truncate", [](EncodingConfig& c) { c.truncate = false; }},
    {"attention_factor", [](EncodingConfig& c) { c.attention_factor = 1.5; }},
    {"short_factor", [](EncodingConfig& c) { c.short_factor[3] = 2.0; }},
    {"long_factor", [](EncodingConfig& c) { c.long_factor[3] = 2.0; }},
};

bool same_encoding(const Encoding& a, const Encoding& b) {
  return a.frequencies() == b.frequencies() && a.qk_scale() == b.qk_scale() &&
         a.distance_slope() == b.distance_slope();
}

// Whether changing `change.parameter` changes the encoding `kind` at some context
// length (d = 64, b = 1e4, s = 4, L0 = 4096, where every band of yarn and llama3
// holds some pairs; L below and above L0).
bool changes_encoding(EncodingKind kind, const Change& change) {
  bool changes = false;
  for (double length : {1024.0, 16384.0}) {
    EncodingConfig c = config(kind, 64, 1e4);
    c.scale = 4.0;
    c.context_length = length;
    c.short_factor.assign(32, 1.5);
    c.long_factor.assign(32, 3.0);
    EncodingConfig changed = c;
    change.apply(changed);
    changes = changes || !same_encoding(Encoding(c), Encoding(changed));
  }
  return changes;
}

TEST(Encoding, EachEncodingReadsExactlyItsListedParameters) {
  for (const std::string& name : encoding_names()) {
    const EncodingKind kind = parse_encoding(name);
    for (const Change& change : kChanges) {
      EXPECT_EQ(changes_encoding(kind, change), encoding_reads(kind, change.parameter))
          << name << " and " << change.parameter;
    }
    // The parameters every encoding shares.
    for (const char* shared : {"base", "head_dim", "layout"}) {
      EXPECT_TRUE(encoding_reads(kind, shared)) << name << " and " << shared;
    }
  }
  EXPECT_EQ(encodings_reading("low_freq_factor"), std::vector<std::string>{"llama3"});
  EXPECT_TRUE(encodings_reading("base").empty());
}

// The rotary encodings with the settings that make each one differ from RoPE (at a
// context of 2048 > L0, where dynamic and longrope extend); yarn with s > 1 and s < 1,
// so that the ramp's factor |1 - 1/s| and max(1, 1/s) both matter; a partial rotary.
std::vector<EncodingConfig> rotary_configs(int d) {
  std::vector<EncodingConfig> configs;
  for (EncodingKind kind :
       {EncodingKind::kRope, EncodingKind::kRopeHalf, EncodingKind::kPi, EncodingKind::kLinear,
        EncodingKind::kNtk, EncodingKind::kDynamic, EncodingKind::kYarn, EncodingKind::kHfYarn,
        EncodingKind::kLlama3, EncodingKind::kLongrope, EncodingKind::kPartial}) {
    EncodingConfig c = config(kind, d);
    c.scale = 4.0;
    c.train_length = 512.0;
    c.context_length = 2048.0;
    c.yarn_beta = 16.0;
    c.partial_fraction = 0.4;
    for (int t = 0; t < d / 2; ++t) c.long_factor.push_back(1.0 + 0.1 * t);
    c.short_factor = c.long_factor;
    configs.push_back(c);
  }
  EncodingConfig shrink = config(EncodingKind::kYarn, d);
  shrink.scale = 0.5;
  shrink.train_length = 300.0;
  configs.push_back(shrink);
  EncodingConfig shrink_pi = config(EncodingKind::kPi, d);
  shrink_pi.scale = 0.25;
  configs.push_back(shrink_pi);
  EncodingConfig shrink_hf = config(EncodingKind::kHfYarn, d);
  shrink_hf.scale = 0.5;
  shrink_hf.train_length = 8192.0;
  configs.push_back(shrink_hf);
  EncodingConfig quarter = config(EncodingKind::kLlama3, d);  // GPT-NeoX's rotary fraction
  quarter.scale = 8.0;
  quarter.train_length = 1024.0;
  quarter.rotary_fraction = 0.25;
  configs.push_back(quarter);
  quarter.kind = EncodingKind::kRope;
  configs.push_back(quarter);
  return configs;
}

Encoding at_base(EncodingConfig c, double base) {
  c.base = base;
  return Encoding(c);
}

// docs/science.md#decay-for-other-encodings: S bounds sum_t |d theta'_t / du| at the base
// and at every larger one. Checked against centred finite differences of the frequencies
// on a fine grid of u = ln b, through yarn's ramp ends, for every rotary encoding.
TEST(Encoding, DriftBoundHoldsAgainstFiniteDifferences) {
  const double h = 1e-6;
  for (int d : {16, 64, 128}) {
    for (const EncodingConfig& c : rotary_configs(d)) {
      for (double u = 0.05; u < 25.0; u *= 1.013) {
        const Encoding here = at_base(c, std::exp(u));
        const double bound = here.frequency_drift_bound();
        // Every base in [b, b e^0.1]: the bound at b must cover the drift there too.
        for (double ahead : {0.0, 0.003, 0.1}) {
          // The bound holds over the piece of the base (hf_yarn's ramp ends step between).
          if (std::exp(u + ahead + h) > here.frequency_piece_end()) continue;
          const Encoding up = at_base(c, std::exp(u + ahead + h));
          const Encoding down = at_base(c, std::exp(u + ahead - h));
          double drift = 0.0;
          for (int t = 0; t < d / 2; ++t) {
            drift += std::fabs(up.frequencies()[t] - down.frequencies()[t]) / (2.0 * h);
          }
          ASSERT_LE(drift, bound * (1.0 + 1e-6) + 1e-12)
              << encoding_name(c.kind) << " s=" << c.scale << " d=" << d << " u=" << u
              << " ahead=" << ahead;
        }
        if (std::exp(u * 1.013) > here.frequency_piece_end()) continue;
        ASSERT_LE(at_base(c, std::exp(u * 1.013)).frequency_drift_bound(), bound * (1 + 1e-12))
            << encoding_name(c.kind) << " d=" << d << " u=" << u;
      }
    }
  }
}

// The ceilings bound theta'_t at every larger base and do not rise with the base.
TEST(Encoding, CeilingsBoundTheFrequenciesAtLargerBases) {
  for (const EncodingConfig& c : rotary_configs(64)) {
    for (double u = 0.05; u < 25.0; u *= 1.05) {
      const std::vector<double> ceilings = at_base(c, std::exp(u)).frequency_ceilings();
      for (double ahead : {0.0, 1e-4, 0.01, 0.5, 3.0}) {
        const Encoding later = at_base(c, std::exp(u + ahead));
        const std::vector<double> later_ceilings = later.frequency_ceilings();
        for (int t = 0; t < 32; ++t) {
          ASSERT_LE(later.frequencies()[t], ceilings[t] * (1 + 1e-12))
              << encoding_name(c.kind) << " t=" << t << " u=" << u;
          ASSERT_LE(later_ceilings[t], ceilings[t] * (1 + 1e-12));
        }
      }
    }
  }
}

// Fixed powers: theta'_t(b2) / theta'_t(b1) = (b2 / b1)^(-e_t) for two bases of one
// piece; yarn and llama3 have none.
TEST(Encoding, ExponentsDescribeHowFrequenciesScaleWithTheBase) {
  for (const EncodingConfig& c : rotary_configs(64)) {
    const Encoding low = at_base(c, 100.0);
    const std::vector<double> exponents = low.frequency_exponents();
    if (c.kind == EncodingKind::kYarn || c.kind == EncodingKind::kLlama3) {
      EXPECT_TRUE(exponents.empty());
      continue;
    }
    const double upper = std::min(7.0e5, low.frequency_piece_end());
    ASSERT_GT(upper, 105.0) << encoding_name(c.kind);
    ASSERT_EQ(exponents.size(), 32u) << encoding_name(c.kind);
    const Encoding high = at_base(c, upper);
    for (int t = 0; t < 32; ++t) {
      if (low.frequencies()[t] == 0.0) {
        EXPECT_EQ(high.frequencies()[t], 0.0);
        continue;
      }
      EXPECT_NEAR(std::log(high.frequencies()[t] / low.frequencies()[t]),
                  -exponents[t] * std::log(upper / 100.0), 1e-12)
          << encoding_name(c.kind) << " t=" << t;
    }
  }
}

// hf_yarn's pieces: the law of the frequencies is the same up to the piece's end; the
// ramp ends step on the next double, which changes the law unless the ramp covers no
// pair either side. Every other encoding has one piece.
TEST(Encoding, HfYarnPiecesEndWhereTheRampStepsEnd) {
  EncodingConfig c = config(EncodingKind::kHfYarn, 64);
  c.scale = 8.0;
  c.train_length = 4096.0;
  auto law = [&](double base) {  // theta'_t / theta_t: fixed within a piece
    const Encoding e = at_base(c, base);
    const Encoding rope = at_base(config(EncodingKind::kRope, 64), base);
    std::vector<double> ratio(32);
    for (int t = 0; t < 32; ++t) ratio[t] = e.frequencies()[t] / rope.frequencies()[t];
    return ratio;
  };
  int changes = 0;
  double base = 2.0;
  while (base < 1e8) {
    const double end = at_base(c, base).frequency_piece_end();
    ASSERT_GE(end, base);
    const std::vector<double> here = law(base);
    for (double inside : {base * 1.0000001, std::sqrt(base * end), end}) {
      if (inside > end) continue;
      const std::vector<double> there = law(inside);
      for (int t = 0; t < 32; ++t) ASSERT_NEAR(there[t], here[t], 1e-12) << base << " " << t;
    }
    const double next = std::nextafter(end, 2 * end);
    if (next >= 1e8) break;
    if (law(next) != here) ++changes;
    base = next;
  }
  EXPECT_GT(changes, 10);
  EXPECT_TRUE(std::isinf(at_base(config(EncodingKind::kLlama3, 64), 1e4).frequency_piece_end()));
}

TEST(Encoding, RejectsInvalidConfigurations) {
  EXPECT_THROW(Encoding(config(EncodingKind::kRope, 63)), Error);
  EXPECT_THROW(Encoding(config(EncodingKind::kRope, 64, 1.0)), Error);
  EncodingConfig c = config(EncodingKind::kPartial);
  c.partial_fraction = 1.5;
  EXPECT_THROW(Encoding{c}, Error);
  EXPECT_THROW(parse_encoding("rotary"), Error);
  EXPECT_EQ(parse_encoding("yarn"), EncodingKind::kYarn);
  for (const auto& name : encoding_names()) EXPECT_EQ(encoding_name(parse_encoding(name)), name);
}

}  // namespace
}  // namespace ropesweep
