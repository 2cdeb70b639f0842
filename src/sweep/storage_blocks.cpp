#include "ropesweep/sweep/storage_blocks.hpp"

#include <algorithm>

namespace ropesweep {

BlockLayout::BlockLayout(const std::vector<std::uint64_t>& shape, std::uint64_t block_points)
    : shape_(shape), chunk_(shape.size(), 1) {
  if (shape_.empty()) return;  // a scalar: one block of one point
  // The first dimension from which on the trailing dimensions fit in one block.
  split_ = shape_.size() - 1;
  trailing_ = 1;
  while (split_ > 0 && trailing_ * shape_[split_] <= block_points) trailing_ *= shape_[split_--];
  const std::uint64_t along =
      std::clamp<std::uint64_t>(block_points / trailing_, 1, shape_[split_]);
  for (std::size_t d = 0; d < split_; ++d) leading_ *= shape_[d];
  per_row_ = (shape_[split_] + along - 1) / along;
  chunk_[split_] = along;
  for (std::size_t d = split_ + 1; d < shape_.size(); ++d) chunk_[d] = shape_[d];
}

std::uint64_t BlockLayout::block_of(std::uint64_t point) const {
  if (shape_.empty()) return 0;
  const std::uint64_t row = point / (trailing_ * shape_[split_]);
  const std::uint64_t along = (point / trailing_) % shape_[split_];
  return row * per_row_ + along / chunk_[split_];
}

std::uint64_t BlockLayout::first_point(std::uint64_t block) const {
  if (shape_.empty()) return 0;
  const std::uint64_t row = block / per_row_, step = block % per_row_;
  return (row * shape_[split_] + step * chunk_[split_]) * trailing_;
}

std::uint64_t BlockLayout::point_count(std::uint64_t block) const {
  std::uint64_t points = 1;
  for (std::uint64_t n : extent(block)) points *= n;
  return points;
}

std::vector<std::uint64_t> BlockLayout::start(std::uint64_t block) const {
  std::vector<std::uint64_t> coordinates(shape_.size(), 0);
  if (shape_.empty()) return coordinates;
  std::uint64_t row = block / per_row_;
  coordinates[split_] = (block % per_row_) * chunk_[split_];
  for (std::size_t d = split_; d-- > 0;) {
    coordinates[d] = row % shape_[d];
    row /= shape_[d];
  }
  return coordinates;
}

std::vector<std::uint64_t> BlockLayout::extent(std::uint64_t block) const {
  std::vector<std::uint64_t> extent = chunk_;
  if (shape_.empty()) return extent;
  const std::uint64_t begin = (block % per_row_) * chunk_[split_];
  extent[split_] = std::min(chunk_[split_], shape_[split_] - begin);
  return extent;
}

}  // namespace ropesweep
