#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "ropesweep/engine/scheduler.hpp"
#include "ropesweep/sweep/shard.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"
#include "toy_experiment.hpp"

namespace ropesweep {
namespace {

// 3 x 3 toy points with work samples * length, ties included, plus a second
// experiment of 4 equal points.
Sweep toy_sweep() {
  const SpecResult result = parse_sweep(R"(seed: 3
experiments:
  toy:
    axes:
      length: [8, 64, 512]
      samples: [10, 80, 1000]
  small:
    kind: toy
    fixed: {length: 16}
    axes:
      base: [100, 1000, 10000, 100000]
)",
                                        "t.yaml");
  EXPECT_TRUE(result.ok());
  return result.sweep;
}

double work_of(const Sweep& sweep, std::size_t e, std::uint64_t point) {
  const ExperimentGrid& grid = sweep.experiments[e];
  const Parameters parameters = grid.point(point);
  return double(parameters.integer("samples")) * double(parameters.integer("length"));
}

TEST(Shard, ParsesKOfN) {
  EXPECT_EQ(parse_shard("0/1"), (Shard{0, 1}));
  EXPECT_EQ(parse_shard("3/8"), (Shard{3, 8}));
  EXPECT_TRUE(parse_shard("0/1").whole());
  EXPECT_FALSE(parse_shard("0/2").whole());
  EXPECT_EQ(parse_shard("12/40").str(), "12/40");
}

TEST(Shard, RejectsMalformedOrOutOfRange) {
  for (const char* bad : {"", "3", "/4", "2/", "8/8", "9/8", "1/0", "-1/2", "a/2", "1/2/3", " 1/2",
                          "1.0/2", "99999999999999999999999/2"}) {
    EXPECT_THROW(parse_shard(bad), UsageError) << "'" << bad << "'";
  }
}

TEST(Shard, ShardsPartitionTheGridAndDifferByAtMostOnePoint) {
  const Sweep sweep = toy_sweep();
  const std::uint64_t total = sweep.point_count();
  ASSERT_EQ(total, 13u);
  for (std::uint64_t count : {1u, 2u, 3u, 5u, 13u, 20u}) {
    std::vector<std::vector<int>> owners;
    for (const ExperimentGrid& grid : sweep.experiments) owners.emplace_back(grid.point_count(), 0);
    std::vector<std::uint64_t> sizes;
    for (std::uint64_t k = 0; k < count; ++k) {
      const auto masks = shard_masks(sweep, Shard{k, count});
      ASSERT_EQ(masks.size(), sweep.experiments.size());
      std::uint64_t size = 0;
      for (std::size_t e = 0; e < masks.size(); ++e) {
        ASSERT_EQ(masks[e].size(), sweep.experiments[e].point_count());
        for (std::size_t p = 0; p < masks[e].size(); ++p) {
          owners[e][p] += masks[e][p];
          size += masks[e][p];
        }
      }
      sizes.push_back(size);
    }
    for (const auto& experiment : owners) {
      for (int owner_count : experiment) EXPECT_EQ(owner_count, 1) << count << " shards";
    }
    const auto [smallest, largest] = std::minmax_element(sizes.begin(), sizes.end());
    EXPECT_LE(*largest - *smallest, 1u) << count << " shards";
    EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), std::uint64_t(0)), total);
  }
}

TEST(Shard, FirstShardHoldsTheMostWorkAndTheLargestPoint) {
  const Sweep sweep = toy_sweep();
  for (std::uint64_t count : {2u, 3u, 4u}) {
    std::vector<double> work(count, 0);
    for (std::uint64_t k = 0; k < count; ++k) {
      const auto masks = shard_masks(sweep, Shard{k, count});
      for (std::size_t e = 0; e < masks.size(); ++e) {
        for (std::size_t p = 0; p < masks[e].size(); ++p) {
          if (masks[e][p]) work[k] += work_of(sweep, e, p);
        }
      }
    }
    for (std::uint64_t k = 1; k < count; ++k) EXPECT_GE(work[0], work[k]) << count << " shards";
    // The largest point: toy length 512 x samples 1000, the last point of the 3 x 3 grid.
    EXPECT_EQ(shard_masks(sweep, Shard{0, count})[0][8], 1) << count << " shards";
  }
}

TEST(Shard, EqualWorkIsDealtByPointIdAcrossExperiments) {
  // The four points of "small" have equal work (100 samples x length 16 = 1600);
  // toy's (64 x 10 = 640) and (8 x 80 = 640) are the next tie. Ties go by global id.
  const Sweep sweep = toy_sweep();
  std::vector<std::pair<double, std::uint64_t>> order;
  const auto offsets = experiment_offsets(sweep);
  for (std::size_t e = 0; e < sweep.experiments.size(); ++e) {
    for (std::uint64_t p = 0; p < sweep.experiments[e].point_count(); ++p) {
      order.emplace_back(-work_of(sweep, e, p), offsets[e] + p);
    }
  }
  std::sort(order.begin(), order.end());
  const std::uint64_t count = 4;
  for (std::size_t position = 0; position < order.size(); ++position) {
    const std::uint64_t id = order[position].second;
    const std::size_t e = id >= offsets[1] ? 1 : 0;
    const auto masks = shard_masks(sweep, Shard{position % count, count});
    EXPECT_EQ(masks[e][id - offsets[e]], 1) << "position " << position << ", id " << id;
  }
}

