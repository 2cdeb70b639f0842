#pragma once
// A dataset: its shape, reads and writes of all of it or of chosen points, and
// the dimension scales (HDF5's DS convention, which netCDF readers follow) that
// label its dimensions.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ropesweep/io/h5_dataspace.hpp"
#include "ropesweep/io/h5_object.hpp"

namespace ropesweep::h5 {

class Group;

class Dataset : public Object {
 public:
  Dataspace space() const;
  std::vector<std::uint64_t> shape() const { return space().shape(); }
  std::uint64_t size() const { return space().size(); }

  // Every element, in C order.
  template <typename T>
  std::vector<T> read() const;
  // Every element, in C order: `values` holds size() of them.
  template <typename T>
  void write(const std::vector<T>& values) const;

  // The elements at `coordinates` (rank numbers per point, point after point; no
  // numbers for a scalar's one point). Numbers only.
  template <typename T>
  std::vector<T> read_points(const std::vector<std::uint64_t>& coordinates) const;
  template <typename T>
  void write_points(const std::vector<std::uint64_t>& coordinates,
                    const std::vector<T>& values) const;

  // The hyper-rectangle of `extent` elements from `start` on, in C order.
  template <typename T>
  std::vector<T> read_block(const std::vector<std::uint64_t>& start,
                            const std::vector<std::uint64_t>& extent) const;
  template <typename T>
  void write_block(const std::vector<std::uint64_t>& start,
                   const std::vector<std::uint64_t>& extent, const std::vector<T>& values) const;
  // Bytes of the file its elements take (chunks allocated so far).
  std::uint64_t stored_bytes() const;

  // Makes this 1-D dataset the dimension scale called `name`.
  void make_scale(const std::string& name) const;
  bool is_scale() const;
  void attach_scale(const Dataset& scale, unsigned dimension) const;
  // Path in the file of the first scale attached to `dimension`; nullopt when none.
  std::optional<std::string> attached_scale(unsigned dimension) const;

 private:
  friend class Group;
  Dataset(Handle handle, Location where) : Object(std::move(handle), std::move(where)) {}

  // The elements a read or write touches, in memory and in the file.
  struct Selection {
    Dataspace memory, file;  // H5S_ALL for every element
    std::uint64_t count;
  };
  Selection every_element() const;
  Selection points(const std::vector<std::uint64_t>& coordinates, std::uint64_t count) const;
  Selection block(const std::vector<std::uint64_t>& start,
                  const std::vector<std::uint64_t>& extent) const;
  std::uint64_t point_count(const std::vector<std::uint64_t>& coordinates) const;
  void read_raw(const Handle& memory_type, const Selection& selection, void* data) const;
  void write_raw(const Handle& memory_type, const Selection& selection, const void* data) const;
  std::vector<std::string> read_text() const;
  void write_text(const std::vector<std::string>& values) const;
};

template <typename T>
std::vector<T> Dataset::read() const {
  if constexpr (kIsText<T>) {
    return read_text();
  } else {
    const Selection all = every_element();
    std::vector<T> values(all.count);
    read_raw(memory_type<T>(where_), all, values.data());
    return values;
  }
}

template <typename T>
void Dataset::write(const std::vector<T>& values) const {
  if constexpr (kIsText<T>) {
    write_text(values);
  } else {
    const Selection all = every_element();
    if (values.size() != all.count) {
      where_.reject("has " + std::to_string(all.count) + " elements; " +
                    std::to_string(values.size()) + " values were given");
    }
    write_raw(memory_type<T>(where_), all, values.data());
  }
}

template <typename T>
std::vector<T> Dataset::read_points(const std::vector<std::uint64_t>& coordinates) const {
  static_assert(!kIsText<T>, "h5 reads and writes text only whole");
  const std::uint64_t count = point_count(coordinates);
  std::vector<T> values(count);
  if (count > 0) read_raw(memory_type<T>(where_), points(coordinates, count), values.data());
  return values;
}

template <typename T>
void Dataset::write_points(const std::vector<std::uint64_t>& coordinates,
                           const std::vector<T>& values) const {
  static_assert(!kIsText<T>, "h5 reads and writes text only whole");
  if (values.empty()) return;
  write_raw(memory_type<T>(where_), points(coordinates, values.size()), values.data());
}

template <typename T>
std::vector<T> Dataset::read_block(const std::vector<std::uint64_t>& start,
                                   const std::vector<std::uint64_t>& extent) const {
  static_assert(!kIsText<T>, "h5 reads and writes text only whole");
  const Selection selection = block(start, extent);
  std::vector<T> values(selection.count);
  read_raw(memory_type<T>(where_), selection, values.data());
  return values;
}

template <typename T>
void Dataset::write_block(const std::vector<std::uint64_t>& start,
                          const std::vector<std::uint64_t>& extent,
                          const std::vector<T>& values) const {
  static_assert(!kIsText<T>, "h5 reads and writes text only whole");
  const Selection selection = block(start, extent);
  if (values.size() != selection.count) {
    where_.reject("has " + std::to_string(selection.count) + " elements in the block; " +
                  std::to_string(values.size()) + " values were given");
  }
  write_raw(memory_type<T>(where_), selection, values.data());
}

}  // namespace ropesweep::h5
