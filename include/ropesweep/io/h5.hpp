#pragma once
// HDF5 behind move-only RAII handles and checked calls. Every failing call
// becomes an IoError naming the file and the library's own cause, read from the
// HDF5 error stack ("create dataset 'x': (Dataset) unable to ...").
#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ropesweep/core/error.hpp"

namespace ropesweep::h5 {

// Owns one hid_t. The destructor releases it and never throws.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      closer_ = other.closer_;
      other.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  void reset() noexcept;
  // Closes now and reports failure (a file close is where buffered writes land).
  void close(const std::string& path, const std::string& what);

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// HDF5 prints its error stack by default; here errors become exceptions instead.
void silence_library_errors();

// The current HDF5 error stack as one line (and clears it).
std::string error_stack();

// Throw IoError(path, what + ": " + error_stack()) when the call failed.
hid_t check_id(hid_t id, const std::string& path, const std::string& what);
void check(herr_t status, const std::string& path, const std::string& what);

Handle adopt(hid_t id, Handle::Closer closer, const std::string& path, const std::string& what);

// Variable-length UTF-8 string type.
Handle string_type(const std::string& path);

// Attributes on any object (file, group, dataset); writing replaces an existing one.
void write_attribute(hid_t object, const std::string& name, const std::string& value,
                     const std::string& path);
void write_attribute(hid_t object, const std::string& name, double value, const std::string& path);
void write_attribute(hid_t object, const std::string& name, std::uint64_t value,
                     const std::string& path);
void write_attribute(hid_t object, const std::string& name, std::int32_t value,
                     const std::string& path);
bool has_attribute(hid_t object, const std::string& name);
// nullopt when absent; throws IoError when present but not a string.
std::optional<std::string> read_string_attribute(hid_t object, const std::string& name,
                                                 const std::string& path);
std::optional<double> read_number_attribute(hid_t object, const std::string& name,
                                            const std::string& path);

}  // namespace ropesweep::h5
