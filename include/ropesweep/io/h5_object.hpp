#pragma once
// What files, groups and datasets share: an owned id, a location, and typed
// scalar attributes.
#include <optional>
#include <string>
#include <utility>

#include "ropesweep/io/h5_handle.hpp"
#include "ropesweep/io/h5_types.hpp"

namespace ropesweep::h5 {

class Object {
 public:
  hid_t id() const { return handle_.get(); }
  const Location& where() const { return where_; }
  const std::string& file_path() const { return where_.file; }
  const std::string& path() const { return where_.object; }

  bool has_attribute(const std::string& name) const;
  // nullopt when there is no such attribute; IoError when there is one but it is
  // not a T (text for std::string, otherwise a number, converted as HDF5 does).
  template <typename T>
  std::optional<T> attribute(const std::string& name) const;
  // A scalar attribute stored as T's file type, replacing any of that name.
  template <typename T>
  void set_attribute(const std::string& name, const T& value) const;
  void set_attribute(const std::string& name, const char* value) const {
    set_attribute(name, std::string(value));
  }

 protected:
  Object(Handle handle, Location where) : handle_(std::move(handle)), where_(std::move(where)) {}

  Handle handle_;
  Location where_;

 private:
  void write_attribute(const std::string& name, const Handle& file_type, const Handle& memory_type,
                       const void* data) const;
  void read_number_attribute(const std::string& name, const Handle& memory_type, void* data) const;
  std::string read_text_attribute(const std::string& name) const;
};

template <typename T>
std::optional<T> Object::attribute(const std::string& name) const {
  if (!has_attribute(name)) return std::nullopt;
  if constexpr (kIsText<T>) {
    return read_text_attribute(name);
  } else {
    T value{};
    read_number_attribute(name, memory_type<T>(where_), &value);
    return value;
  }
}

template <typename T>
void Object::set_attribute(const std::string& name, const T& value) const {
  if constexpr (kIsText<T>) {
    const char* text = value.c_str();
    write_attribute(name, file_type<T>(where_), memory_type<T>(where_), &text);
  } else {
    write_attribute(name, file_type<T>(where_), memory_type<T>(where_), &value);
  }
}

}  // namespace ropesweep::h5
