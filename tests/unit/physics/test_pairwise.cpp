#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "reference_kernels.hpp"
#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/gaussian.hpp"
#include "ropesweep/physics/normal_draws.hpp"
#include "ropesweep/physics/pairwise.hpp"
#include "ropesweep/physics/rare_events.hpp"
#include "ropesweep/physics/separation.hpp"
#include "ropesweep/physics/sincos.hpp"
#include "ropesweep/physics/vector_path.hpp"

namespace ropesweep {
namespace {

PairwiseConfig make_config(double base, int d, std::int64_t length, double rho,
                           EstimatorKind estimator, std::int64_t samples) {
  PairwiseConfig config;
  config.encoding.base = base;
  config.encoding.head_dim = d;
  config.length = length;
  config.rho = rho;
  config.estimator = estimator;
  config.samples = samples;
  return config;
}

double combined_se(const Estimate& a, const Estimate& b) { return std::hypot(a.se, b.se); }

std::uint64_t bits_of(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Sheppard's oracle, computed here from its own draws: the average over q and
// r ~ U{0..L-1} of arccos(C(r)/C(0)) / pi, with the SE of the mean of iid terms.
Estimate sheppard_oracle(const PairwiseConfig& config, std::int64_t draws) {
  const Encoding encoding(config.encoding);
  RandomStream stream({12345, 0, 77, 0});
  std::vector<double> q(config.encoding.head_dim);
  double sum = 0.0, sum_sq = 0.0;
  for (std::int64_t i = 0; i < draws; ++i) {
    fill_normal(stream, q.data(), q.size());
    const auto r = static_cast<double>(stream.uniform_int(config.length));
    const double p = std::acos(encoding.C(q.data(), r) / encoding.C(q.data(), 0.0)) / M_PI;
    sum += p;
    sum_sq += p * p;
  }
  const double mean = sum / draws;
  const double variance = (sum_sq / draws - mean * mean) * draws / (draws - 1.0);
  return {mean, std::sqrt(variance / draws), double(draws)};
}

TEST(Pairwise, SheppardOracleAtRhoZero) {
  struct Case {
    double base;
    int d;
    std::int64_t length;
  };
  for (Case c : {Case{10000.0, 64, 512}, Case{100.0, 32, 4096}, Case{500000.0, 128, 32768},
                 Case{10.0, 16, 1000}}) {
    const PairwiseConfig config =
        make_config(c.base, c.d, c.length, 0.0, EstimatorKind::kPlain, 20000);
    const Estimate plain = token_inversion(config, 1, 0);
    const Estimate oracle = sheppard_oracle(config, 20000);
    EXPECT_LE(std::fabs(plain.value - oracle.value), 3.0 * combined_se(plain, oracle))
        << c.base << " " << c.d << " " << c.length << ": " << plain.value << " +- " << plain.se
        << " vs " << oracle.value << " +- " << oracle.se;
    EXPECT_GT(plain.se, 0.0);
    EXPECT_GE(plain.n, config.samples);
  }
}

TEST(Pairwise, ConditionalTokenInversionIsSheppardGivenTheDraws) {
  // At rho = 0 the conditional estimator's per-sample term must be exactly
  // arccos(C(r)/C(0))/pi: replay its draws and compare.
  const PairwiseConfig config =
      make_config(10000.0, 64, 2048, 0.0, EstimatorKind::kConditional, 640);
  const Encoding encoding(config.encoding);
  const auto plan = detail::plan_blocks(config.samples);
  double total = 0.0;
  // The conditional estimator draws the queries only (no keys: it needs none).
  std::vector<std::vector<double>> queries(plan.queries, std::vector<double>(64));
  for (std::int64_t k = 0; k < plan.blocks; ++k) {
    RandomStream stream = detail::cluster_stream(3, 4, kStreamTokenInversion, k);
    for (auto& q : queries) fill_normal(stream, q.data(), q.size());
    for (std::int64_t i = 0; i < plan.distances; ++i) {
      const auto r = static_cast<double>(stream.uniform_int(2048));
      for (const auto& q : queries) {
        total += std::acos(encoding.C(q.data(), r) / encoding.C(q.data(), 0.0)) / M_PI;
      }
    }
  }
  const Estimate conditional = token_inversion(config, 3, 4);
  EXPECT_NEAR(conditional.value, total / (plan.blocks * plan.per_block()), 1e-12);
}

TEST(Pairwise, RhoOnePositionInversionIsTheCIndicator) {
  for (EncodingKind kind : {EncodingKind::kRope, EncodingKind::kYarn, EncodingKind::kPartial}) {
    for (EstimatorKind estimator : {EstimatorKind::kPlain, EstimatorKind::kConditional}) {
      PairwiseConfig config = make_config(10000.0, 64, 8192, 1.0, estimator, 6400);
      config.encoding.kind = kind;
      config.encoding.scale = 4.0;
      config.encoding.partial_fraction = 0.5;
      const Encoding encoding(config.encoding);
      // Replay the draws: each block draws its queries' content, then its distance
      // pairs, and every (query, pair) combination is a sample.
      const auto plan = detail::plan_blocks(config.samples);
      const std::int64_t gap = minimum_gap(config.length, config.separation);
      std::vector<detail::ClusterContent> contents(plan.queries);
      double total = 0.0;
      for (std::int64_t k = 0; k < plan.blocks; ++k) {
        RandomStream stream = detail::cluster_stream(9, 2, kStreamPositionInversion, k);
        for (auto& content : contents) detail::draw_content(stream, 64, 1.0, content, false);
        for (std::int64_t i = 0; i < plan.distances; ++i) {
          const auto pair = detail::draw_separated_pair(stream, config.length, gap);
          for (const auto& content : contents) {
            const double near = encoding.C(content.q.data(), pair.near);
            const double far = encoding.C(content.q.data(), pair.far);
            total += near < far ? 1.0 : (near == far ? 0.5 : 0.0);
          }
        }
      }
      const Estimate estimate = position_inversion(config, 9, 2);
      // One flipped indicator would move the average by 1/6400.
      EXPECT_EQ(estimate.n, plan.blocks * plan.per_block());
      EXPECT_NEAR(estimate.value, total / (plan.blocks * plan.per_block()), 1e-12)
          << encoding_name(kind) << " " << estimator_name(estimator);
    }
  }
}

TEST(Pairwise, ConditionalAgreesWithPlainOnRandomConfigurations) {
  RandomStream stream({2026, 11, 25, 0});
  const std::vector<EncodingKind> kinds = {
      EncodingKind::kRope, EncodingKind::kRopeHalf, EncodingKind::kPi,   EncodingKind::kNtk,
      EncodingKind::kYarn, EncodingKind::kPartial,  EncodingKind::kAlibi};
  const int d_choices[] = {16, 32, 64};
  double sum_z2 = 0.0;
  int comparisons = 0;
  for (int trial = 0; trial < 21; ++trial) {
    PairwiseConfig config;
    config.encoding.kind = kinds[trial % kinds.size()];
    config.encoding.head_dim = d_choices[stream.uniform_int(3)];
    config.encoding.base = std::pow(10.0, 1.0 + 5.0 * stream.uniform_open());
    config.encoding.scale = 1.0 + 7.0 * stream.uniform_open();
    config.encoding.train_length = 512;
    config.encoding.partial_fraction = stream.uniform_open();
    config.encoding.alibi_slope = 0.05 * stream.uniform_open();
    config.length = 16 + static_cast<std::int64_t>(stream.uniform_int(20000));
    config.rho = stream.uniform_open();
    config.separation = 0.5 * stream.uniform_open();
    config.samples = 6000;
    PairwiseConfig plain = config, conditional = config;
    plain.estimator = EstimatorKind::kPlain;
    conditional.estimator = EstimatorKind::kConditional;
    const std::string where =
        encoding_name(config.encoding.kind) + " d=" + std::to_string(config.encoding.head_dim) +
        " b=" + std::to_string(config.encoding.base) + " L=" + std::to_string(config.length) +
        " rho=" + std::to_string(config.rho);
    const std::uint64_t point = static_cast<std::uint64_t>(trial);
    // Different seeds: the two estimates are independent.
    const Estimate pi_plain = position_inversion(plain, 100, point);
    const Estimate pi_cond = position_inversion(conditional, 200, point);
    const Estimate ti_plain = token_inversion(plain, 100, point);
    const Estimate ti_cond = token_inversion(conditional, 200, point);
    for (const auto& [a, b] : {std::pair{pi_plain, pi_cond}, std::pair{ti_plain, ti_cond}}) {
      const double se = combined_se(a, b);
      // Plain Monte Carlo cannot see probabilities below 1/n (it reports 0 +- 0 where
      // the conditional estimator resolves, say, 1e-18): allow that resolution.
      const double resolution = 1.0 / static_cast<double>(a.n);
      EXPECT_LE(std::fabs(a.value - b.value), 3.0 * se + resolution)
          << where << ": plain " << a.value << " +- " << a.se << ", conditional " << b.value
          << " +- " << b.se;
      if (a.se > 0.0 && b.se > 0.0) {
        sum_z2 += std::pow((a.value - b.value) / se, 2);
        ++comparisons;
      }
    }
    // Conditioning removes the content noise: never a larger standard error.
    EXPECT_LE(pi_cond.se, std::max(pi_plain.se * 1.2, 1.0 / pi_plain.n)) << where;
    EXPECT_LE(ti_cond.se, std::max(ti_plain.se * 1.2, 1.0 / ti_plain.n)) << where;
  }
  // The standard errors are honest: the normalised differences have unit variance
  // (chi-square with ~40 degrees of freedom lies in [0.5, 1.6] * dof with prob. > 0.99).
  ASSERT_GE(comparisons, 30);
  const double mean_z2 = sum_z2 / comparisons;
  EXPECT_GT(mean_z2, 0.5);
  EXPECT_LT(mean_z2, 1.6);
}

TEST(Pairwise, StandardErrorMatchesTheSpreadOverSeeds) {
  // Samples inside a cluster share the content, so the per-sample variance would
  // understate the error; the cluster-based SE must match the real spread.
  PairwiseConfig config = make_config(10000.0, 32, 4096, 0.8, EstimatorKind::kPlain, 3200);
  double sum = 0.0, sum_sq = 0.0, se_sq = 0.0;
  const int seeds = 40;
  for (int seed = 0; seed < seeds; ++seed) {
    const Estimate e = position_inversion(config, 1000 + seed, 0);
    sum += e.value;
    sum_sq += e.value * e.value;
    se_sq += e.se * e.se;
  }
  const double mean = sum / seeds;
  const double spread = std::sqrt((sum_sq - seeds * mean * mean) / (seeds - 1));
  const double typical_se = std::sqrt(se_sq / seeds);
  EXPECT_GT(spread / typical_se, 0.65);
  EXPECT_LT(spread / typical_se, 1.45);
}

TEST(Pairwise, ShortContextsDiscriminate) {
  // L << b: both inversions far below one half (the few fastest pairs still turn
  // over 64 tokens, so position inversion is not 0).
  for (EstimatorKind estimator : {EstimatorKind::kPlain, EstimatorKind::kConditional}) {
    for (double rho : {1.0, 0.95}) {
      const PairwiseConfig config = make_config(1e6, 64, 64, rho, estimator, 4000);
      EXPECT_LT(position_inversion(config, 5, 0).value, 0.25) << rho;
      EXPECT_LT(token_inversion(config, 5, 0).value, 0.25) << rho;
    }
  }
}

TEST(Pairwise, LongContextsAreCoinFlips) {
  // L >> b: both inversions within 0.02 of one half.
  for (EstimatorKind estimator : {EstimatorKind::kPlain, EstimatorKind::kConditional}) {
    const PairwiseConfig config = make_config(10.0, 64, 200000, 1.0, estimator, 20000);
    const Estimate position = position_inversion(config, 6, 0);
    const Estimate token = token_inversion(config, 6, 0);
    EXPECT_NEAR(position.value, 0.5, 0.02) << position.se;
    EXPECT_NEAR(token.value, 0.5, 0.02) << token.se;
    EXPECT_LT(position.se, 0.006);
    EXPECT_LT(token.se, 0.006);
  }
}

TEST(Pairwise, TokenInversionFallsAsTheBaseGrows) {
  double previous = 1.0;
  for (double base : {100.0, 10000.0, 1e6}) {
    const Estimate e =
        token_inversion(make_config(base, 64, 4096, 1.0, EstimatorKind::kConditional, 4000), 8, 0);
    EXPECT_LT(e.value, previous - 3 * e.se) << base;
    previous = e.value;
  }
}

TEST(Pairwise, NopeNeverSeesPosition) {
  for (Precision p : {Precision::kFp64, Precision::kBf16}) {
    for (EstimatorKind estimator : {EstimatorKind::kPlain, EstimatorKind::kConditional}) {
      PairwiseConfig config = make_config(10000.0, 32, 1000, 0.7, estimator, 640);
      config.encoding.kind = EncodingKind::kNope;
      config.precision = p;
      const Estimate position = position_inversion(config, 1, 0);
      EXPECT_EQ(position.value, 0.5);  // every pair ties
      EXPECT_EQ(position.se, 0.0);
      EXPECT_EQ(position_aliasing(config, 1, 0).value, 1.0);
      EXPECT_EQ(token_inversion(config, 1, 0).value, 0.0);  // the order never changes
    }
  }
}

TEST(Pairwise, AliasingNeedsLowPrecision) {
  PairwiseConfig config = make_config(10000.0, 64, 4096, 0.5, EstimatorKind::kPlain, 20000);
  EXPECT_EQ(position_aliasing(config, 1, 0).value, 0.0);
  EXPECT_EQ(token_aliasing(config, 1, 0).value, 0.0);
  config.precision = Precision::kBf16;
  const Estimate bf16_position = position_aliasing(config, 1, 0);
  const Estimate bf16_token = token_aliasing(config, 1, 0);
  EXPECT_GT(bf16_position.value, 3 * bf16_position.se);
  EXPECT_GT(bf16_token.value, 3 * bf16_token.se);
  config.precision = Precision::kFp16;
  const Estimate fp16_token = token_aliasing(config, 1, 0);
  // fp16 keeps 3 more significand bits than bf16: about 8 times fewer collisions.
  EXPECT_LT(fp16_token.value, bf16_token.value);
  const Estimate pairs = aliased_pairs(bf16_position, 4096);
  EXPECT_DOUBLE_EQ(pairs.value, bf16_position.value * 4096.0 * 4095.0 / 2.0);
  EXPECT_DOUBLE_EQ(pairs.se, bf16_position.se * 4096.0 * 4095.0 / 2.0);
  EXPECT_DOUBLE_EQ(pairs.upper, bf16_position.upper * 4096.0 * 4095.0 / 2.0);
}

// ALiBi and NoPE never change the content order with distance (the penalty
// cancels in the difference), so the conditional token inversion is exactly 0,
// with no rounding residue from the Gaussian orthant sums.
TEST(Pairwise, ConditionalTokenInversionIsExactlyZeroWithoutRotation) {
  for (const EncodingKind kind : {EncodingKind::kAlibi, EncodingKind::kNope}) {
    PairwiseConfig config = make_config(10000.0, 64, 4096, 0.5, EstimatorKind::kConditional, 2000);
    config.encoding.kind = kind;
    const Estimate estimate = token_inversion(config, 3, 1);
    EXPECT_EQ(estimate.value, 0.0) << encoding_name(kind);
    EXPECT_EQ(estimate.se, 0.0) << encoding_name(kind);
  }
}

TEST(RareEvents, ClopperPearsonBounds) {
  // Zero events: the bound solves (1 - p)^n = 0.05.
  for (const std::int64_t n : {1, 10, 157, 100000}) {
    EXPECT_NEAR(rate_upper_bound(0, n), 1.0 - std::pow(0.05, 1.0 / double(n)), 1e-12) << n;
  }
  // Independently: the bound p makes P(X <= k | n, p) = 0.05, summed here directly.
  for (const auto& [k, n] : std::vector<std::pair<int, int>>{{1, 20}, {5, 100}, {30, 40}}) {
    const double p = rate_upper_bound(k, n);
    double cdf = 0.0;
    for (int i = 0; i <= k; ++i) {
      cdf += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) +
                      i * std::log(p) + (n - i) * std::log1p(-p));
    }
    EXPECT_NEAR(cdf, 0.05, 1e-9) << k << " of " << n;
  }
  EXPECT_EQ(rate_upper_bound(7, 7), 1.0);
  EXPECT_THROW(rate_upper_bound(3, 2), Error);
}

// A rare event that no block sees reads 0 +- 0; the upper bound stays honest
// (nope, bf16, d = 96, L = 70000, rho = 0.3: token aliasing about 2.5e-4) and
// is the zero-event bound over the independent blocks. Where events are
// common the bound lies above the estimate.
TEST(RareEvents, AliasingCarriesAnHonestUpperBound) {
  PairwiseConfig config = make_config(10000.0, 96, 70000, 0.3, EstimatorKind::kPlain, 20000);
  config.encoding.kind = EncodingKind::kNope;
  config.precision = Precision::kBf16;
  const detail::BlockPlan plan = detail::plan_blocks(config.samples);
  const Estimate token = token_aliasing(config, 5, 0);
  if (token.value == 0.0) {
    EXPECT_EQ(token.se, 0.0);
    EXPECT_DOUBLE_EQ(token.upper, rate_upper_bound(0, plan.blocks));
  }
  EXPECT_GT(token.upper, 2.5e-4);
  config = make_config(10000.0, 64, 4096, 0.5, EstimatorKind::kPlain, 20000);
  config.precision = Precision::kBf16;
  const Estimate position = position_aliasing(config, 1, 0);
  EXPECT_GT(position.value, 0.0);
  EXPECT_GT(position.upper, position.value + position.se);
  EXPECT_LE(position.upper, 1.0);
  // Inversions are not rare events: no bound.
  EXPECT_TRUE(std::isnan(position_inversion(config, 1, 0).upper));
}

TEST(Pairwise, KernelFollowsThePrecisionPipeline) {
  // Recompute a bf16 score from the public pieces: fp32 angles and rotation,
  // rotated q and k rounded to bf16, fp32 accumulation, score rounded to bf16.
  EncodingConfig ec;
  ec.head_dim = 32;
  ec.kind = EncodingKind::kAlibi;
  ec.alibi_slope = 0.01;
  for (EncodingKind kind : {EncodingKind::kRope, EncodingKind::kRopeHalf, EncodingKind::kAlibi}) {
    ec.kind = kind;
    const Encoding encoding(ec);
    RandomStream stream({1, 1, 1, 1});
    std::vector<double> q(32), k(32);
    fill_normal(stream, q.data(), 32);
    fill_normal(stream, k.data(), 32);
    const std::int64_t length = 300000, r = 123456;
    for (Precision p : {Precision::kFp32, Precision::kBf16, Precision::kFp16}) {
      reference::ScoreKernel kernel(encoding, p, length);
      kernel.set_query(q.data());
      std::vector<float> qf(q.begin(), q.end()), kf(k.begin(), k.end()), rq(32), rk(32);
      encoding.rotate(qf.data(), static_cast<double>(length - 1), rq.data());
      encoding.rotate(kf.data(), static_cast<double>(length - 1 - r), rk.data());
      round_to(rq.data(), 32, p);
      round_to(rk.data(), 32, p);
      float sum = 0.0f;
      for (int i = 0; i < 32; ++i) sum += rq[i] * rk[i];
      sum -= static_cast<float>(encoding.distance_slope()) * static_cast<float>(r);
      EXPECT_EQ(kernel.score(k.data(), r), static_cast<double>(round_to(sum, p)))
          << encoding_name(kind) << " " << precision_name(p);
    }
    reference::ScoreKernel exact(encoding, Precision::kFp64, length);
    exact.set_query(q.data());
    EXPECT_NEAR(exact.score(k.data(), r), encoding.score(q.data(), k.data(), r), 1e-9);
  }
}

// The exact path's scores and profiles, recomputed here one at a time: each factor by the
// angle addition of the coarse and fine tables (one product, then one fused multiply-add),
// each score summed over k = 0 .. d-1 in order from 0, one fused multiply-add per term. The
// kernel's contract is these bits, whatever its path (vector width, rows at a time, padded
// columns).
TEST(Pairwise, ExactKernelSumsEveryScoreInOrder) {
  EncodingConfig ec;
  ec.head_dim = 64;
  ec.base = 5000.0;
  const Encoding encoding(ec);
  const int pairs = encoding.pairs(), d = encoding.head_dim();
  const std::int64_t length = 100003, rows = 5;
  const std::vector<std::int64_t> distances = {0,   1, 316,   317,   99999, 100002, 12345,
                                               777, 3, 50000, 65536, 8,     100001};
  const auto count = static_cast<std::int64_t>(distances.size());
  RandomStream stream({7, 7, 7, 7});
  std::vector<double> q(rows * d), k(rows * d);
  fill_normal(stream, q.data(), q.size());
  fill_normal(stream, k.data(), k.size());
  auto tables = std::make_shared<const detail::AngleAdditionTables>(encoding, length);
  detail::BlockKernel kernel(encoding, Precision::kFp64, length, tables);
  kernel.set_distances(distances.data(), count);
  std::vector<double> scores(rows * count), profiles(rows * count);
  kernel.exact_scores(q.data(), k.data(), rows, scores.data());
  kernel.profiles(q.data(), rows, profiles.data());

  const double s2 = encoding.qk_scale() * encoding.qk_scale();
  const std::int64_t split = tables->split;
  for (std::int64_t c = 0; c < rows; ++c) {
    const double* qc = q.data() + c * d;
    const double* kc = k.data() + c * d;
    for (std::int64_t j = 0; j < count; ++j) {
      const std::int64_t high = distances[j] / split, low = distances[j] % split;
      std::vector<double> cos_r(pairs), sin_r(pairs);
      for (int t = 0; t < pairs; ++t) {
        const double cc = tables->coarse_cos[high * pairs + t];
        const double cs = tables->coarse_sin[high * pairs + t];
        const double fc = tables->fine_cos[low * pairs + t];
        const double fs = tables->fine_sin[low * pairs + t];
        cos_r[t] = std::fma(cc, fc, -(cs * fs));
        sin_r[t] = std::fma(cs, fc, cc * fs);
      }
      double score = 0.0, profile = 0.0;
      for (int t = 0; t < pairs; ++t) {
        const double a = qc[encoding.real_index(t)], b = qc[encoding.imag_index(t)];
        const double x = kc[encoding.real_index(t)], y = kc[encoding.imag_index(t)];
        score = std::fma(s2 * (a * x + b * y), cos_r[t], score);
        profile = std::fma(s2 * (a * a + b * b), cos_r[t], profile);
      }
      for (int t = 0; t < pairs; ++t) {
        const double a = qc[encoding.real_index(t)], b = qc[encoding.imag_index(t)];
        const double x = kc[encoding.real_index(t)], y = kc[encoding.imag_index(t)];
        score = std::fma(-s2 * (b * x - a * y), sin_r[t], score);
      }
      EXPECT_EQ(scores[c * count + j], score) << "row " << c << ", distance " << distances[j];
      EXPECT_EQ(profiles[c * count + j], profile) << "row " << c << ", distance " << distances[j];
    }
  }
}

// The block kernel's exact path gives the generic C++ path's bits on every vector path
// (SSE2, AVX2, AVX-512F), with sizes that fill no vector: pair counts odd and below a
// vector, column counts not multiples of 8, odd row counts, built and supplied factors.
TEST(BlockKernel, EveryVectorPathGivesTheGenericBits) {
  const std::vector<VectorPath> paths = available_vector_paths();
  ASSERT_EQ(paths.front(), VectorPath::kGeneric);
  if (paths.size() == 1) {
    GTEST_SKIP() << "only the generic C++ path in this build (ROPESWEEP_GENERIC_KERNELS or not "
                    "x86-64): no vector path to compare with it";
  }
  const VectorPath fastest = vector_path();
  EXPECT_EQ(fastest, paths.back());
  const std::int64_t length = 77777;
  RandomStream stream({31, 4, 15, 9});
  struct Run {
    std::vector<double> scores, profiles, supplied_scores;
  };
  for (int d : {6, 26, 34, 64, 130}) {
    EncodingConfig ec;
    ec.head_dim = d;
    ec.base = 3000.0;
    const Encoding encoding(ec);
    const int pairs = encoding.pairs();
    auto tables = std::make_shared<const detail::AngleAdditionTables>(encoding, length);
    for (std::int64_t count : {1, 7, 13, 21}) {
      for (std::int64_t rows : {1, 3, 5}) {
        std::vector<std::int64_t> distances(count);
        for (auto& r : distances) r = static_cast<std::int64_t>(stream.uniform_int(length));
        std::vector<double> q(rows * d), k(rows * d), cos_f(pairs * count), sin_f(pairs * count);
        fill_normal(stream, q.data(), q.size());
        fill_normal(stream, k.data(), k.size());
        fill_normal(stream, cos_f.data(), cos_f.size());
        fill_normal(stream, sin_f.data(), sin_f.size());
        std::vector<Run> runs;
        for (VectorPath path : paths) {
          use_vector_path(path);
          Run run{std::vector<double>(rows * count), std::vector<double>(rows * count),
                  std::vector<double>(rows * count)};
          detail::BlockKernel kernel(encoding, Precision::kFp64, length, tables);
          kernel.set_distances(distances.data(), count);
          kernel.exact_scores(q.data(), k.data(), rows, run.scores.data());
          kernel.profiles(q.data(), rows, run.profiles.data());
          kernel.set_factors(distances.data(), count, cos_f.data(), sin_f.data());
          kernel.exact_scores(q.data(), k.data(), rows, run.supplied_scores.data());
          runs.push_back(std::move(run));
        }
        use_vector_path(fastest);
        for (std::size_t p = 1; p < paths.size(); ++p) {
          SCOPED_TRACE(std::string(vector_path_name(paths[p])) + ", d " + std::to_string(d) + ", " +
                       std::to_string(count) + " distances, " + std::to_string(rows) + " rows");
          for (std::int64_t i = 0; i < rows * count; ++i) {
            // Bits, not values: equal NaNs or signed zeros would pass ==, or fail it.
            EXPECT_EQ(bits_of(runs[p].scores[i]), bits_of(runs[0].scores[i])) << i;
            EXPECT_EQ(bits_of(runs[p].profiles[i]), bits_of(runs[0].profiles[i])) << i;
            EXPECT_EQ(bits_of(runs[p].supplied_scores[i]), bits_of(runs[0].supplied_scores[i]))
                << i;
          }
        }
      }
    }
  }
}

// One rule for every experiment: the exact ceil of g L, computed here in integers
// for every g = k/1000, where the floating product can land just above an integer.
TEST(Separation, MinimumGapIsTheExactCeiling) {
  EXPECT_EQ(minimum_gap(100, 0.07), 7);
  for (const std::int64_t length : {2, 10, 100, 1000, 4096, 10000, 65536, 100000}) {
    for (std::int64_t k = 0; k < 1000; ++k) {
      const std::int64_t exact = (k * length + 999) / 1000;
      EXPECT_EQ(minimum_gap(length, double(k) / 1000.0), std::max<std::int64_t>(1, exact))
          << "g = " << k << "/1000, L = " << length;
    }
  }
}

TEST(Pairwise, SeparatedPairsAreUniform) {
  const std::int64_t length = 9, gap = 3;
  std::map<std::pair<std::int64_t, std::int64_t>, int> counts;
  RandomStream stream({4, 4, 4, 4});
  const int draws = 210000;
  for (int i = 0; i < draws; ++i) {
    const auto pair = detail::draw_separated_pair(stream, length, gap);
    ASSERT_GE(pair.near, 0);
    ASSERT_LT(pair.far, length);
    ASSERT_GE(pair.far - pair.near, gap);
    ++counts[{pair.near, pair.far}];
  }
  // (L - gap)(L - gap + 1) / 2 = 21 valid pairs, 10000 draws each on average.
  ASSERT_EQ(counts.size(), 21u);
  for (const auto& [pair, count] : counts) EXPECT_NEAR(count, 10000, 500);
  EXPECT_EQ(minimum_gap(4096, 0.25), 1024);
  EXPECT_EQ(minimum_gap(1000, 0.1), 100);
  EXPECT_EQ(minimum_gap(10, 0.0), 1);
  EXPECT_EQ(minimum_gap(10, 0.01), 1);
}

TEST(Pairwise, DistinctPairsAreUniform) {
  std::map<std::pair<std::int64_t, std::int64_t>, int> counts;
  RandomStream stream({5, 5, 5, 5});
  for (int i = 0; i < 100000; ++i) {
    const auto pair = detail::draw_distinct_pair(stream, 5);
    ASSERT_LT(pair.near, pair.far);
    ++counts[{pair.near, pair.far}];
  }
  ASSERT_EQ(counts.size(), 10u);
  for (const auto& [pair, count] : counts) EXPECT_NEAR(count, 10000, 500);
}

TEST(Pairwise, ReproducibleAndKeyedByPoint) {
  const PairwiseConfig config = make_config(10000.0, 32, 1024, 0.9, EstimatorKind::kPlain, 1000);
  const PairwiseResult a = pairwise_metrics(config, 42, 7);
  const PairwiseResult b = pairwise_metrics(config, 42, 7);
  EXPECT_EQ(a.position_inversion.value, b.position_inversion.value);
  EXPECT_EQ(a.token_inversion.value, b.token_inversion.value);
  EXPECT_EQ(a.token_inversion.se, b.token_inversion.se);
  const PairwiseResult c = pairwise_metrics(config, 42, 8);
  EXPECT_NE(a.position_inversion.value, c.position_inversion.value);
}

TEST(Pairwise, RejectsBadConfigurations) {
  PairwiseConfig config;
  config.rho = 1.5;
  EXPECT_THROW(validate(config), Error);
  config = PairwiseConfig{};
  config.length = 1;
  EXPECT_THROW(validate(config), Error);
  config = PairwiseConfig{};
  config.length = 4;
  config.separation = 0.9;  // ceil(3.6) = 4 > L - 1
  EXPECT_THROW(validate(config), Error);
  config.separation = 0.5;
  EXPECT_NO_THROW(validate(config));
  config.encoding.head_dim = 7;
  EXPECT_THROW(validate(config), Error);
}

// P(X > h, Y > k) against a one-dimensional quadrature of
// phi(x) * Phi((r x - k) / sqrt(1 - r^2)) over x > h.
double bivariate_by_quadrature(double h, double k, double r) {
  const double upper = 12.0;
  const int steps = 20000;
  const double width = (upper - h) / steps;
  double sum = 0.0;
  for (int i = 0; i <= steps; ++i) {
    const double x = h + i * width;
    const double weight = (i == 0 || i == steps) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += weight * std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI) *
           normal_cdf((r * x - k) / std::sqrt(1.0 - r * r));
  }
  return sum * width / 3.0;
}

