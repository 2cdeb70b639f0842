#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/physics/decay.hpp"
#include "ropesweep/core/error.hpp"

namespace ropesweep {
namespace {

// Direct evaluation, one std::cos per term, for the brute-force checks.
bool admissible_brute_force(double base, int d, std::int64_t length) {
  std::vector<double> theta(d / 2);
  for (int t = 0; t < d / 2; ++t) theta[t] = std::pow(base, -2.0 * t / d);
  for (std::int64_t m = 0; m <= length; ++m) {
    double sum = 0.0;
    for (int t = 0; t < d / 2; ++t) sum += std::cos(m * theta[t]);
    if (sum < 0.0) return false;
  }
  return true;
}

TEST(Decay, RotationTableSanityNumbers) {
  const auto rows = rotation_table(10000.0, 128, 100000.0);
  ASSERT_EQ(rows.size(), 64u);
  EXPECT_EQ(rows[0].theta, 1.0);
  EXPECT_NEAR(rows[0].wavelength, 2 * M_PI, 1e-15);
  EXPECT_NEAR(rows[0].turns, 15915.5, 0.05);
  EXPECT_NEAR(rows[63].theta, 1.1548e-4, 0.00005e-4);
  EXPECT_NEAR(rows[63].theta * 100000.0, 11.5, 0.05);  // about 11.5 rad over the context
  EXPECT_NEAR(rows[63].turns, 1.838, 0.0005);
  for (int t = 1; t < 64; ++t) EXPECT_LT(rows[t].theta, rows[t - 1].theta);
}

TEST(Decay, CriticalDimension) {
  EXPECT_EQ(critical_dim(10000.0, 128, 4096.0), 92);
  // Training shorter than one turn of the fastest pair: nothing fits.
  EXPECT_EQ(critical_dim(10000.0, 128, 5.0), 0);
  // Every period fits: all of d.
  EXPECT_EQ(critical_dim(10000.0, 128, 1e9), 128);
  // Exactly integer exponent: L_train / 2pi = b^(1/2) gives (d/2) / 2 pairs.
  EXPECT_EQ(critical_dim(10000.0, 64, 2 * M_PI * 100.0), 32);
}

TEST(Decay, WalkerMatchesDirectEvaluation) {
  for (double base : {50.0, 500.0, 10000.0}) {
    double lowest = 1e300;
    for (int m = 0; m <= 5000; ++m) lowest = std::min(lowest, long_term_decay(base, 32, m));
    EXPECT_NEAR(min_decay(base, 32, 5000), lowest, 1e-9) << base;
  }
  EXPECT_EQ(long_term_decay(10000.0, 128, 0.0), 64.0);
}

TEST(Decay, AdmissibilityMatchesTheMinimum) {
  // is_admissible splits fast and slow terms and bounds the slow ones; it must
  // agree with the plain minimum over [0, L] everywhere, including near b_min.
  int admissible = 0, inadmissible = 0;
  for (int d : {16, 64, 128}) {
    for (std::int64_t length : {100, 1000, 5000}) {
      for (double log_base = 1.0; log_base < 7.0; log_base += 0.037) {
        const double base = std::pow(10.0, log_base);
        const bool expected = min_decay(base, d, length) >= 0.0;
        ASSERT_EQ(is_admissible(base, d, length), expected) << base << " " << d << " " << length;
        ++(expected ? admissible : inadmissible);
      }
    }
  }
  EXPECT_GT(admissible, 100);
  EXPECT_GT(inadmissible, 100);
}

TEST(Decay, FirstNegativeMatchesBruteForce) {
  for (double base : {100.0, 2000.0, 10000.0}) {
    for (int d : {16, 64, 128}) {
      std::int64_t m = 0;
      while (long_term_decay(base, d, static_cast<double>(m)) >= 0.0) ++m;
      const FirstNegative found = first_negative(base, d);
      EXPECT_FALSE(found.capped);
      EXPECT_EQ(found.distance, m) << base << " " << d;
    }
  }
}

TEST(Decay, FirstNegativeReportsTheCap) {
  const FirstNegative found = first_negative(1e9, 128, 1000);
  EXPECT_TRUE(found.capped);
  EXPECT_EQ(found.cap, 1000);
  EXPECT_EQ(found.distance, 1000);
  EXPECT_THROW(first_negative(1.0, 128), Error);
  // d = 2: B(m) = cos(m) for every base, first negative at m = 2.
  EXPECT_EQ(first_negative(1e6, 2).distance, 2);
}

// Admissible runs (first and last admissible base of each maximal run) on a
// geometric grid of ratio 1 + step from just above 1 to `top`, by direct evaluation.
struct AdmissibleRun {
  double first, last;
};

std::vector<AdmissibleRun> admissible_runs(std::int64_t length, int d, double step, double top) {
  std::vector<AdmissibleRun> runs;
  bool inside = false;
  for (int j = 1;; ++j) {
    const double base = std::pow(1.0 + step, j);
    if (base > top) break;
    const bool admissible = admissible_brute_force(base, d, length);
    if (admissible && !inside) runs.push_back({base, base});
    if (admissible) runs.back().last = base;
    inside = admissible;
  }
  return runs;
}

// The contract of minimal_base at scan step R: an admissible stretch wider than R
// cannot be missed, so b_min lies at most a factor (1 + R) above the start of the
// first such stretch and is itself admissible; nothing is admissible below the
// brute-force grid's first admissible base (up to one grid step). Likewise for
// b_all_above against the last inadmissible base of a fine grid.
TEST(Decay, MinimalBaseAgreesWithBruteForceScan) {
  struct Case {
    std::int64_t length;
    int d;
  };
  const double resolution = 0.05;
  const double fine = resolution / 16.0;
  for (Case c : {Case{100, 16}, Case{300, 32}, Case{600, 64}}) {
    const MinimalBase found = minimal_base(c.length, c.d, resolution);
    ASSERT_TRUE(found.found);
    const std::vector<AdmissibleRun> runs = admissible_runs(c.length, c.d, fine, found.scan_top);
    ASSERT_FALSE(runs.empty());
    double first_wide = 0.0;
    for (const AdmissibleRun& run : runs) {
      if (run.last / run.first >= 1.0 + resolution) {
        first_wide = run.first;
        break;
      }
    }
    ASSERT_GT(first_wide, 0.0);
    const std::string where = std::to_string(c.length) + " " + std::to_string(c.d);
    EXPECT_TRUE(admissible_brute_force(found.b_min, c.d, c.length)) << where;
    EXPECT_TRUE(admissible_brute_force(found.b_all_above, c.d, c.length)) << where;
    EXPECT_LE(found.b_min, first_wide * (1.0 + resolution)) << where;
    EXPECT_GE(found.b_min, runs.front().first / (1.0 + fine)) << where;
    // The brute-force grid's last inadmissible base lies just below the start of its
    // last run; b_all_above can only be lower than that by an inadmissible pocket
    // narrower than the scan step, and never higher.
    const double all_above_fine = runs.back().first;
    EXPECT_LE(found.b_all_above, all_above_fine * (1.0 + fine)) << where;
    EXPECT_GE(found.b_all_above, found.b_min) << where;
    if (runs.back().first / runs.front().first > 1.0 + 2 * resolution) {
      // Several runs far apart: the scan must see the gap.
      EXPECT_GT(found.b_all_above, found.b_min) << where;
    }
  }
}

TEST(Decay, AdmissibleBasesDoNotFormAnInterval) {
  // d = 128, L = 1024: between b_min and b_all_above there are inadmissible bases,
  // which is why b_min cannot be found by bisection.
  const MinimalBase found = minimal_base(1024, 128, 0.01);
  ASSERT_TRUE(found.found);
  EXPECT_TRUE(is_admissible(found.b_min, 128, 1024));
  int inadmissible = 0;
  for (double base = found.b_min; base < found.b_all_above; base *= 1.002) {
    if (!is_admissible(base, 128, 1024)) ++inadmissible;
  }
  EXPECT_GT(inadmissible, 0);
  EXPECT_GT(found.b_all_above, found.b_min);
}

}  // namespace
}  // namespace ropesweep
