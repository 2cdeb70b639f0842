#include "ropesweep/io/h5_dataset.hpp"

#include <hdf5_hl.h>

namespace ropesweep::h5 {

Dataspace Dataset::space() const {
  return Dataspace(where_.adopt(H5Dget_space(id()), H5Sclose, "read the space of"), where_);
}

Dataset::Selection Dataset::every_element() const {
  return {Dataspace(Handle::borrowed(H5S_ALL), where_),
          Dataspace(Handle::borrowed(H5S_ALL), where_), size()};
}

std::uint64_t Dataset::point_count(const std::vector<std::uint64_t>& coordinates) const {
  const std::size_t rank = shape().size();
  if (rank > 0) return coordinates.size() / rank;
  if (!coordinates.empty()) where_.reject("is a scalar: its one point has no coordinates");
  return 1;
}

Dataset::Selection Dataset::points(const std::vector<std::uint64_t>& coordinates,
                                   std::uint64_t count) const {
  Dataspace file = space();
  const std::size_t rank = file.shape().size();
  if (coordinates.size() != count * rank || (rank == 0 && count != 1)) {
    where_.reject("has " + std::to_string(rank) + " dimensions: " + std::to_string(count) +
                  " points need " + std::to_string(count * rank) + " coordinates, not " +
                  std::to_string(coordinates.size()));
  }
  if (rank == 0) return every_element();
  file.select_points(coordinates);
  return {Dataspace::of_shape({count}, where_), std::move(file), count};
}

Dataset::Selection Dataset::block(const std::vector<std::uint64_t>& start,
                                  const std::vector<std::uint64_t>& extent) const {
  Dataspace file = space();
  file.select_block(start, extent);
  std::uint64_t count = 1;
  for (std::uint64_t n : extent) count *= n;
  if (extent.empty()) return every_element();
  return {Dataspace::of_shape({count}, where_), std::move(file), count};
}

std::uint64_t Dataset::stored_bytes() const { return H5Dget_storage_size(id()); }

void Dataset::read_raw(const Handle& memory_type, const Selection& selection, void* data) const {
  where_.check(H5Dread(id(), memory_type.get(), selection.memory.id(), selection.file.id(),
                       H5P_DEFAULT, data),
               "read");
}

void Dataset::write_raw(const Handle& memory_type, const Selection& selection,
                        const void* data) const {
  where_.check(H5Dwrite(id(), memory_type.get(), selection.memory.id(), selection.file.id(),
                        H5P_DEFAULT, data),
               "write");
}

std::vector<std::string> Dataset::read_text() const {
  const Dataspace file = space();
  std::vector<char*> texts(file.size(), nullptr);
  const Handle type = text_type(where_);
  where_.check(H5Dread(id(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), "read");
  std::vector<std::string> values;
  values.reserve(texts.size());
  for (const char* text : texts) values.emplace_back(text ? text : "");
  where_.check(H5Dvlen_reclaim(type.get(), file.id(), H5P_DEFAULT, texts.data()),
               "free the text read from");
  return values;
}

void Dataset::write_text(const std::vector<std::string>& values) const {
  const std::uint64_t count = size();
  if (values.size() != count) {
    where_.reject("has " + std::to_string(count) + " elements; " + std::to_string(values.size()) +
                  " values were given");
  }
  std::vector<const char*> texts;
  texts.reserve(values.size());
  for (const std::string& value : values) texts.push_back(value.c_str());
  const Handle type = text_type(where_);
  where_.check(H5Dwrite(id(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), "write");
}

void Dataset::make_scale(const std::string& name) const {
  where_.check(H5DSset_scale(id(), name.c_str()), "make a dimension scale '" + name + "' of");
}

bool Dataset::is_scale() const {
  return where_.check(H5DSis_scale(id()), "read the dimension-scale class of") > 0;
}

void Dataset::attach_scale(const Dataset& scale, unsigned dimension) const {
  where_.check(H5DSattach_scale(id(), scale.id(), dimension),
               "attach the dimension scale '" + scale.path() + "' to dimension " +
                   std::to_string(dimension) + " of");
}

namespace {

herr_t scale_path_of(hid_t, unsigned, hid_t scale, void* data) {
  const ssize_t length = H5Iget_name(scale, nullptr, 0);
  if (length <= 0) return -1;
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  if (H5Iget_name(scale, name.data(), name.size()) < 0) return -1;
  name.resize(static_cast<std::size_t>(length));
  *static_cast<std::string*>(data) = name;
  return 1;  // the first attached scale is the dimension's
}

}  // namespace

std::optional<std::string> Dataset::attached_scale(unsigned dimension) const {
  const std::string what = "dimension " + std::to_string(dimension) + " of";
  if (where_.check(H5DSget_num_scales(id(), dimension), "count the scales of " + what) == 0) {
    return std::nullopt;
  }
  std::string path;
  int index = 0;
  where_.check(H5DSiterate_scales(id(), dimension, &index, scale_path_of, &path),
               "read the scale of " + what);
  return path;
}

}  // namespace ropesweep::h5