TEST(Gaussian, BivariateNormalMatchesQuadrature) {
  for (double r : {-0.99, -0.95, -0.8, -0.5, -0.1, 0.0, 0.2, 0.6, 0.9, 0.93, 0.99, 0.999}) {
    for (double h : {-2.0, -0.3, 0.0, 0.7, 2.5}) {
      for (double k : {-1.5, 0.0, 0.4, 3.0}) {
        EXPECT_NEAR(bivariate_normal_upper(h, k, r), bivariate_by_quadrature(h, k, r), 1e-9)
            << h << " " << k << " " << r;
      }
    }
  }
  // Sheppard: P(X > 0, Y > 0) = 1/4 + asin(r) / (2 pi).
  for (double r : {-0.97, -0.3, 0.5, 0.95, 1.0}) {
    EXPECT_NEAR(bivariate_normal_upper(0, 0, r), 0.25 + std::asin(r) / (2 * M_PI), 1e-14);
  }
  EXPECT_NEAR(bivariate_normal_upper(0.5, 1.0, 1.0), normal_cdf(-1.0), 1e-15);
  // r = -1: Y = -X, so the event is -k > X > h.
  EXPECT_NEAR(bivariate_normal_upper(-1.0, -1.0, -1.0), normal_cdf(1.0) - normal_cdf(-1.0), 1e-15);
  EXPECT_NEAR(bivariate_normal_upper(-1.0, 1.0, -1.0), 0.0, 1e-15);
  EXPECT_NEAR(bivariate_normal_upper(1.0, 1.0, -1.0), 0.0, 1e-15);
}

