#pragma once
// An owned HDF5 id, and the place an object is (its file and its path in the
// file), which a call on it names when it fails.
#include <hdf5.h>

#include <string>

namespace ropesweep::h5 {

// Owns one hid_t; the destructor releases it and never throws. A handle without
// a closer borrows an id the library owns (a predefined type, H5S_ALL).
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  static Handle borrowed(hid_t id) { return Handle(id, nullptr); }
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
  void reset() noexcept;
  // Releases the id now and returns the closer's status, for callers that must
  // know (a file's close is where its buffered writes land).
  herr_t close() noexcept;

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// Where an object is, as errors name it: the file as the user gave it and the
// object's path in the file ("/" for the root group, empty for the file itself).
struct Location {
  std::string file;
  std::string object;

  // The location of `name` (relative to this object, or absolute).
  Location child(const std::string& name) const;

  // Throws IoError(file, "cannot OPERATION 'OBJECT': CAUSE"), the cause taken
  // (and cleared) from HDF5's error stack.
  [[noreturn]] void fail(const std::string& operation) const;
  // Throws IoError(file, "'OBJECT' PROBLEM"): what HDF5 cannot see (a wrong type).
  [[noreturn]] void reject(const std::string& problem) const;

  // A call's result, or fail(operation) when it is negative (HDF5's failure).
  template <typename Result>
  Result check(Result result, const std::string& operation) const {
    if (result < 0) fail(operation);
    return result;
  }
  Handle adopt(hid_t id, Handle::Closer closer, const std::string& operation) const {
    return Handle(check(id, operation), closer);
  }
};

// Drops whatever HDF5 left on its error stack (after a call whose failure is an
// answer, such as H5Fis_hdf5 on a file that is not one).
void clear_error_stack();

}  // namespace ropesweep::h5
