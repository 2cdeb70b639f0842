#include "ropesweep/io/h5_handle.hpp"

#include "ropesweep/core/error.hpp"

namespace ropesweep::h5 {

void Handle::reset() noexcept { close(); }

herr_t Handle::close() noexcept {
  const hid_t id = id_;
  id_ = -1;
  return id >= 0 && closer_ ? closer_(id) : 0;
}

Location Location::child(const std::string& name) const {
  if (!name.empty() && name.front() == '/') return {file, name};
  if (object.empty() || object == "/") return {file, "/" + name};
  return {file, object + "/" + name};
}

namespace {

struct StackLines {
  std::string outermost;  // what the API call was doing
  std::string innermost;  // the cause, with HDF5's minor error class
};

herr_t collect(unsigned depth, const H5E_error2_t* entry, void* data) {
  auto* lines = static_cast<StackLines*>(data);
  char minor[128] = "";
  H5Eget_msg(entry->min_num, nullptr, minor, sizeof minor);
  const std::string description = entry->desc ? entry->desc : "";
  if (depth == 0) lines->outermost = description;
  lines->innermost = description;
  if (minor[0])
    lines->innermost +=
        std::string(description.empty() ? "" : " (") + minor + (description.empty() ? "" : ")");
  return 0;
}

// HDF5's error stack as one line: the outermost description (what the API call
// was doing) and the innermost one (the cause). Clears the stack.
std::string error_stack() {
  StackLines lines;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &lines);
  clear_error_stack();
  if (lines.innermost.empty()) return "HDF5 reported no cause";
  if (lines.outermost.empty() || lines.innermost.rfind(lines.outermost, 0) == 0)
    return lines.innermost;
  return lines.outermost + ": " + lines.innermost;
}

}  // namespace

void Location::fail(const std::string& operation) const {
  const std::string what = object.empty() ? operation : operation + " '" + object + "'";
  throw IoError(file, "cannot " + what + ": " + error_stack());
}

void Location::reject(const std::string& problem) const {
  throw IoError(file, "'" + object + "' " + problem);
}

void clear_error_stack() { H5Eclear2(H5E_DEFAULT); }

}  // namespace ropesweep::h5