// The concordant pair shares its quadrature: the same bits as the two orthants computed
// apart, on every branch (|r| below 0.3, 0.75 and 0.925, near and at +-1, r = 0, infinite
// limits).
TEST(Gaussian, ConcordantIsTheTwoOrthantsBitForBit) {
  RandomStream stream({5, 4, 3, 2});
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::array<double, 3>> cases = {{0.0, 0.0, 0.0},  {1.0, -2.0, 1.0}, {0.3, 0.3, -1.0},
                                              {inf, 0.5, 0.4},  {-inf, 1.0, 0.9}, {0.2, -inf, -0.5}};
  for (int i = 0; i < 4000; ++i) {
    const double r = 2.0 * stream.uniform_open() - 1.0;
    const double h = 6.0 * stream.uniform_open() - 3.0, k = 6.0 * stream.uniform_open() - 3.0;
    cases.push_back({h, k, i % 4 == 0 ? std::copysign(1.0 - 0.1 * stream.uniform_open(), r) : r});
  }
  for (const auto& [h, k, r] : cases) {
    const double apart = bivariate_normal_upper(h, k, r) + bivariate_normal_upper(-h, -k, r);
    EXPECT_EQ(bits_of(bivariate_normal_concordant(h, k, r)), bits_of(apart))
        << h << " " << k << " " << r;
    const NormalTails k_tails{normal_cdf(k), normal_cdf(-k)};
    EXPECT_EQ(bits_of(bivariate_normal_concordant(h, k, r, k_tails)), bits_of(apart))
        << h << " " << k << " " << r;
  }
}

