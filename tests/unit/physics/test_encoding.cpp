#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/encoding.hpp"

namespace ropesweep {
namespace {

std::vector<double> gaussian(int d, std::uint64_t substream) {
  RandomStream stream({7, 0, 99, substream});
  std::vector<double> x(d);
  stream.fill_normal(x.data(), d);
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

// The rotary encodings with the settings that make each one differ from RoPE; yarn with
// s > 1 and s < 1, so that the ramp's factor |1 - 1/s| and max(1, 1/s) both matter.
std::vector<EncodingConfig> rotary_configs(int d) {
  std::vector<EncodingConfig> configs;
  for (EncodingKind kind : {EncodingKind::kRope, EncodingKind::kRopeHalf, EncodingKind::kPi,
                            EncodingKind::kNtk, EncodingKind::kYarn, EncodingKind::kPartial}) {
    EncodingConfig c = config(kind, d);
    c.scale = 4.0;
    c.train_length = 512.0;
    c.yarn_beta = 16.0;
    c.partial_fraction = 0.4;
    configs.push_back(c);
  }
  EncodingConfig shrink = config(EncodingKind::kYarn, d);
  shrink.scale = 0.5;
  shrink.train_length = 300.0;
  configs.push_back(shrink);
  EncodingConfig shrink_pi = config(EncodingKind::kPi, d);
  shrink_pi.scale = 0.25;
  configs.push_back(shrink_pi);
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

// Fixed powers: theta'_t(b2) / theta'_t(b1) = (b2 / b1)^(-e_t); yarn has none.
TEST(Encoding, ExponentsDescribeHowFrequenciesScaleWithTheBase) {
  for (const EncodingConfig& c : rotary_configs(64)) {
    const std::vector<double> exponents = at_base(c, 100.0).frequency_exponents();
    if (c.kind == EncodingKind::kYarn) {
      EXPECT_TRUE(exponents.empty());
      continue;
    }
    ASSERT_EQ(exponents.size(), 32u) << encoding_name(c.kind);
    const Encoding low = at_base(c, 100.0), high = at_base(c, 7.0e5);
    for (int t = 0; t < 32; ++t) {
      if (low.frequencies()[t] == 0.0) {
        EXPECT_EQ(high.frequencies()[t], 0.0);
        continue;
      }
      EXPECT_NEAR(std::log(high.frequencies()[t] / low.frequencies()[t]),
                  -exponents[t] * std::log(7.0e5 / 100.0), 1e-12)
          << encoding_name(c.kind) << " t=" << t;
    }
  }
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
