#include "ropesweep/io/h5_dataspace.hpp"

#include <string>
#include <utility>

namespace ropesweep::h5 {

Dataspace Dataspace::of_shape(const std::vector<std::uint64_t>& shape, const Location& where) {
  if (shape.empty()) {
    return Dataspace(where.adopt(H5Screate(H5S_SCALAR), H5Sclose, "make a scalar space for"),
                     where);
  }
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  return Dataspace(where.adopt(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose,
                               "make a space for"),
                   where);
}

Dataspace::Dataspace(Handle handle, Location where)
    : handle_(std::move(handle)), where_(std::move(where)) {}

std::vector<std::uint64_t> Dataspace::shape() const {
  const int rank = where_.check(H5Sget_simple_extent_ndims(id()), "read the rank of");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  where_.check(H5Sget_simple_extent_dims(id(), dims.data(), nullptr), "read the shape of");
  return {dims.begin(), dims.end()};
}

std::uint64_t Dataspace::size() const {
  return std::uint64_t(where_.check(H5Sget_simple_extent_npoints(id()), "count the elements of"));
}

void Dataspace::select_points(const std::vector<std::uint64_t>& coordinates) {
  const std::vector<std::uint64_t> extent = shape();
  const std::size_t rank = extent.size();
  if (rank == 0) where_.reject("is a scalar: it has no points to select");
  if (coordinates.size() % rank != 0) {
    where_.reject("has " + std::to_string(rank) + " dimensions; " +
                  std::to_string(coordinates.size()) + " coordinates do not make whole points");
  }
  for (std::size_t i = 0; i < coordinates.size(); ++i) {
    if (coordinates[i] >= extent[i % rank]) {
      where_.reject("has no point with coordinate " + std::to_string(coordinates[i]) +
                    " in dimension " + std::to_string(i % rank) + " (of size " +
                    std::to_string(extent[i % rank]) + ")");
    }
  }
  const std::vector<hsize_t> points(coordinates.begin(), coordinates.end());
  where_.check(H5Sselect_elements(id(), H5S_SELECT_SET, points.size() / rank, points.data()),
               "select points of");
}

void Dataspace::select_block(const std::vector<std::uint64_t>& start,
                             const std::vector<std::uint64_t>& extent) {
  const std::vector<std::uint64_t> shape = this->shape();
  if (start.size() != shape.size() || extent.size() != shape.size()) {
    where_.reject("has " + std::to_string(shape.size()) + " dimensions; a block of " +
                  std::to_string(extent.size()) + " was asked for");
  }
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (start[d] + extent[d] > shape[d]) {
      where_.reject("has no elements " + std::to_string(start[d]) + " to " +
                    std::to_string(start[d] + extent[d]) + " in dimension " + std::to_string(d) +
                    " (of size " + std::to_string(shape[d]) + ")");
    }
  }
  if (shape.empty()) return;  // a scalar's one element
  const std::vector<hsize_t> first(start.begin(), start.end()), count(extent.begin(), extent.end());
  where_.check(
      H5Sselect_hyperslab(id(), H5S_SELECT_SET, first.data(), nullptr, count.data(), nullptr),
      "select a block of");
}

}  // namespace ropesweep::h5