// The batched concordant probabilities: within 1e-15 of the one-at-a-time function on
// Plackett's points (SLEEF's asin, sin and exp for the C library's), equal to it elsewhere,
// and the same bits on every vector path this processor has.
TEST(Gaussian, BatchedConcordantMatchesTheScalarOnEveryPath) {
  RandomStream stream({6, 5, 4, 3});
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> h, k, r;
  for (int i = 0; i < 3001; ++i) {  // not a whole number of batches
    h.push_back(6.0 * stream.uniform_open() - 3.0);
    k.push_back(i % 7 == 0 ? 0.25 : 6.0 * stream.uniform_open() - 3.0);
    r.push_back(2.0 * stream.uniform_open() - 1.0);  // every rule, and Drezner's expansion
  }
  for (const auto& [hh, kk, rr] : std::vector<std::array<double, 3>>{
           {0.3, 0.2, 0.0}, {inf, 0.1, 0.5}, {0.4, -inf, 0.2}, {0.1, 0.3, 1.0}, {-0.2, 0.6, -0.3}}) {
    h.push_back(hh);
    k.push_back(kk);
    r.push_back(rr);
  }
  std::vector<NormalTails> k_tails;
  for (double value : k) k_tails.push_back(normal_tails(value));
  std::vector<std::vector<double>> by_path;
  for (VectorPath path : available_vector_paths()) {
    use_vector_path(path);
    std::vector<double> out(h.size());
    bivariate_normal_concordant(h.data(), k.data(), k_tails.data(), r.data(), h.size(), out.data());
    by_path.push_back(out);
  }
  use_vector_path(available_vector_paths().back());
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double scalar = bivariate_normal_concordant(h[i], k[i], r[i], k_tails[i]);
    const bool plackett = std::isfinite(h[i]) && std::isfinite(k[i]) && r[i] != 0.0 &&
                          std::fabs(r[i]) < 0.925;
    if (plackett) {
      EXPECT_NEAR(by_path[0][i], scalar, 1e-15) << h[i] << " " << k[i] << " " << r[i];
    } else {
      EXPECT_EQ(bits_of(by_path[0][i]), bits_of(scalar)) << h[i] << " " << k[i] << " " << r[i];
    }
    for (std::size_t p = 1; p < by_path.size(); ++p) {
      EXPECT_EQ(bits_of(by_path[p][i]), bits_of(by_path[0][i])) << "path " << p << ", point " << i;
    }
  }
}

