#pragma once
// The shape of a dataset, and which of its elements a read or write touches.
#include <cstdint>
#include <vector>

#include "ropesweep/io/h5_handle.hpp"

namespace ropesweep::h5 {

class Dataspace {
 public:
  // Scalar when `shape` is empty. `where` is the dataset it describes.
  static Dataspace of_shape(const std::vector<std::uint64_t>& shape, const Location& where);
  Dataspace(Handle handle, Location where);

  hid_t id() const { return handle_.get(); }
  std::vector<std::uint64_t> shape() const;
  std::uint64_t size() const;  // elements; 1 for a scalar

  // Selects the elements at `coordinates`, rank() numbers per point, point after
  // point (replacing the selection of every element).
  void select_points(const std::vector<std::uint64_t>& coordinates);
  // Selects the hyper-rectangle of `extent` elements from `start` on.
  void select_block(const std::vector<std::uint64_t>& start,
                    const std::vector<std::uint64_t>& extent);

 private:
  Handle handle_;
  Location where_;
};

}  // namespace ropesweep::h5
