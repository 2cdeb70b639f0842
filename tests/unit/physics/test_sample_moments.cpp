#include "ropesweep/physics/sample_moments.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "ropesweep/core/rng.hpp"
#include "ropesweep/physics/rare_events.hpp"

namespace ropesweep {
namespace {

std::vector<double> draws(std::size_t count, std::uint64_t substream) {
  RandomStream stream({5, 9, kStreamExperimentBase, substream});
  std::vector<double> values(count);
  // Skewed values with many exact zeros, like the failure indicators and block means.
  for (double& v : values) {
    const double u = stream.uniform_open();
    v = u < 0.3 ? 0.0 : 1e3 + u * u * 50.0;
  }
  return values;
}

// The textbook formulas on all values at once, in long double.
struct Direct {
  long double mean = 0, squares = 0;
  double events = 0;
  explicit Direct(const std::vector<double>& values) {
    for (double v : values) mean += v;
    mean /= static_cast<long double>(values.size());
    for (double v : values) {
      squares += (v - mean) * (v - mean);
      events += v > 0 ? 1 : 0;
    }
  }
};

TEST(SampleMoments, BatchesMergedInOrderMatchTheWholeSample) {
  const std::vector<double> values = draws(1000, 1);
  const Direct direct(values);
  for (std::size_t batch : {1u, 7u, 64u, 333u, 1000u}) {
    SampleMoments merged;
    for (std::size_t first = 0; first < values.size(); first += batch) {
      const std::size_t count = std::min(batch, values.size() - first);
      merged.merge(SampleMoments::of(values.data() + first, count));
    }
    EXPECT_EQ(merged.count, 1000.0);
    EXPECT_EQ(merged.with_events, direct.events);
    EXPECT_NEAR(merged.mean, double(direct.mean), 1e-14 * double(direct.mean)) << batch;
    EXPECT_NEAR(merged.squares, double(direct.squares), 1e-12 * double(direct.squares)) << batch;
  }
}

TEST(SampleMoments, WelfordAndTwoPassAgree) {
  const std::vector<double> values = draws(777, 2);
  SampleMoments welford;
  for (double v : values) welford.add(v);
  const SampleMoments two_pass = SampleMoments::of(values.data(), values.size());
  EXPECT_EQ(welford.count, two_pass.count);
  EXPECT_EQ(welford.with_events, two_pass.with_events);
  EXPECT_NEAR(welford.mean, two_pass.mean, 1e-13 * two_pass.mean);
  EXPECT_NEAR(welford.squares, two_pass.squares, 1e-11 * two_pass.squares);
}

TEST(SampleMoments, OneBatchKeepsItsBits) {
  const std::vector<double> values = draws(50, 3);
  const SampleMoments one = SampleMoments::of(values.data(), values.size());
  SampleMoments merged;
  merged.merge(SampleMoments{});  // an empty batch changes nothing
  merged.merge(one);
  merged.merge(SampleMoments{});
  EXPECT_EQ(std::memcmp(&merged, &one, sizeof one), 0);
}

TEST(SampleMoments, EstimateIsMeanAndStandardErrorOfTheUnits) {
  const std::vector<double> values = {0.0, 0.25, 0.5, 0.0, 1.0};
  const Estimate estimate = SampleMoments::of(values.data(), values.size()).estimate(128, true);
  EXPECT_DOUBLE_EQ(estimate.value, 0.35);
  // sd of the five values, over sqrt(5).
  const double variance = (0.35 * 0.35 * 2 + 0.1 * 0.1 + 0.15 * 0.15 + 0.65 * 0.65) / 4;
  EXPECT_DOUBLE_EQ(estimate.se, std::sqrt(variance / 5));
  EXPECT_EQ(estimate.n, 5.0 * 128);
  EXPECT_EQ(estimate.upper, rate_upper_bound(3, 5));
  const Estimate common = SampleMoments::of(values.data(), values.size()).estimate(1, false);
  EXPECT_TRUE(std::isnan(common.upper));
  const Estimate single = SampleMoments::of(values.data(), 1).estimate(1, false);
  EXPECT_TRUE(std::isnan(single.se));
  const Estimate none = SampleMoments{}.estimate(1, false);
  EXPECT_TRUE(std::isnan(none.value));
  EXPECT_EQ(none.n, 0.0);
}

TEST(SampleMoments, MergeInOrderMergesEveryFieldOfABatch) {
  struct Two {
    SampleMoments first, second;
  };
  const std::vector<double> a = draws(40, 4), b = draws(40, 5);
  std::vector<Two> batches;
  for (std::size_t k = 0; k < 40; k += 10) {
    batches.push_back({SampleMoments::of(a.data() + k, 10), SampleMoments::of(b.data() + k, 10)});
  }
  const Two merged = merge_in_order(batches);
  SampleMoments first, second;
  for (const Two& batch : batches) {
    first.merge(batch.first);
    second.merge(batch.second);
  }
  EXPECT_EQ(std::memcmp(&merged.first, &first, sizeof first), 0);
  EXPECT_EQ(std::memcmp(&merged.second, &second, sizeof second), 0);
  EXPECT_EQ(merged.second.count, 40.0);
}

}  // namespace
}  // namespace ropesweep