// The block kernel fed Encoding::rotation_factors must give, score for score,
// reference::ScoreKernel's bits on the finite path (same fp32 angles, rotation,
// bulk rounding, accumulation order), and the fp64 scores of the absolute-position
// pipeline to rounding level on the exact path.
TEST(BlockKernel, MatchesTheScalarKernel) {
  const std::int64_t length = 300000;
  std::vector<std::int64_t> distances = {0, 1, 2, 17, 4095, 123456, length - 1};
  RandomStream stream({2, 2, 2, 2});
  for (int extra = 0; extra < 13; ++extra) {
    distances.push_back(static_cast<std::int64_t>(stream.uniform_int(length)));
  }
  const auto count = static_cast<std::int64_t>(distances.size());
  for (EncodingKind kind : {EncodingKind::kRope, EncodingKind::kRopeHalf, EncodingKind::kYarn,
                            EncodingKind::kPartial, EncodingKind::kAlibi, EncodingKind::kNope}) {
    EncodingConfig ec;
    ec.kind = kind;
    ec.head_dim = 32;
    ec.base = 500.0;
    ec.scale = 3.0;
    ec.train_length = 256;
    ec.partial_fraction = 0.5;
    ec.alibi_slope = 0.01;
    const Encoding encoding(ec);
    const int pairs = encoding.pairs();
    std::vector<double> q(3 * 32), k(3 * 32);
    fill_normal(stream, q.data(), q.size());
    fill_normal(stream, k.data(), k.size());
    for (Precision p : {Precision::kFp32, Precision::kBf16, Precision::kFp16}) {
      std::vector<float> cos_f(pairs * count), sin_f(pairs * count), c(pairs), s(pairs);
      for (std::int64_t j = 0; j < count; ++j) {
        encoding.rotation_factors(static_cast<double>(length - 1 - distances[j]), c.data(),
                                  s.data());
        for (int t = 0; t < pairs; ++t) {
          cos_f[t * count + j] = c[t];
          sin_f[t * count + j] = s[t];
        }
      }
      detail::BlockKernel block(encoding, p, length);
      block.set_factors(distances.data(), count, cos_f.data(), sin_f.data());
      reference::ScoreKernel scalar(encoding, p, length);
      std::vector<double> scores(count);
      for (int row = 0; row < 3; ++row) {
        block.set_query(q.data() + 32 * row);
        scalar.set_query(q.data() + 32 * row);
        block.finite_scores(k.data() + 32 * row, scores.data());
        for (std::int64_t j = 0; j < count; ++j) {
          EXPECT_EQ(scores[j], scalar.score(k.data() + 32 * row, distances[j]))
              << encoding_name(kind) << " " << precision_name(p) << " r=" << distances[j];
        }
      }
    }
    detail::BlockKernel exact(encoding, Precision::kFp64, length);
    exact.set_distances(distances.data(), count);
    std::vector<double> scores(3 * count), profiles(3 * count);
    exact.exact_scores(q.data(), k.data(), 3, scores.data());
    exact.profiles(q.data(), 3, profiles.data());
    for (int row = 0; row < 3; ++row) {
      for (std::int64_t j = 0; j < count; ++j) {
        const double* qr = q.data() + 32 * row;
        const double want = encoding.score(qr, k.data() + 32 * row, distances[j]);
        // Angles up to 3e5 rad carry ~3e-11 rad of rounding either way.
        EXPECT_NEAR(scores[row * count + j], want, 1e-9)
            << encoding_name(kind) << " r=" << distances[j];
        EXPECT_NEAR(profiles[row * count + j], encoding.C(qr, distances[j]), 1e-9)
            << encoding_name(kind);
      }
    }
    if (kind == EncodingKind::kNope) {
      // No rotation: every distance gives the same bits (exact ties stay ties).
      for (std::int64_t j = 1; j < count; ++j) EXPECT_EQ(scores[j], scores[0]);
    }
  }
}

