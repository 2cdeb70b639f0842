#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/vector_path.hpp"
#include "vector_path_guard.hpp"

namespace ropesweep {
namespace {

const std::size_t kCounts[] = {0,  1,   2,   3,   7,   8,    15,   16,   17,   63,    64,
                               65, 128, 511, 512, 513, 1023, 1024, 1025, 4097, 100001};

// The draws of `count` values from a fresh stream whose first `skip` uniforms were used (so
// a call may start inside a Philox block), then the stream's next uniform: where it stopped.
template <typename T>
std::vector<T> draws(std::size_t count, int skip, double* next_uniform) {
  RandomStream stream({2026, count, 41, static_cast<std::uint64_t>(skip)});
  for (int i = 0; i < skip; ++i) stream.uniform_open();
  std::vector<T> out(count + 1, T(-7));  // one value past the end must stay untouched
  if constexpr (std::is_same_v<T, float>) {
    fill_normal(stream, out.data(), count, 0.37);
  } else {
    fill_normal(stream, out.data(), count);
  }
  *next_uniform = stream.uniform_open();
  return out;
}

template <typename T>
void expect_every_path_gives_the_generic_bits() {
  VectorPathGuard guard;
  const std::vector<VectorPath> paths = available_vector_paths();
  ASSERT_EQ(paths.front(), VectorPath::kGeneric);
  for (std::size_t count : kCounts) {
    for (int skip : {0, 1, 3}) {
      use_vector_path(VectorPath::kGeneric);
      double generic_next = 0.0;
      const std::vector<T> generic = draws<T>(count, skip, &generic_next);
      EXPECT_EQ(generic.back(), T(-7)) << "count " << count << ": wrote past the end";
      // A pure function of (stream, count): 2 ceil(count / 2) uniforms used.
      RandomStream reference({2026, count, 41, static_cast<std::uint64_t>(skip)});
      for (std::size_t i = 0; i < static_cast<std::size_t>(skip) + (count + 1) / 2 * 2; ++i) {
        reference.uniform_open();
      }
      EXPECT_EQ(generic_next, reference.uniform_open()) << "count " << count;
      for (VectorPath path : paths) {
        use_vector_path(path);
        double next = 0.0;
        const std::vector<T> other = draws<T>(count, skip, &next);
        EXPECT_EQ(0, std::memcmp(generic.data(), other.data(), generic.size() * sizeof(T)))
            << vector_path_name(path) << ", count " << count << ", skip " << skip;
        EXPECT_EQ(next, generic_next) << vector_path_name(path) << ", count " << count;
      }
    }
  }
}

TEST(NormalDraws, EveryVectorPathGivesTheGenericBitsForDoubles) {
  expect_every_path_gives_the_generic_bits<double>();
}

TEST(NormalDraws, EveryVectorPathGivesTheGenericBitsForFloats) {
  expect_every_path_gives_the_generic_bits<float>();
}

TEST(NormalDraws, CallsOfEvenSizesGiveTheDrawsOfOneCall) {
  RandomStream whole_stream({5, 6, 7, 8}), split_stream({5, 6, 7, 8});
  std::vector<double> whole(3001), split(3001);
  fill_normal(whole_stream, whole.data(), whole.size());
  std::size_t done = 0;
  for (std::size_t size : {2, 512, 14, 1000, 1472, 1}) {
    fill_normal(split_stream, split.data() + done, size);
    done += size;
  }
  ASSERT_EQ(done, split.size());
  EXPECT_EQ(0, std::memcmp(whole.data(), split.data(), whole.size() * sizeof(double)));
  // The float draws are the double ones scaled and rounded.
  RandomStream float_stream({5, 6, 7, 8});
  std::vector<float> floats(whole.size());
  fill_normal(float_stream, floats.data(), floats.size(), 0.125);
  for (std::size_t i = 0; i < floats.size(); ++i) {
    ASSERT_EQ(floats[i], static_cast<float>(0.125 * whole[i])) << i;
  }
}

// Box-Muller in long double from the same uniforms: the angle 2 pi v reduced exactly to a
// quarter turn count q and a remainder f in [-1/4, 1/4] of a half turn, so the reference's
// own error is ~1e-19 relative even where the cosine or sine is near zero.
void long_double_pair(double u, double v, long double* cosine_value, long double* sine_value) {
  const long double pi = 3.141592653589793238462643383279502884L;
  const double quarters = std::nearbyint(4.0 * v);  // 4v exact
  const double f = 2.0 * v - 0.5 * quarters;        // exact
  const long double radius = std::sqrt(-2.0L * std::log(static_cast<long double>(u)));
  const long double s = std::sin(pi * f), c = std::cos(pi * f);
  long double sine = s, cosine = c;
  switch (static_cast<int>(quarters) % 4) {
    case 1:
      sine = c, cosine = -s;
      break;
    case 2:
      sine = -s, cosine = -c;
      break;
    case 3:
      sine = -c, cosine = s;
      break;
  }
  *cosine_value = radius * cosine;
  *sine_value = radius * sine;
}

// The error relative to the reference, in units of the type's epsilon (2^-52 for double): the
// scale of the bound below, which holds near zero as well as anywhere.
template <typename T>
double relative_error(T value, long double reference) {
  return static_cast<double>(std::fabs((static_cast<long double>(value) - reference) / reference) /
                             std::numeric_limits<T>::epsilon());
}

// Error budget of a draw, relative: log 3.5 ulp (SLEEF's u35), halved by the square root,
// which adds half an ulp; sincospi 3.5 ulp (the angle in half turns, 2v, is exact); the
// product half an ulp. At most 6.25 epsilon; the float draws add their own rounding (half a
// float epsilon).
TEST(NormalDraws, MatchLongDoubleBoxMullerWithinSixEpsilon) {
  const std::size_t count = 1000001;  // odd: the last value is a cosine whose sine is dropped
  RandomStream stream({99, 1, 2, 3}), uniforms({99, 1, 2, 3}), float_stream({99, 1, 2, 3});
  std::vector<double> z(count);
  std::vector<float> zf(count);
  fill_normal(stream, z.data(), count);
  fill_normal(float_stream, zf.data(), count, 0.7);
  double worst = 0.0, worst_float = 0.0;
  for (std::size_t i = 0; i < count; i += 2) {
    const double u = uniforms.uniform_open();
    const double v = uniforms.uniform_open();
    long double reference[2];
    long_double_pair(u, v, &reference[0], &reference[1]);
    for (std::size_t k = 0; k < 2 && i + k < count; ++k) {
      worst = std::max(worst, relative_error(z[i + k], reference[k]));
      worst_float = std::max(worst_float, relative_error(zf[i + k], 0.7L * reference[k]));
    }
  }
  EXPECT_LE(worst, 6.25);
  EXPECT_LE(worst_float, 0.5 + 1e-6);
  std::printf("worst relative error: %.3f epsilon (double), %.3f epsilon (float)\n", worst,
              worst_float);
}

TEST(NormalDraws, MomentsOfTwoMillionDraws) {
  const std::size_t n = std::size_t{1} << 21;
  RandomStream stream({314, 15, 92, 65});
  std::vector<double> z(n);
  fill_normal(stream, z.data(), n);
  double sum = 0.0, squares = 0.0, fourth = 0.0, pair_products = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += z[i];
    squares += z[i] * z[i];
    fourth += z[i] * z[i] * z[i] * z[i];
    if (i % 2 == 1) pair_products += z[i - 1] * z[i];
  }
  const double count = static_cast<double>(n);
  // Standard errors of the standard normal's moments: Var z = 1, Var z^2 = 2, Var z^4 = 96;
  // the cosine and sine of a pair are independent, Var(z1 z2) = 1.
  EXPECT_NEAR(sum / count, 0.0, 4.0 / std::sqrt(count));
  EXPECT_NEAR(squares / count, 1.0, 4.0 * std::sqrt(2.0 / count));
  EXPECT_NEAR(fourth / count, 3.0, 4.0 * std::sqrt(96.0 / count));
  EXPECT_NEAR(pair_products / (count / 2), 0.0, 4.0 / std::sqrt(count / 2));
  // The tails: P(|z| > 3) = 0.0026998, binomial standard error.
  const double p3 = 0.0026997960632601866;
  const auto beyond = std::count_if(z.begin(), z.end(), [](double x) { return std::fabs(x) > 3; });
  EXPECT_NEAR(beyond / count, p3, 4.0 * std::sqrt(p3 * (1 - p3) / count));
}

}  // namespace
}  // namespace ropesweep
