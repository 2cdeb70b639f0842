#include "ropesweep/io/h5_group.hpp"

namespace ropesweep::h5 {

Group Group::group(const std::string& name) const {
  const Location where = where_.child(name);
  return Group(where.adopt(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), H5Gclose, "open group"),
               where);
}

Group Group::create_group(const std::string& name) const {
  const Location where = where_.child(name);
  return Group(where.adopt(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           H5Gclose, "create group"),
               where);
}

Dataset Group::dataset(const std::string& name) const {
  const Location where = where_.child(name);
  return Dataset(where.adopt(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset"),
                 where);
}

Dataset Group::make_dataset(const std::string& name, const Handle& file_type,
                            const std::vector<std::uint64_t>& shape, const Handle* fill_type,
                            const void* fill, const std::vector<std::uint64_t>* chunk) const {
  const Location where = where_.child(name);
  const Dataspace space = Dataspace::of_shape(shape, where);
  Handle creation = Handle::borrowed(H5P_DEFAULT);
  if (fill) {
    creation = where.adopt(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "make the creation list of");
    where.check(H5Pset_fill_value(creation.get(), fill_type->get(), fill), "set the fill value of");
    // Space is allocated as it is written (chunk by chunk), and the fill value is
    // written only into chunks being allocated, never ahead of the data. Unallocated
    // chunks read as the fill value. (The MPI-IO driver of HDF5 1.10 would allocate
    // every chunk when a file is opened for writing: results files are written by
    // one process, see results_file.hpp.)
    where.check(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_IFSET), "set the fill time of");
    // A chunk as large as the dataset is stored contiguously: allocated when first
    // written all the same, without a chunk index.
    if (chunk && !shape.empty() && *chunk != shape) {
      if (chunk->size() != shape.size()) where.reject("needs a chunk shape of its rank");
      const std::vector<hsize_t> dims(chunk->begin(), chunk->end());
      where.check(H5Pset_chunk(creation.get(), int(dims.size()), dims.data()),
                  "set the chunk shape of");
      where.check(H5Pset_alloc_time(creation.get(), H5D_ALLOC_TIME_INCR),
                  "set the allocation time of");
    } else {
      where.check(H5Pset_alloc_time(creation.get(), H5D_ALLOC_TIME_LATE),
                  "set the allocation time of");
    }
  }
  return Dataset(where.adopt(H5Dcreate2(id(), name.c_str(), file_type.get(), space.id(),
                                        H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                             H5Dclose, "create dataset"),
                 where);
}

Dataset Group::copy_dataset(const std::string& source, const std::string& name) const {
  const Location where = where_.child(name);
  const Handle options =
      where.adopt(H5Pcreate(H5P_OBJECT_COPY), H5Pclose, "make the copy list for");
  where.check(H5Pset_copy_object(options.get(), H5O_COPY_WITHOUT_ATTR_FLAG),
              "set the copy options for");
  where.check(H5Ocopy(id(), source.c_str(), id(), name.c_str(), options.get(), H5P_DEFAULT),
              "copy '" + source + "' to");
  return dataset(name);
}

bool Group::exists(const std::string& path) const {
  std::string prefix = !path.empty() && path.front() == '/' ? "/" : "";
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string component = path.substr(start, end - start);
    start = end + 1;
    if (component.empty()) continue;
    prefix += (prefix.empty() || prefix == "/" ? "" : "/") + component;
    if (where_.check(H5Lexists(id(), prefix.c_str(), H5P_DEFAULT),
                     "look for '" + prefix + "' in") == 0) {
      return false;
    }
    if (start <= path.size() && kind(prefix) != ObjectKind::kGroup) return false;
  }
  return true;
}

ObjectKind Group::kind(const std::string& name) const {
  const Location where = where_.child(name);
  const Handle object =
      where.adopt(H5Oopen(id(), name.c_str(), H5P_DEFAULT), H5Oclose, "open object");
  switch (H5Iget_type(object.get())) {
    case H5I_GROUP:
      return ObjectKind::kGroup;
    case H5I_DATASET:
      return ObjectKind::kDataset;
    case H5I_BADID:
      where.fail("read the kind of");
    default:
      return ObjectKind::kOther;
  }
}

namespace {

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

}  // namespace

std::vector<std::string> Group::members() const {
  std::vector<std::string> names;
  where_.check(H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names),
               "list the members of");
  return names;
}

void Group::remove(const std::string& name) const {
  where_.child(name).check(H5Ldelete(id(), name.c_str(), H5P_DEFAULT), "remove");
}

}  // namespace ropesweep::h5
