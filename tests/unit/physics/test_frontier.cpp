#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "ropesweep/core/error.hpp"
#include "ropesweep/physics/frontier.hpp"

namespace ropesweep {
namespace {

using Mask = std::vector<std::uint8_t>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(ParetoMask, StrictTradeOffKeepsEveryPoint) {
  // Moving along the list trades position for token discrimination: nobody wins on both.
  EXPECT_EQ(pareto_mask({0.9, 0.8, 0.7, 0.6}, {0.5, 0.6, 0.7, 0.8}), (Mask{1, 1, 1, 1}));
}

TEST(ParetoMask, PointBeatenOnBothIsDropped) {
  EXPECT_EQ(pareto_mask({0.9, 0.7, 0.6}, {0.6, 0.5, 0.8}), (Mask{1, 0, 1}));
}

TEST(ParetoMask, EqualPointsAreBothKept) {
  EXPECT_EQ(pareto_mask({0.8, 0.8, 0.6}, {0.7, 0.7, 0.6}), (Mask{1, 1, 0}));
}

TEST(ParetoMask, EqualOnOneObjectiveAndWorseOnTheOtherIsDominated) {
  EXPECT_EQ(pareto_mask({0.8, 0.8}, {0.7, 0.6}), (Mask{1, 0}));
  EXPECT_EQ(pareto_mask({0.5, 0.6}, {0.9, 0.9}), (Mask{0, 1}));
}

TEST(ParetoMask, UncomputedPointsAreNeitherOptimalNorDominating) {
  // Without the NaN guard, NaN comparisons are false and 0.1/0.1 would survive only
  // by accident; with a NaN-as-best bug it would be dropped.
  EXPECT_EQ(pareto_mask({kNaN, 0.1, 0.95}, {0.99, 0.1, kNaN}), (Mask{0, 1, 0}));
  EXPECT_EQ(pareto_mask({kNaN}, {kNaN}), (Mask{0}));
}

TEST(ParetoMask, SizeMismatchIsAnError) { EXPECT_THROW(pareto_mask({0.1, 0.2}, {0.1}), Error); }

// The definition, checked on random clouds with many ties: every kept point is
// dominated by no point, every dropped valid point is dominated by a kept one.
TEST(ParetoMask, MatchesTheDefinitionOnRandomClouds) {
  std::mt19937_64 engine(12345);
  std::uniform_int_distribution<int> level(0, 6);  // coarse levels force ties
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + trial % 13;
    std::vector<double> p(n), t(n);
    for (std::size_t i = 0; i < n; ++i) {
      p[i] = level(engine) / 6.0;
      t[i] = (trial % 5 == 0 && i == 0) ? kNaN : level(engine) / 6.0;
    }
    const Mask mask = pareto_mask(p, t);
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(t[i])) {
        EXPECT_EQ(mask[i], 0);
        continue;
      }
      bool dominated_by_any = false, dominated_by_kept = false;
      for (std::size_t j = 0; j < n; ++j) {
        if (std::isnan(t[j])) continue;
        const bool d = p[j] >= p[i] && t[j] >= t[i] && (p[j] > p[i] || t[j] > t[i]);
        dominated_by_any |= d;
        dominated_by_kept |= d && mask[j];
      }
      EXPECT_EQ(mask[i], dominated_by_any ? 0 : 1) << "trial " << trial << " point " << i;
      if (!mask[i]) {
        EXPECT_TRUE(dominated_by_kept) << "trial " << trial << " point " << i;
      }
    }
  }
}

// A base 2 SE better on one axis and 3 SE better on the other does not clearly beat:
// both differences must exceed 2 combined SE.
TEST(StatisticalMask, BeatenOnlyBeyondTwoCombinedStandardErrorsOnBothAxes) {
  const double se = 0.01;  // combined: 0.01 * sqrt(2) = 0.01414; 2 combined = 0.02828
  // base 1 is 0.03 better than base 0 on both axes (clearly); base 2 is 0.03 better
  // on position but only 0.02 on token (not clearly); base 3 has no estimate.
  const std::vector<double> p{0.60, 0.63, 0.63, kNaN}, t{0.40, 0.43, 0.42, 0.90};
  const std::vector<double> sp(4, se), st(4, se);
  EXPECT_EQ(statistical_mask(p, t, sp, st), (Mask{0, 1, 1, 0}));
  EXPECT_EQ(pareto_mask(p, t), (Mask{0, 1, 0, 0}));
  // With zero standard errors, "clearly beaten" is "strictly better on both".
  const std::vector<double> zero(4, 0.0);
  EXPECT_EQ(statistical_mask(p, t, zero, zero), (Mask{0, 1, 1, 0}));
  EXPECT_THROW(statistical_mask(p, t, sp, {0.1}), Error);
}

// The definition checked pair by pair on random clouds, and the Pareto frontier
// always inside the statistical one.
TEST(StatisticalMask, MatchesTheDefinitionAndContainsTheParetoFrontier) {
  std::mt19937_64 engine(777);
  std::uniform_real_distribution<double> value(0.0, 1.0), error(0.0, 0.05);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + trial % 11;
    std::vector<double> p(n), t(n), sp(n), st(n);
    for (std::size_t i = 0; i < n; ++i) {
      p[i] = value(engine);
      t[i] = (trial % 7 == 0 && i == 0) ? kNaN : value(engine);
      sp[i] = error(engine);
      st[i] = error(engine);
    }
    const Mask kept = statistical_mask(p, t, sp, st);
    const Mask pareto = pareto_mask(p, t);
    for (std::size_t i = 0; i < n; ++i) {
      bool beaten = std::isnan(t[i]);
      for (std::size_t j = 0; j < n && !beaten; ++j) {
        if (std::isnan(t[j])) continue;
        beaten = p[j] - p[i] > 2 * std::hypot(sp[i], sp[j]) &&
                 t[j] - t[i] > 2 * std::hypot(st[i], st[j]);
      }
      EXPECT_EQ(kept[i], beaten ? 0 : 1) << "trial " << trial << " point " << i;
      if (pareto[i]) {
        EXPECT_EQ(kept[i], 1) << "trial " << trial << " point " << i;
      }
    }
  }
}

