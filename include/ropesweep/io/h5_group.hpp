#pragma once
// A group: its members, and the groups and datasets opened, created, copied or
// removed through it. Names are relative to the group, or absolute.
#include <cstdint>
#include <string>
#include <vector>

#include "ropesweep/io/h5_dataset.hpp"
#include "ropesweep/io/h5_object.hpp"

namespace ropesweep::h5 {

enum class ObjectKind { kGroup, kDataset, kOther };

class Group : public Object {
 public:
  Group group(const std::string& name) const;
  Group create_group(const std::string& name) const;
  Dataset dataset(const std::string& name) const;

  // Contiguous, of `shape` (scalar when empty), space allocated when first written.
  template <typename T>
  Dataset create_dataset(const std::string& name, const std::vector<std::uint64_t>& shape) const {
    return make_dataset(name, file_type<T>(where_.child(name)), shape, nullptr, nullptr, nullptr);
  }
  // Of `shape`, stored in chunks of `chunk` (same rank), each allocated when first
  // written; elements never written read as `fill`. A scalar, or a dataset that
  // is one chunk, is contiguous, allocated when written, and reads as `fill` until then.
  template <typename T>
  Dataset create_chunked_dataset(const std::string& name, const std::vector<std::uint64_t>& shape,
                                 const std::vector<std::uint64_t>& chunk, const T& fill) const {
    static_assert(!kIsText<T>, "h5 fills datasets of numbers only");
    const Handle fill_type = memory_type<T>(where_);
    return make_dataset(name, file_type<T>(where_.child(name)), shape, &fill_type, &fill, &chunk);
  }
  // A copy of the dataset at `source` (in the same file) as `name`, without its
  // attributes.
  Dataset copy_dataset(const std::string& source, const std::string& name) const;

  // Whether every link along `path` exists (and all but the last are groups).
  bool exists(const std::string& path) const;
  ObjectKind kind(const std::string& name) const;
  // Link names in name order.
  std::vector<std::string> members() const;
  // Unlinks `name` (its space in the file is not reclaimed).
  void remove(const std::string& name) const;

 protected:
  Group(Handle handle, Location where) : Object(std::move(handle), std::move(where)) {}

 private:
  Dataset make_dataset(const std::string& name, const Handle& file_type,
                       const std::vector<std::uint64_t>& shape, const Handle* fill_type,
                       const void* fill, const std::vector<std::uint64_t>* chunk) const;
};

}  // namespace ropesweep::h5
