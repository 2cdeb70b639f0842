#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {
namespace {

using Shape = std::vector<std::uint64_t>;

// C-order index of `coordinates` in a grid of `shape`.
std::uint64_t flat_index(const Shape& shape, const Shape& coordinates) {
  std::uint64_t index = 0;
  for (std::size_t d = 0; d < shape.size(); ++d) index = index * shape[d] + coordinates[d];
  return index;
}

// Every point of the hyperslab at `start` of `extent`, in C order, enumerated
// coordinate by coordinate.
std::vector<std::uint64_t> slab_points(const Shape& shape, const Shape& start,
                                       const Shape& extent) {
  std::vector<std::uint64_t> points;
  Shape offset(shape.size(), 0);
  for (;;) {
    Shape coordinates(shape.size());
    for (std::size_t d = 0; d < shape.size(); ++d) coordinates[d] = start[d] + offset[d];
    points.push_back(flat_index(shape, coordinates));
    std::size_t d = shape.size();
    while (d > 0 && ++offset[d - 1] == extent[d - 1]) offset[--d] = 0;
    if (d == 0) return points;
  }
}

TEST(StorageBlocks, BlocksAreConsecutiveRangesAndHyperslabsAtOnce) {
  for (const Shape& shape : {Shape{10}, Shape{3, 4}, Shape{5, 7, 3}, Shape{2, 3}, Shape{1, 1, 100},
                             Shape{13, 17}, Shape{4, 1, 9, 2}}) {
    for (std::uint64_t limit : {1u, 2u, 6u, 7u, 20u, 1000u}) {
      const BlockLayout layout(shape, limit);
      std::uint64_t points = 1;
      for (std::uint64_t n : shape) points *= n;
      std::uint64_t next = 0;  // the blocks tile the points in order
      for (std::uint64_t b = 0; b < layout.block_count(); ++b) {
        SCOPED_TRACE(::testing::Message()
                     << "shape " << shape.size() << "-D, limit " << limit << ", block " << b);
        ASSERT_EQ(layout.first_point(b), next);
        const std::uint64_t count = layout.point_count(b);
        EXPECT_GE(count, 1u);
        EXPECT_LE(count, std::max<std::uint64_t>(limit, 1));
        std::vector<std::uint64_t> range;
        for (std::uint64_t p = next; p < next + count; ++p) {
          range.push_back(p);
          EXPECT_EQ(layout.block_of(p), b);
        }
        EXPECT_EQ(slab_points(shape, layout.start(b), layout.extent(b)), range);
        // Every extent fits in the chunk shape (edge blocks are cut short).
        for (std::size_t d = 0; d < shape.size(); ++d) {
          EXPECT_LE(layout.extent(b)[d], layout.chunk()[d]);
        }
        next += count;
      }
      EXPECT_EQ(next, points);
    }
  }
}

TEST(StorageBlocks, ChunksHoldAsManyPointsAsFitWholeTrailingRows) {
  // 1000 x 1000: rows of 1000 points, four rows to a 4096-point block.
  const BlockLayout grid(Shape{1000, 1000});
  EXPECT_EQ(grid.chunk(), (Shape{4, 1000}));
  EXPECT_EQ(grid.block_count(), 250u);
  // Rows longer than a block are cut within the row.
  EXPECT_EQ(BlockLayout(Shape{3, 10000}).chunk(), (Shape{1, 4096}));
  EXPECT_EQ(BlockLayout(Shape{3, 10000}).block_count(), 9u);
  // A small grid is one block.
  EXPECT_EQ(BlockLayout(Shape{13, 17, 2}).chunk(), (Shape{13, 17, 2}));
  EXPECT_EQ(BlockLayout(Shape{13, 17, 2}).block_count(), 1u);
  // A scalar is one block of one point.
  const BlockLayout scalar{Shape{}};
  EXPECT_EQ(scalar.block_count(), 1u);
  EXPECT_EQ(scalar.point_count(0), 1u);
  EXPECT_TRUE(scalar.chunk().empty());
}

}  // namespace
}  // namespace ropesweep