TEST(BlockKernel, VectorisedSinCosIsWithinOneUlp) {
  // Angles up to 10^6 rad (fp32 angles of long contexts): SLEEF's sincos against
  // the C library, at most one unit in the last place apart.
  RandomStream stream({3, 3, 3, 3});
  std::vector<double> angles;
  for (int i = 0; i < 20000; ++i) {
    const double magnitude = std::pow(10.0, -3.0 + 9.0 * stream.uniform_open());
    angles.push_back(i % 2 ? magnitude : -magnitude);
  }
  angles.push_back(0.0);
  std::vector<double> c(angles.size()), s(angles.size());
  sincos_bulk(angles.data(), angles.size(), c.data(), s.data());
  std::vector<float> angles32(angles.begin(), angles.end()), c32(angles.size()), s32(angles.size());
  sincos_bulk(angles32.data(), angles32.size(), c32.data(), s32.data());
  for (std::size_t i = 0; i < angles.size(); ++i) {
    const double a = angles[i];
    EXPECT_LE(std::fabs(c[i] - std::cos(a)),
              std::nextafter(std::fabs(std::cos(a)), 2.0) - std::fabs(std::cos(a)))
        << a;
    EXPECT_LE(std::fabs(s[i] - std::sin(a)),
              std::nextafter(std::fabs(std::sin(a)), 2.0) - std::fabs(std::sin(a)))
        << a;
    const float a32 = angles32[i];
    const float cw = std::cos(a32), sw = std::sin(a32);
    EXPECT_LE(std::fabs(c32[i] - cw), std::nextafter(std::fabs(cw), 2.0f) - std::fabs(cw)) << a32;
    EXPECT_LE(std::fabs(s32[i] - sw), std::nextafter(std::fabs(sw), 2.0f) - std::fabs(sw)) << a32;
  }
  EXPECT_EQ(c.back(), 1.0);
  EXPECT_EQ(s.back(), 0.0);
  EXPECT_EQ(c32.back(), 1.0f);
  EXPECT_EQ(s32.back(), 0.0f);
}

