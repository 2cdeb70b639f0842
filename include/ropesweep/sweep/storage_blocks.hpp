#pragma once
// How the results file stores an experiment's grid: in blocks of consecutive
// points (C order), one HDF5 chunk each. A block is the unit in which the file
// grows (a block's space is allocated when its first point is written), in which
// the run hands out work (the points of one block go out together, so a file
// interrupted early holds few blocks) and in which large grids are dealt to
// shards (so each shard file holds only its own blocks).
//
// A block is a hyper-rectangle that fixes the leading coordinates, spans part of
// one dimension and all of the dimensions after it, so its points are a
// contiguous range of point indices and a chunk of the dataset at once.
#include <cstdint>
#include <vector>

namespace ropesweep {

// Points per block, at most. 4096 float64 values are 32 KiB per chunk: inside
// HDF5's advice for chunks (10 KiB to 1 MiB), 32 of them fit HDF5's default chunk
// cache of 1 MiB per dataset, and at this size a file grows with the work done in
// steps of 0.004% of a 10^8-point grid. It is also the most points the scheduler
// hands out at once (ChunkPolicy::max_points), so one request touches one or two
// blocks. Larger chunks would make an interrupted file coarser and deal shards in
// lumps; smaller ones cost chunk-index entries (about 50 bytes per chunk).
inline constexpr std::uint64_t kBlockPoints = 4096;

class BlockLayout {
 public:
  // The layout of a grid of `shape` (every dimension at least 1) in blocks of at
  // most `block_points` points.
  explicit BlockLayout(const std::vector<std::uint64_t>& shape,
                       std::uint64_t block_points = kBlockPoints);

  // The HDF5 chunk shape.
  const std::vector<std::uint64_t>& chunk() const { return chunk_; }
  std::uint64_t block_count() const { return leading_ * per_row_; }
  std::uint64_t block_of(std::uint64_t point) const;
  // The first point of `block` and how many points it holds.
  std::uint64_t first_point(std::uint64_t block) const;
  std::uint64_t point_count(std::uint64_t block) const;
  // The block as a hyperslab: its first point's coordinates and its extent.
  std::vector<std::uint64_t> start(std::uint64_t block) const;
  std::vector<std::uint64_t> extent(std::uint64_t block) const;

 private:
  std::vector<std::uint64_t> shape_, chunk_;
  std::size_t split_ = 0;       // the dimension a block spans part of
  std::uint64_t trailing_ = 1;  // points per step along it (the dimensions after it)
  std::uint64_t leading_ = 1;   // combinations of the coordinates before it
  std::uint64_t per_row_ = 1;   // blocks along it
};

}  // namespace ropesweep
