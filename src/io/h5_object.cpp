#include "ropesweep/io/h5_object.hpp"

#include "ropesweep/core/error.hpp"

namespace ropesweep::h5 {
namespace {

std::string attribute_of(const std::string& name) { return "attribute '" + name + "' of"; }

// An attribute's id, type and element count, checked to hold a single value.
struct OpenAttribute {
  Handle attribute, type;
  H5T_class_t type_class;
};

OpenAttribute open_single(const Location& where, hid_t object, const std::string& name) {
  const std::string what = attribute_of(name);
  OpenAttribute open;
  open.attribute =
      where.adopt(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "open " + what);
  open.type = where.adopt(H5Aget_type(open.attribute.get()), H5Tclose, "read the type of " + what);
  open.type_class = H5Tget_class(open.type.get());
  if (open.type_class == H5T_NO_CLASS) where.fail("read the type class of " + what);
  const Handle space =
      where.adopt(H5Aget_space(open.attribute.get()), H5Sclose, "read the space of " + what);
  if (where.check(H5Sget_simple_extent_npoints(space.get()), "count the values of " + what) != 1) {
    throw IoError(where.file, what + " '" + where.object + "' is not a single value");
  }
  return open;
}

}  // namespace

bool Object::has_attribute(const std::string& name) const {
  return where_.check(H5Aexists(id(), name.c_str()), "look for " + attribute_of(name)) > 0;
}

void Object::write_attribute(const std::string& name, const Handle& file_type,
                             const Handle& memory_type, const void* data) const {
  const std::string what = attribute_of(name);
  if (has_attribute(name)) where_.check(H5Adelete(id(), name.c_str()), "replace " + what);
  const Handle space = where_.adopt(H5Screate(H5S_SCALAR), H5Sclose, "make the space of " + what);
  const Handle attribute = where_.adopt(
      H5Acreate2(id(), name.c_str(), file_type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose, "create " + what);
  where_.check(H5Awrite(attribute.get(), memory_type.get(), data), "write " + what);
}

void Object::read_number_attribute(const std::string& name, const Handle& memory_type,
                                   void* data) const {
  const OpenAttribute open = open_single(where_, id(), name);
  if (open.type_class != H5T_INTEGER && open.type_class != H5T_FLOAT) {
    throw IoError(where_.file, attribute_of(name) + " '" + path() + "' is not a number");
  }
  where_.check(H5Aread(open.attribute.get(), memory_type.get(), data),
               "read " + attribute_of(name));
}

std::string Object::read_text_attribute(const std::string& name) const {
  const std::string what = attribute_of(name);
  const OpenAttribute open = open_single(where_, id(), name);
  if (open.type_class != H5T_STRING) {
    throw IoError(where_.file, what + " '" + path() + "' is not text");
  }
  if (where_.check(H5Tis_variable_str(open.type.get()), "read the type of " + what) > 0) {
    const Handle memory = text_type(where_);
    char* text = nullptr;
    where_.check(H5Aread(open.attribute.get(), memory.get(), &text), "read " + what);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  // Fixed-length text (as other programs may write it): the stored bytes, read in
  // the stored type (HDF5 converts neither padding nor character set faithfully),
  // up to the first NUL.
  const std::size_t size = H5Tget_size(open.type.get());
  if (size == 0) where_.fail("read the size of " + what);
  std::string value(size, '\0');
  where_.check(H5Aread(open.attribute.get(), open.type.get(), value.data()), "read " + what);
  return value.substr(0, value.find('\0'));
}

}  // namespace ropesweep::h5