// 1000 x 100 toy points: rows of 100, 40 rows to a storage block of 4000 points,
// 25 blocks; work grows with both samples and length, so blocks differ in work.
Sweep large_toy_sweep() {
  const SpecResult result = parse_sweep(R"(seed: 3
experiments:
  toy:
    axes:
      samples: {range: [1, 1001, 1]}
      length: {range: [4, 104, 1]}
  small:
    kind: toy
    fixed: {length: 16}
    axes:
      base: [100, 1000, 10000, 100000]
)",
                                        "t.yaml");
  EXPECT_TRUE(result.ok());
  return result.sweep;
}

TEST(Shard, LargeGridsAreDealtInWholeStorageBlocks) {
  const Sweep sweep = large_toy_sweep();
  const ExperimentGrid& toy = sweep.experiments[0];
  const BlockLayout layout(toy.shape());
  ASSERT_EQ(layout.block_count(), 25u);
  // 25 blocks are at least 8 per shard for up to 3 shards; the 4 points of "small"
  // are dealt one by one.
  EXPECT_TRUE(deals_blocks(toy, 2));
  EXPECT_TRUE(deals_blocks(toy, 3));
  EXPECT_FALSE(deals_blocks(toy, 4));
  EXPECT_FALSE(deals_blocks(sweep.experiments[1], 2));
  for (std::uint64_t count : {2u, 3u}) {
    std::vector<double> work(count, 0);
    std::vector<int> owners(toy.point_count(), 0);
    double largest_block = 0;
    for (std::uint64_t b = 0; b < layout.block_count(); ++b) {
      double block_work = 0;
      for (std::uint64_t i = 0; i < layout.point_count(b); ++i) {
        block_work += work_of(sweep, 0, layout.first_point(b) + i);
      }
      largest_block = std::max(largest_block, block_work);
    }
    for (std::uint64_t k = 0; k < count; ++k) {
      const auto masks = shard_masks(sweep, Shard{k, count});
      for (std::uint64_t b = 0; b < layout.block_count(); ++b) {
        // A block is wholly in the shard or wholly outside it.
        const std::uint8_t first = masks[0][layout.first_point(b)];
        for (std::uint64_t i = 0; i < layout.point_count(b); ++i) {
          const std::uint64_t p = layout.first_point(b) + i;
          ASSERT_EQ(masks[0][p], first) << count << " shards, block " << b;
          owners[p] += masks[0][p];
          if (masks[0][p]) work[k] += work_of(sweep, 0, p);
        }
      }
    }
    for (int owner_count : owners) ASSERT_EQ(owner_count, 1) << count << " shards";
    // Dealt largest first in turn: shard 0 has the most, and no two differ by
    // more than one block.
    for (std::uint64_t k = 1; k < count; ++k) EXPECT_GE(work[0], work[k]) << count << " shards";
    const auto [least, most] = std::minmax_element(work.begin(), work.end());
    EXPECT_LE(*most - *least, largest_block) << count << " shards";
  }
}

TEST(Shard, DoneOrOutsideSkipsOtherShardsAndFinishedPoints) {
  const Sweep sweep = toy_sweep();
  const auto in_shard = shard_masks(sweep, Shard{1, 3});
  std::vector<std::vector<std::uint8_t>> done;
  for (const ExperimentGrid& grid : sweep.experiments) done.emplace_back(grid.point_count(), 0);
  // Mark the first point of the shard done.
  std::size_t done_e = 0, done_p = 0;
  for (std::size_t e = 0; e < in_shard.size() && !done[done_e][done_p]; ++e) {
    for (std::size_t p = 0; p < in_shard[e].size(); ++p) {
      if (in_shard[e][p]) {
        done[e][p] = 1;
        done_e = e;
        done_p = p;
        break;
      }
    }
  }
  ASSERT_EQ(done[done_e][done_p], 1);
  const auto skip = done_or_outside(in_shard, done);
  const auto skip_fresh = done_or_outside(in_shard, {});
  for (std::size_t e = 0; e < in_shard.size(); ++e) {
    for (std::size_t p = 0; p < in_shard[e].size(); ++p) {
      EXPECT_EQ(skip[e][p], (!in_shard[e][p] || done[e][p]) ? 1 : 0);
      EXPECT_EQ(skip_fresh[e][p], in_shard[e][p] ? 0 : 1);
    }
  }
  // What a shard run computes is what build_work_list then leaves to do.
  CostModel model;
  const auto items = build_work_list(sweep, model, skip);
  std::uint64_t expected = 0;
  for (const auto& mask : in_shard) expected += std::count(mask.begin(), mask.end(), 1);
  EXPECT_EQ(items.size(), expected - 1);
}

}  // namespace
}  // namespace ropesweep