TEST(BlockKernel, AngleAdditionTablesKeepTheirErrorAtAnyLength) {
  // cos/sin(r w) from one angle addition of two sincos tables: the error against
  // the directly computed value stays at rounding level (a few 1e-16 plus the
  // angle's own rounding, ~1e-16 r w) at every length, with no growth in r.
  EncodingConfig ec;
  ec.head_dim = 64;
  ec.base = 10.0;  // fast rotations: large angles
  const Encoding encoding(ec);
  for (std::int64_t length : {std::int64_t{2}, std::int64_t{3}, std::int64_t{1000},
                              std::int64_t{1} << 20, std::int64_t{1} << 30}) {
    RandomStream stream({4, 4, 4, static_cast<std::uint64_t>(length)});
    std::vector<std::int64_t> distances = {0, length - 1};
    while (distances.size() < 40) {
      distances.push_back(static_cast<std::int64_t>(stream.uniform_int(length)));
    }
    detail::BlockKernel kernel(encoding, Precision::kFp64, length);
    kernel.set_distances(distances.data(), static_cast<std::int64_t>(distances.size()));
    // Profiles of a query with weight 1 on one pair read the cos table itself.
    for (int t = 0; t < encoding.pairs(); t += 7) {
      std::vector<double> q(64, 0.0);
      q[encoding.real_index(t)] = 1.0;
      std::vector<double> profile(distances.size());
      kernel.profiles(q.data(), 1, profile.data());
      for (std::size_t j = 0; j < distances.size(); ++j) {
        const double angle = static_cast<double>(distances[j]) * encoding.frequencies()[t];
        const double bound = 4e-16 + 2.3e-16 * angle;
        EXPECT_NEAR(profile[j], std::cos(angle), bound)
            << "L=" << length << " t=" << t << " r=" << distances[j];
      }
    }
  }
}