// shape (length=2, base=3, precision=2): the base dimension in the middle, so
// the slice indexing (outer, inner strides) is exercised.
TEST(ComputeFrontier, SlicesOverTheNonBaseDimensions) {
  const std::vector<std::uint64_t> shape{2, 3, 2};
  const std::vector<double> bases{100, 1000, 10000};
  auto at = [](std::uint64_t l, std::uint64_t b, std::uint64_t p) { return (l * 3 + b) * 2 + p; };
  std::vector<double> position(12), token(12);
  auto put = [&](std::uint64_t l, std::uint64_t p, std::vector<double> pos_inv,
                 std::vector<double> tok_inv) {
    for (std::uint64_t b = 0; b < 3; ++b) {
      position[at(l, b, p)] = pos_inv[b];
      token[at(l, b, p)] = tok_inv[b];
    }
  };
  put(0, 0, {0.1, 0.2, 0.3}, {0.4, 0.3, 0.2});       // pure trade-off: all three optimal
  put(0, 1, {0.1, 0.1, 0.3}, {0.4, 0.3, 0.2});       // base 100 beaten on token by base 1000
  put(1, 0, {0.4, 0.4, 0.4}, {0.45, 0.45, 0.45});    // all tied: all kept, best = first base
  put(1, 1, {kNaN, 0.49, 0.2}, {kNaN, 0.49, 0.48});  // first not computed; 10000 wins on both
  const Frontier f = compute_frontier(position, token, shape, 1, bases);
  EXPECT_EQ(f.reduced_shape, (std::vector<std::uint64_t>{2, 2}));
  auto mask_of = [&](std::uint64_t l, std::uint64_t p) {
    return Mask{f.pareto_optimal[at(l, 0, p)], f.pareto_optimal[at(l, 1, p)],
                f.pareto_optimal[at(l, 2, p)]};
  };
  EXPECT_EQ(mask_of(0, 0), (Mask{1, 1, 1}));
  EXPECT_EQ(mask_of(0, 1), (Mask{0, 1, 1}));
  EXPECT_EQ(mask_of(1, 0), (Mask{1, 1, 1}));
  EXPECT_EQ(mask_of(1, 1), (Mask{0, 0, 1}));
  // Reduced arrays are row-major over (length, precision).
  EXPECT_EQ(f.best_position_base, (std::vector<double>{100, 100, 100, 10000}));
  EXPECT_EQ(f.best_token_base, (std::vector<double>{10000, 10000, 100, 10000}));
  EXPECT_TRUE(f.statistically_optimal.empty());  // no standard errors given

  // Standard errors of 0.05 everywhere (2 combined = 0.141): in slice (1, 1) base
  // 10000 beats base 1000 by 0.29 on position but only 0.01 on token, so only the
  // uncomputed base is off the statistical frontier; elsewhere no gap exceeds 0.2.
  const std::vector<double> se(position.size(), 0.05);
  const Frontier g = compute_frontier(position, token, shape, 1, bases, se, se);
  EXPECT_EQ(g.pareto_optimal, f.pareto_optimal);
  auto kept_of = [&](std::uint64_t l, std::uint64_t p) {
    return Mask{g.statistically_optimal[at(l, 0, p)], g.statistically_optimal[at(l, 1, p)],
                g.statistically_optimal[at(l, 2, p)]};
  };
  EXPECT_EQ(kept_of(0, 0), (Mask{1, 1, 1}));
  EXPECT_EQ(kept_of(0, 1), (Mask{1, 1, 1}));
  EXPECT_EQ(kept_of(1, 0), (Mask{1, 1, 1}));
  EXPECT_EQ(kept_of(1, 1), (Mask{0, 1, 1}));
  EXPECT_THROW(compute_frontier(position, token, shape, 1, bases, se, {}), Error);
}

TEST(ComputeFrontier, SliceWithoutComputedPointsHasNoBestBase) {
  const Frontier f = compute_frontier({kNaN, kNaN}, {kNaN, kNaN}, {2}, 0, {10, 20});
  EXPECT_EQ(f.pareto_optimal, (Mask{0, 0}));
  ASSERT_EQ(f.best_position_base.size(), 1u);
  EXPECT_TRUE(std::isnan(f.best_position_base[0]));
  EXPECT_TRUE(std::isnan(f.best_token_base[0]));
}

TEST(ComputeFrontier, InconsistentSizesAreErrors) {
  EXPECT_THROW(compute_frontier({0.1, 0.2}, {0.1, 0.2}, {3}, 0, {1, 2, 3}), Error);
  EXPECT_THROW(compute_frontier({0.1, 0.2}, {0.1, 0.2}, {2}, 1, {1, 2}), Error);
  EXPECT_THROW(compute_frontier({0.1, 0.2}, {0.1, 0.2}, {2}, 0, {1}), Error);
}

}  // namespace
}  // namespace ropesweep
