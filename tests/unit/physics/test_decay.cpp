#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/decay.hpp"
#include "ropesweep/physics/encoding.hpp"
#include "ropesweep/physics/vector_path.hpp"

namespace ropesweep {
namespace {

// ---------------------------------------------------------------------------------------
// Oracles written here, independently of encoding.cpp and decay.cpp: the effective
// frequencies of docs/science.md#position-encodings, in long double, and B(m) from them.

struct Setting {
  EncodingKind kind = EncodingKind::kRope;
  double scale = 1.0;
  double train_length = 4096.0;
  double alpha = 1.0, beta = 32.0;
  double fraction = 1.0;
  double low = 1.0, high = 4.0;             // llama3
  double beta_fast = 32.0, beta_slow = 1.0;  // hf_yarn (truncate)
  std::vector<double> factors{};             // longrope: one per pair, short and long alike
  double context = 0.0;                      // the context length (dynamic, longrope)
};

std::vector<long double> oracle_frequencies(const Setting& s, double base, int d) {
  std::vector<long double> theta(d / 2);
  const long double log_base = std::log(static_cast<long double>(base));
  const long double log_ntk_base = log_base + d / (d - 2.0L) * std::log((long double)s.scale);
  const int rotated = static_cast<int>(std::floor(s.fraction * d / 2 + 1e-9));
  for (int t = 0; t < d / 2; ++t) {
    const long double rope = std::exp(-(2.0L * t / d) * log_base);
    switch (s.kind) {
      case EncodingKind::kPi:
        theta[t] = rope / s.scale;
        break;
      case EncodingKind::kNtk:
        theta[t] = std::exp(-(2.0L * t / d) * log_ntk_base);
        break;
      case EncodingKind::kYarn: {
        const long double r = s.train_length * rope / (2.0L * M_PI);
        const long double gamma =
            r < s.alpha ? 0.0L : (r > s.beta ? 1.0L : (r - s.alpha) / (s.beta - s.alpha));
        theta[t] = (1.0L - gamma) * rope / s.scale + gamma * rope;
        break;
      }
      case EncodingKind::kPartial:
        theta[t] = t < rotated ? rope : 0.0L;
        break;
      case EncodingKind::kLlama3: {  // Meta's apply_scaling, on wavelengths
        const long double wavelength = 2.0L * M_PI / rope;
        const long double smooth = (s.train_length / wavelength - s.low) / (s.high - s.low);
        if (wavelength < s.train_length / s.high) {
          theta[t] = rope;
        } else if (wavelength > s.train_length / s.low) {
          theta[t] = rope / s.scale;
        } else {
          theta[t] = (1.0L - smooth) * rope / s.scale + smooth * rope;
        }
        break;
      }
      case EncodingKind::kHfYarn: {  // transformers' _compute_yarn_parameters, truncate
        // The correction dimensions in double, as transformers computes them (Python
        // floats): their floor and ceil decide which pairs ramp, so a wider type would
        // move the ramp's steps by an ulp of the base.
        auto dim = [&](double rotations) {
          return d * std::log(s.train_length / (rotations * 2.0 * M_PI)) / (2.0 * std::log(base));
        };
        long double low = std::max(std::floor(dim(s.beta_fast)), 0.0);
        long double high = std::min(std::ceil(dim(s.beta_slow)), d - 1.0);
        if (low == high) high += 0.001L;
        const long double ramp = std::clamp((t - low) / (high - low), 0.0L, 1.0L);
        theta[t] = rope / s.scale * ramp + rope * (1.0L - ramp);
        break;
      }
      case EncodingKind::kDynamic: {
        long double grown = log_base;
        if (s.context > s.train_length) {
          grown += d / (d - 2.0L) * std::log(s.scale * s.context / s.train_length - (s.scale - 1));
        }
        theta[t] = std::exp(-(2.0L * t / d) * grown);
        break;
      }
      case EncodingKind::kLongrope:
        theta[t] = rope / s.factors[t];
        break;
      default:
        theta[t] = rope;
    }
  }
  return theta;
}

// B(m) by one long double cos per term.
long double oracle_decay(const std::vector<long double>& theta, std::int64_t m) {
  long double sum = 0.0L;
  for (long double w : theta) sum += std::cos(static_cast<long double>(m) * w);
  return sum;
}

// B(m) >= 0 for every m in [0, L]. Fast path: the Chebyshev recurrence cos((m+1) w) =
// 2 cos(w) cos(m w) - cos((m-1) w) in double (an algorithm decay.cpp does not use); any
// sum within 1e-6 of zero, far above its rounding, is recomputed directly in long double.
bool oracle_admissible(const Setting& s, double base, int d, std::int64_t length) {
  const std::vector<long double> theta = oracle_frequencies(s, base, d);
  const std::size_t n = theta.size();
  std::vector<double> twice_cos(n), previous(n, 1.0), current(n);
  for (std::size_t t = 0; t < n; ++t) {
    current[t] = static_cast<double>(std::cos(theta[t]));
    twice_cos[t] = 2.0 * current[t];
  }
  for (std::int64_t m = 1; m <= length; ++m) {
    double sum = 0.0;
    for (std::size_t t = 0; t < n; ++t) sum += current[t];
    if (sum < 1e-6 && oracle_decay(theta, m) < 0.0L) return false;
    for (std::size_t t = 0; t < n; ++t) {
      const double next = twice_cos[t] * current[t] - previous[t];
      previous[t] = current[t];
      current[t] = next;
    }
  }
  return true;
}

EncodingConfig config_of(const Setting& s, int d, double base = 10000.0) {
  EncodingConfig c;
  c.kind = s.kind;
  c.head_dim = d;
  c.base = base;
  c.scale = s.scale;
  c.train_length = s.train_length;
  c.yarn_alpha = s.alpha;
  c.yarn_beta = s.beta;
  c.partial_fraction = s.fraction;
  c.low_freq_factor = s.low;
  c.high_freq_factor = s.high;
  c.beta_fast = s.beta_fast;
  c.beta_slow = s.beta_slow;
  c.short_factor = c.long_factor = s.factors;
  c.context_length = s.context;
  return c;
}

Encoding rope(double base, int d) { return Encoding(config_of(Setting{}, d, base)); }

// ---------------------------------------------------------------------------------------
// B(m), first negative, minimum, rotation table, critical dimension.

TEST(Decay, EncodingDecayMatchesFrequenciesWrittenHere) {
  std::vector<Setting> settings;
  settings.push_back({});
  settings.push_back({EncodingKind::kPi, 8.0});
  settings.push_back({EncodingKind::kNtk, 8.0});
  settings.push_back({EncodingKind::kYarn, 16.0, 2048.0});
  settings.push_back({EncodingKind::kPartial, 1.0, 4096.0, 1.0, 32.0, 0.25});
  for (const Setting& s : settings) {
    for (double base : {500.0, 10000.0, 1e6}) {
      const Encoding encoding(config_of(s, 64, base));
      const std::vector<long double> theta = oracle_frequencies(s, base, 64);
      const std::string where = encoding_name(s.kind) + " b=" + std::to_string(base);
      double lowest = 1e300;
      std::int64_t first = -1;
      for (std::int64_t m = 0; m <= 20000; ++m) {
        const double b = static_cast<double>(oracle_decay(theta, m));
        ASSERT_NEAR(long_term_decay(encoding, static_cast<double>(m)), b, 1e-9) << where;
        if (m <= 5000) lowest = std::min(lowest, b);
        if (first < 0 && b < 0.0) first = m;
      }
      EXPECT_NEAR(min_decay(encoding, 5000), lowest, 1e-9) << where;
      const FirstNegative found = first_negative(encoding, 20001);
      if (first < 0) {
        EXPECT_TRUE(found.capped) << where;
      } else {
        EXPECT_FALSE(found.capped) << where;
        EXPECT_EQ(found.distance, first) << where;
      }
    }
  }
}

TEST(Decay, PartialLiftsBByItsUnrotatedPairs) {
  Setting partial{EncodingKind::kPartial};
  partial.fraction = 0.5;
  const Encoding half(config_of(partial, 64, 10000.0));
  const Encoding full = rope(10000.0, 64);
  // B(0) = d/2 either way; for large m the unrotated half contributes 16 exactly.
  EXPECT_EQ(long_term_decay(half, 0.0), 32.0);
  double rotated = 0.0;
  for (int t = 0; t < 16; ++t) rotated += std::cos(1e6 * full.frequencies()[t]);
  EXPECT_NEAR(long_term_decay(half, 1e6), 16.0 + rotated, 1e-9);
}

TEST(Decay, EncodingsWithoutFrequenciesAreRejected) {
  for (EncodingKind kind : {EncodingKind::kAlibi, EncodingKind::kNope}) {
    EncodingConfig c;
    c.kind = kind;
    EXPECT_FALSE(has_frequencies(kind));
    EXPECT_THROW(first_negative(Encoding(c)), Error);
    EXPECT_THROW(minimal_base(c, 100), Error);
  }
  EXPECT_TRUE(has_frequencies(EncodingKind::kYarn));
}

TEST(Decay, RotationTableSanityNumbers) {
  const auto rows = rotation_table(rope(10000.0, 128), 100000.0);
  ASSERT_EQ(rows.size(), 64u);
  EXPECT_EQ(rows[0].theta, 1.0);
  EXPECT_NEAR(rows[0].wavelength, 2 * M_PI, 1e-15);
  EXPECT_NEAR(rows[0].turns, 15915.5, 0.05);
  EXPECT_NEAR(rows[63].theta, 1.1548e-4, 0.00005e-4);
  EXPECT_NEAR(rows[63].theta * 100000.0, 11.5, 0.05);  // about 11.5 rad over the context
  EXPECT_NEAR(rows[63].turns, 1.838, 0.0005);
  for (int t = 1; t < 64; ++t) EXPECT_LT(rows[t].theta, rows[t - 1].theta);
  Setting partial{EncodingKind::kPartial};
  partial.fraction = 0.5;
  const auto half = rotation_table(Encoding(config_of(partial, 128)), 1000.0);
  EXPECT_EQ(half[40].theta, 0.0);
  EXPECT_EQ(half[40].turns, 0.0);
  EXPECT_TRUE(std::isinf(half[40].wavelength));
}

// The closed form of docs/science.md#critical-dimension for RoPE.
int closed_form_critical_dim(double base, int d, double train_length) {
  const double pairs =
      std::ceil(0.5 * d * std::log(train_length / (2 * M_PI)) / std::log(base) - 1e-9);
  return static_cast<int>(std::clamp(2.0 * pairs, 0.0, static_cast<double>(d)));
}

TEST(Decay, CriticalDimension) {
  EXPECT_EQ(critical_dim(rope(10000.0, 128), 4096.0), 92);
  // Training shorter than one turn of the fastest pair: nothing fits.
  EXPECT_EQ(critical_dim(rope(10000.0, 128), 5.0), 0);
  // Every period fits: all of d.
  EXPECT_EQ(critical_dim(rope(10000.0, 128), 1e9), 128);
  // Exactly integer exponent: L_train / 2pi = b^(1/2) gives (d/2) / 2 pairs.
  EXPECT_EQ(critical_dim(rope(10000.0, 64), 2 * M_PI * 100.0), 32);
  // The count over pairs is the closed form for RoPE.
  for (int d : {16, 64, 128, 256}) {
    for (double base = 3.0; base < 1e9; base *= 1.37) {
      for (double train : {100.0, 4096.0, 32768.0, 1e6}) {
        ASSERT_EQ(critical_dim(rope(base, d), train), closed_form_critical_dim(base, d, train))
            << d << " " << base << " " << train;
      }
    }
  }
  // Other encodings count their own periods: pi with s = 4 stretches every period 4x.
  Setting pi{EncodingKind::kPi, 4.0};
  EXPECT_EQ(critical_dim(Encoding(config_of(pi, 128)), 4 * 4096.0), 92);
}

TEST(Decay, FirstNegativeSanityNumbersAndCap) {
  // docs/science.md#long-term-decay.
  EXPECT_EQ(first_negative(rope(1e4, 128)).distance, 1707);
  EXPECT_EQ(first_negative(rope(5e5, 128)).distance, 18438);
  const FirstNegative found = first_negative(rope(1e9, 128), 1000);
  EXPECT_TRUE(found.capped);
  EXPECT_EQ(found.cap, 1000);
  EXPECT_EQ(found.distance, 1000);
  // d = 2: B(m) = cos(m) for every base, first negative at m = 2.
  EXPECT_EQ(first_negative(rope(1e6, 2)).distance, 2);
}

// ---------------------------------------------------------------------------------------
// The certified minimal base.

struct Case {
  Setting setting;
  int d;
  std::int64_t length;
};

std::string name_of(const Case& c) {
  return encoding_name(c.setting.kind) + " d=" + std::to_string(c.d) +
         " L=" + std::to_string(c.length);
}

std::vector<Case> small_cases() {
  std::vector<Case> cases;
  for (std::int64_t length : {64, 128, 256, 512}) {
    cases.push_back({Setting{}, 32, length});
    cases.push_back({Setting{}, 64, length});
  }
  return cases;
}

// Brute force 1000x finer than the old scan's default step (0.01): no base on a grid of
// relative step 1e-5 below the certified b_min is admissible. The grid starts at b_min/2;
// below that, where bases fail at shorter distances, a grid of step 1e-3 covers them.
TEST(MinimalBase, NoAdmissibleBaseBelowBMinOnAFineGrid) {
  for (const Case& c : small_cases()) {
    const MinimalBase found = minimal_base(config_of(c.setting, c.d), c.length);
    ASSERT_TRUE(std::isfinite(found.b_min)) << name_of(c);
    ASSERT_TRUE(found.resolved) << name_of(c);
    for (double base = 1.001; base < found.b_min / 2; base *= 1.001) {
      ASSERT_FALSE(oracle_admissible(c.setting, base, c.d, c.length)) << name_of(c) << " " << base;
    }
    int checked = 0;
    for (double base = found.b_min / 2; base < found.b_min_lower; base *= 1.0 + 1e-5) {
      ASSERT_FALSE(oracle_admissible(c.setting, base, c.d, c.length)) << name_of(c) << " " << base;
      ++checked;
    }
    EXPECT_GT(checked, 69000) << name_of(c);
  }
}

// At b_min the decay is non-negative on [0, L]; 1e-6 below it, it is not. The same around
// b_all_above: the largest certified inadmissible base lies just below it.
TEST(MinimalBase, CertifiedValuesAreSharp) {
  std::vector<Case> cases = small_cases();
  cases.push_back({Setting{}, 128, 1024});
  cases.push_back({Setting{}, 128, 4096});
  for (const Case& c : cases) {
    const MinimalBase found = minimal_base(config_of(c.setting, c.d), c.length);
    const std::string where = name_of(c);
    EXPECT_TRUE(oracle_admissible(c.setting, found.b_min, c.d, c.length)) << where;
    EXPECT_FALSE(oracle_admissible(c.setting, found.b_min * (1 - 1e-6), c.d, c.length)) << where;
    EXPECT_LE(found.b_min_lower, found.b_min);
    EXPECT_LE(found.b_min, found.b_min_lower * (1 + 1e-6)) << where;
    ASSERT_TRUE(std::isfinite(found.b_all_above)) << where;
    EXPECT_TRUE(std::isinf(found.top)) << where;
    EXPECT_TRUE(oracle_admissible(c.setting, found.b_all_above, c.d, c.length)) << where;
    EXPECT_FALSE(oracle_admissible(c.setting, found.b_all_above_lower * (1 - 1e-9), c.d, c.length))
        << where;
    EXPECT_LE(found.b_all_above_lower, found.b_all_above);
    EXPECT_LE(found.b_all_above, found.b_all_above_lower * (1 + 1e-6)) << where;
    EXPECT_GE(found.b_all_above, found.b_min);
    // Every pocket's ends are admissible, and the pockets lie below b_all_above in order.
    double previous = 0.0;
    for (const BaseRange& pocket : found.pockets) {
      EXPECT_TRUE(oracle_admissible(c.setting, pocket.lower, c.d, c.length)) << where;
      EXPECT_TRUE(oracle_admissible(c.setting, pocket.upper * (1 - 1e-12), c.d, c.length)) << where;
      EXPECT_LT(pocket.upper, kWideStretch * pocket.lower);
      EXPECT_GT(pocket.lower, previous);
      previous = pocket.upper;
    }
    EXPECT_EQ(found.hidden_gaps, 0) << where;
  }
}

// The pockets of the problem that started this: the old 1% scan stepped over them.
TEST(MinimalBase, FindsThePocketsA1PercentScanMisses) {
  const MinimalBase found = minimal_base(config_of(Setting{}, 128), 4096);
  EXPECT_NEAR(found.b_min, 26952.34, 0.01);
  ASSERT_FALSE(found.pockets.empty());
  EXPECT_EQ(found.pockets.front().lower, found.b_min);
  EXPECT_LT(found.pockets.front().upper, 1.001 * found.b_min);
  EXPECT_TRUE(oracle_admissible(Setting{}, 26952.4, 128, 4096));
  EXPECT_FALSE(oracle_admissible(Setting{}, 26952.3, 128, 4096));
}

// "All above", by brute force above b_all_above: a grid of step 1e-4 over a factor 4,
// then a coarser one up to where the tail certificate alone holds.
TEST(MinimalBase, EveryBaseAboveBAllAboveIsAdmissible) {
  for (const Case& c : {Case{Setting{}, 32, 64}, Case{Setting{}, 32, 200}, Case{Setting{}, 64, 128},
                        Case{Setting{}, 64, 300}}) {
    const MinimalBase found = minimal_base(config_of(c.setting, c.d), c.length);
    ASSERT_TRUE(std::isfinite(found.b_all_above)) << name_of(c);
    for (double base = found.b_all_above; base < 4 * found.b_all_above; base *= 1.0 + 1e-4) {
      ASSERT_TRUE(oracle_admissible(c.setting, base, c.d, c.length)) << name_of(c) << " " << base;
    }
    for (double base = 4 * found.b_all_above; base < 1e12; base *= 1.01) {
      ASSERT_TRUE(oracle_admissible(c.setting, base, c.d, c.length)) << name_of(c) << " " << base;
    }
  }
}

// The admissible set is not an interval: between b_min and b_all_above there are
// inadmissible bases, which is why bisection cannot find b_min.
TEST(MinimalBase, AdmissibleBasesDoNotFormAnInterval) {
  const MinimalBase found = minimal_base(config_of(Setting{}, 128), 1024);
  EXPECT_GT(found.b_all_above, 1.2 * found.b_min);
  int inadmissible = 0;
  for (double base = found.b_min; base < found.b_all_above; base *= 1.002) {
    if (!oracle_admissible(Setting{}, base, 128, 1024)) ++inadmissible;
  }
  EXPECT_GT(inadmissible, 10);
}

// Other encodings, through both bounds of the search: second order for the fixed powers
// (pi, ntk, partial) and first order for yarn's ramp. b_min is sharp, and a fine grid
// below it holds no admissible base.
// b_min is sharp, a fine grid below it holds no admissible base, and every base on a
// grid above b_all_above is admissible.
void expect_certified(Setting s, std::int64_t length) {
  s.context = static_cast<double>(length);
  const int d = static_cast<int>(s.factors.empty() ? 32 : 2 * s.factors.size());
  const Case c{s, d, length};
  const MinimalBase found = minimal_base(config_of(s, d), length);
  const std::string where = name_of(c);
  ASSERT_TRUE(std::isfinite(found.b_min)) << where;
  EXPECT_TRUE(found.resolved) << where;
  EXPECT_TRUE(oracle_admissible(s, found.b_min, d, length)) << where;
  EXPECT_FALSE(oracle_admissible(s, found.b_min * (1 - 1e-6), d, length)) << where;
  for (double base = found.b_min / 1.5; base < found.b_min_lower; base *= 1.0 + 1e-5) {
    ASSERT_FALSE(oracle_admissible(s, base, d, length)) << where << " " << base;
  }
  ASSERT_TRUE(std::isfinite(found.b_all_above)) << where;
  for (double base = found.b_all_above; base < 2 * found.b_all_above; base *= 1.0 + 1e-4) {
    ASSERT_TRUE(oracle_admissible(s, base, d, length)) << where << " " << base;
  }
}

// Other encodings, through both bounds of the search: second order for the fixed powers
// (pi, ntk, partial) and first order for yarn's ramp.
TEST(MinimalBase, OtherEncodings) {
  Setting pi{EncodingKind::kPi, 4.0};
  Setting ntk{EncodingKind::kNtk, 4.0};
  Setting yarn{EncodingKind::kYarn, 8.0, 256.0, 1.0, 16.0};
  Setting partial{EncodingKind::kPartial};
  partial.fraction = 0.75;
  for (const Setting& s : {pi, ntk, yarn, partial}) {
    for (std::int64_t length : {100, 400}) expect_certified(s, length);
  }
}

// The Hugging Face variants: llama3's ramp (first order), dynamic and longrope (fixed
// powers, at a context beyond L0), and hf_yarn, whose whole-pair ramp ends step at some
// bases: the search certifies each piece apart.
TEST(MinimalBase, HuggingFaceEncodings) {
  Setting llama3{EncodingKind::kLlama3, 8.0, 256.0};
  Setting hf_yarn{EncodingKind::kHfYarn, 8.0, 256.0};
  Setting dynamic{EncodingKind::kDynamic, 4.0, 128.0};
  Setting longrope{EncodingKind::kLongrope, 1.0, 128.0};
  for (int t = 0; t < 16; ++t) longrope.factors.push_back(1.0 + 0.25 * t);
  for (const Setting& s : {llama3, hf_yarn, dynamic, longrope}) {
    for (std::int64_t length : {100, 400}) expect_certified(s, length);
  }
}

// pi with a large scale turns every frequency down by s: at L = 8 < pi s / 2 the bases
// just above 1 are already admissible.
TEST(MinimalBase, AdmissibleFromTheStart) {
  Setting pi{EncodingKind::kPi, 16.0};
  const MinimalBase found = minimal_base(config_of(pi, 32), 8);
  EXPECT_LT(found.b_min, 1.0 + 1e-12);
  EXPECT_EQ(found.b_all_above, found.b_all_above_lower);
}

TEST(MinimalBase, ExtentsAgreeOnWhatTheyShare) {
  const EncodingConfig c = config_of(Setting{}, 64);
  const MinimalBase first = minimal_base(c, 512, kDefaultTolerance, MarchExtent::kMinimalBase);
  const MinimalBase pockets = minimal_base(c, 512, kDefaultTolerance, MarchExtent::kPockets);
  const MinimalBase all = minimal_base(c, 512, kDefaultTolerance, MarchExtent::kAllAbove);
  EXPECT_EQ(first.b_min, all.b_min);
  EXPECT_EQ(pockets.b_min, all.b_min);
  EXPECT_EQ(first.b_min_lower, all.b_min_lower);
  EXPECT_TRUE(first.pockets.empty());
  ASSERT_EQ(pockets.pockets.size(), all.pockets.size());
  for (std::size_t i = 0; i < all.pockets.size(); ++i) {
    EXPECT_EQ(pockets.pockets[i].lower, all.pockets[i].lower);
    EXPECT_EQ(pockets.pockets[i].upper, all.pockets[i].upper);
  }
  EXPECT_TRUE(std::isnan(first.b_all_above));
  EXPECT_TRUE(std::isnan(pockets.b_all_above));
  EXPECT_LT(first.top, pockets.top);
  EXPECT_LT(first.block_walks, all.block_walks);
}

// The SSE2 and AVX2 walks (and the march's steps after them; the AVX-512F path runs the AVX2
// walk) give the bits of the generic C++ walk, so results depend neither on the processor nor on
// the build.
TEST(MinimalBase, VectorKernelsChangeNoBit) {
  const std::vector<VectorPath> kernels = available_vector_paths();
  ASSERT_EQ(kernels.front(), VectorPath::kGeneric);
  if (kernels.size() == 1) {
    GTEST_SKIP() << "only the generic C++ walk in this build (ROPESWEEP_GENERIC_KERNELS or not "
                    "x86-64): no vector kernel to compare with it";
  }
  const VectorPath fastest = vector_path();
  EXPECT_EQ(fastest, kernels.back());
  Setting yarn{EncodingKind::kYarn, 8.0, 256.0, 1.0, 16.0};
  std::vector<std::vector<MinimalBase>> found;
  std::vector<double> lowest;
  std::vector<FirstNegative> negative;
  for (VectorPath kernel : kernels) {
    use_vector_path(kernel);
    found.push_back(
        {minimal_base(config_of(Setting{}, 128), 2048), minimal_base(config_of(yarn, 64), 700),
         minimal_base(config_of(Setting{}, 64), 2000, kDefaultTolerance, MarchExtent::kAllAbove)});
    lowest.push_back(min_decay(rope(31622.0, 128), 100000));
    negative.push_back(first_negative(rope(500.0, 96), 1 << 20));
  }
  use_vector_path(fastest);
  for (std::size_t k = 1; k < kernels.size(); ++k) {
    SCOPED_TRACE(vector_path_name(kernels[k]));
    EXPECT_EQ(lowest[k], lowest[0]);
    EXPECT_EQ(negative[k].distance, negative[0].distance);
    for (std::size_t i = 0; i < found[0].size(); ++i) {
      const MinimalBase& a = found[0][i];
      const MinimalBase& b = found[k][i];
      EXPECT_EQ(a.b_min, b.b_min);
      EXPECT_EQ(a.b_min_lower, b.b_min_lower);
      EXPECT_EQ(std::isnan(a.b_all_above), std::isnan(b.b_all_above));
      if (!std::isnan(a.b_all_above)) {
        EXPECT_EQ(a.b_all_above, b.b_all_above);
        EXPECT_EQ(a.b_all_above_lower, b.b_all_above_lower);
      }
      ASSERT_EQ(a.pockets.size(), b.pockets.size());
      for (std::size_t p = 0; p < a.pockets.size(); ++p) {
        EXPECT_EQ(a.pockets[p].lower, b.pockets[p].lower);
        EXPECT_EQ(a.pockets[p].upper, b.pockets[p].upper);
      }
      EXPECT_EQ(a.points, b.points);
      EXPECT_EQ(a.block_walks, b.block_walks);
    }
  }
}

TEST(MinimalBase, UnavailableVectorPathIsRefused) {
  const std::vector<VectorPath> kernels = available_vector_paths();
  const VectorPath fastest = vector_path();
  for (VectorPath kernel :
       {VectorPath::kGeneric, VectorPath::kSse2, VectorPath::kAvx2, VectorPath::kAvx512}) {
    if (std::find(kernels.begin(), kernels.end(), kernel) == kernels.end()) {
      EXPECT_THROW(use_vector_path(kernel), Error);
    } else {
      EXPECT_NO_THROW(use_vector_path(kernel));
      EXPECT_EQ(vector_path(), kernel);
    }
  }
  use_vector_path(fastest);
}

TEST(MinimalBase, TwoDimensionsAreNeverAdmissible) {
  // d = 2: B(m) = cos(m) at every base, negative at m = 2.
  const MinimalBase found = minimal_base(config_of(Setting{}, 2), 10);
  EXPECT_TRUE(std::isinf(found.b_min));
  EXPECT_TRUE(std::isinf(found.b_all_above));
  // L = 1: B(1) = cos 1 > 0, every base admissible.
  const MinimalBase one = minimal_base(config_of(Setting{}, 2), 1);
  EXPECT_LT(one.b_min, 1.0 + 1e-12);
}

TEST(MinimalBase, CoarserToleranceLeavesWiderUnresolvedGaps) {
  const EncodingConfig c = config_of(Setting{}, 64);
  const MinimalBase fine = minimal_base(c, 256, 1e-9);
  const MinimalBase coarse = minimal_base(c, 256, 1e-2);
  // Both brackets hold the true infimum; the fine one is narrower.
  EXPECT_LE(fine.b_min_lower, coarse.b_min);
  EXPECT_LE(coarse.b_min_lower, fine.b_min);
  EXPECT_LE(fine.b_min / fine.b_min_lower, 1 + 1e-9);
  EXPECT_LE(coarse.b_min / coarse.b_min_lower, 1.01);
  EXPECT_THROW(minimal_base(c, 256, 0.0), Error);
  EXPECT_THROW(minimal_base(c, 0), Error);
}

}  // namespace
}  // namespace ropesweep