TEST(BlockKernel, BlockPlan) {
  for (std::int64_t samples : {2, 100, 640, 3200, 6400, 20000, 1000000}) {
    const auto plan = detail::plan_blocks(samples);
    EXPECT_GE(plan.per_block() * plan.blocks, samples);
    EXPECT_LT((plan.blocks - 1) * plan.per_block(), samples);
    EXPECT_LE(plan.queries, detail::kMaxBlockQueries);
    EXPECT_LE(plan.distances, detail::kMaxBlockDistances);
    if (samples >= detail::kMinBlocks) {
      EXPECT_GE(plan.blocks, detail::kMinBlocks) << samples;
    }
  }
  EXPECT_EQ(detail::plan_blocks(20000).queries, 4);
  EXPECT_EQ(detail::plan_blocks(20000).distances, 32);
}

// A point in batches: the batches merged in order are what pairwise_metrics returns,
// and agree with the point computed in one batch up to the rounding of the merge (the
// same block means, summed in another order).
TEST(Pairwise, BatchesMergeToTheWholePoint) {
  for (const Precision precision : {Precision::kFp64, Precision::kBf16}) {
    PairwiseConfig whole = make_config(1000.0, 16, 4096, 0.8, EstimatorKind::kConditional, 20000);
    whole.precision = precision;
    PairwiseConfig batched = whole;
    batched.batch_samples = 2048;  // 16 blocks of 128 samples per batch
    EXPECT_EQ(pairwise_batch_count(whole), 1);
    EXPECT_EQ(pairwise_blocks_per_batch(batched), 16);
    const std::int64_t batches = pairwise_batch_count(batched);
    EXPECT_EQ(batches, (detail::plan_blocks(20000).blocks + 15) / 16);
    std::vector<PairwiseMoments> moments;
    for (std::int64_t b = batches - 1; b >= 0; --b) {  // computed in any order...
      moments.insert(moments.begin(), pairwise_batch(batched, 3, 8, b));
    }
    const PairwiseResult merged = pairwise_result(batched, moments);  // ...merged in order
    const PairwiseResult in_batches = pairwise_metrics(batched, 3, 8);
    const PairwiseResult in_one = pairwise_metrics(whole, 3, 8);
    const auto fields = {&PairwiseResult::position_inversion, &PairwiseResult::position_aliasing,
                         &PairwiseResult::aliased_pairs, &PairwiseResult::token_inversion,
                         &PairwiseResult::token_aliasing};
    for (const auto field : fields) {
      const Estimate& a = merged.*field;
      const Estimate& b = in_batches.*field;
      const Estimate& c = in_one.*field;
      EXPECT_EQ(bits_of(a.value), bits_of(b.value));
      EXPECT_EQ(bits_of(a.se), bits_of(b.se));
      EXPECT_EQ(a.n, c.n);
      EXPECT_NEAR(a.value, c.value, 1e-13 * std::fabs(c.value) + 1e-300);
      EXPECT_NEAR(a.se, c.se, 1e-9 * c.se + 1e-300);
      if (!std::isnan(c.upper)) {
        EXPECT_EQ(a.upper, c.upper);
      }
    }
  }
  PairwiseConfig config = make_config(1000.0, 16, 4096, 1.0, EstimatorKind::kPlain, 20000);
  config.batch_samples = 2048;
  EXPECT_THROW(pairwise_batch(config, 1, 1, pairwise_batch_count(config)), Error);
  EXPECT_THROW(pairwise_batch(config, 1, 1, -1), Error);
  config.batch_samples = -1;
  EXPECT_THROW(validate(config), Error);
}

}  // namespace
}  // namespace ropesweep
