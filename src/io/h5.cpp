#include "ropesweep/io/h5.hpp"

#include <memory>

namespace ropesweep::h5 {

void Handle::reset() noexcept {
  if (id_ >= 0 && closer_) closer_(id_);
  id_ = -1;
}

void Handle::close(const std::string& path, const std::string& what) {
  if (id_ < 0) return;
  const hid_t id = id_;
  id_ = -1;
  check(closer_(id), path, what);
}

void silence_library_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

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

}  // namespace

std::string error_stack() {
  StackLines lines;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &lines);
  H5Eclear2(H5E_DEFAULT);
  if (lines.innermost.empty()) return "HDF5 reported no cause";
  if (lines.outermost.empty() || lines.innermost.rfind(lines.outermost, 0) == 0)
    return lines.innermost;
  return lines.outermost + ": " + lines.innermost;
}

hid_t check_id(hid_t id, const std::string& path, const std::string& what) {
  if (id < 0) throw IoError(path, what + ": " + error_stack());
  return id;
}

void check(herr_t status, const std::string& path, const std::string& what) {
  if (status < 0) throw IoError(path, what + ": " + error_stack());
}

Handle adopt(hid_t id, Handle::Closer closer, const std::string& path, const std::string& what) {
  return Handle(check_id(id, path, what), closer);
}

Handle string_type(const std::string& path) {
  Handle type = adopt(H5Tcopy(H5T_C_S1), H5Tclose, path, "copy string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), path, "set string size");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), path, "set string encoding");
  return type;
}

namespace {

void write_raw_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                         const void* data, const std::string& path) {
  if (H5Aexists(object, name.c_str()) > 0) {
    check(H5Adelete(object, name.c_str()), path, "replace attribute '" + name + "'");
  }
  Handle space = adopt(H5Screate(H5S_SCALAR), H5Sclose, path, "create dataspace");
  Handle attribute =
      adopt(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, path, "create attribute '" + name + "'");
  check(H5Awrite(attribute.get(), memory_type, data), path, "write attribute '" + name + "'");
}

}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value,
                     const std::string& path) {
  Handle type = string_type(path);
  const char* text = value.c_str();
  write_raw_attribute(object, name, type.get(), type.get(), &text, path);
}

void write_attribute(hid_t object, const std::string& name, double value, const std::string& path) {
  write_raw_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, path);
}

void write_attribute(hid_t object, const std::string& name, std::uint64_t value,
                     const std::string& path) {
  write_raw_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, path);
}

void write_attribute(hid_t object, const std::string& name, std::int32_t value,
                     const std::string& path) {
  write_raw_attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value, path);
}

bool has_attribute(hid_t object, const std::string& name) {
  const htri_t exists = H5Aexists(object, name.c_str());
  if (exists < 0) H5Eclear2(H5E_DEFAULT);
  return exists > 0;
}

std::optional<std::string> read_string_attribute(hid_t object, const std::string& name,
                                                 const std::string& path) {
  if (!has_attribute(object, name)) return std::nullopt;
  Handle attribute = adopt(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, path,
                           "open attribute '" + name + "'");
  Handle type = adopt(H5Aget_type(attribute.get()), H5Tclose, path, "type of '" + name + "'");
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw IoError(path, "attribute '" + name + "' is not text");
  }
  Handle space = adopt(H5Aget_space(attribute.get()), H5Sclose, path, "space of '" + name + "'");
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw IoError(path, "attribute '" + name + "' is not a single string");
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle memory = string_type(path);
    char* text = nullptr;
    check(H5Aread(attribute.get(), memory.get(), &text), path, "read attribute '" + name + "'");
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string value(size, '\0');
  Handle memory = adopt(H5Tcopy(H5T_C_S1), H5Tclose, path, "copy string type");
  check(H5Tset_size(memory.get(), size), path, "set string size");
  check(H5Aread(attribute.get(), memory.get(), value.data()), path,
        "read attribute '" + name + "'");
  value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
  return value;
}

std::optional<double> read_number_attribute(hid_t object, const std::string& name,
                                            const std::string& path) {
  if (!has_attribute(object, name)) return std::nullopt;
  Handle attribute = adopt(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, path,
                           "open attribute '" + name + "'");
  Handle type = adopt(H5Aget_type(attribute.get()), H5Tclose, path, "type of '" + name + "'");
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
    throw IoError(path, "attribute '" + name + "' is not a number");
  }
  double value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), path, "read attribute '" + name + "'");
  return value;
}

}  // namespace ropesweep::h5
